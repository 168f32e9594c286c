"""The public chat API (``Assistant.chat/stream/reset``), the CLI wiring and the agent benchmark's scoring."""

from __future__ import annotations

import json

import pytest
from test_agent_support import agent_catalog, call

import assistant
from assistant import Assistant, FinalAnswerEvent, Reply, ToolCallEvent
from assistant.agent import AgentConfig
from assistant.bench.agent import check_argument, load_messages, score_call
from assistant.cli import build_parser
from assistant.llm import ScriptedChatModel


@pytest.fixture(scope="module")
def catalog(tmp_path_factory, embedder):
    return agent_catalog(tmp_path_factory, embedder)


def make(catalog, steps, **config) -> Assistant:
    return Assistant(catalog.settings, catalog=catalog, llm=ScriptedChatModel(steps),
                     agent_config=AgentConfig(**{"use_intent": False, **config}))


def test_chat_returns_a_reply_with_calls_and_cards(catalog):
    bot = make(catalog, [call("search_catalog", query="Miyazaki"), "Spirited Away (2001) is lovely."])
    reply = bot.chat("Miyazaki films?")
    assert isinstance(reply, Reply) and reply.text == "Spirited Away (2001) is lovely."
    assert reply.tool_calls == [{"name": "search_catalog", "arguments": {"query": "Miyazaki films?"}}]
    assert {h.title.title for h in reply.hits} == {"Spirited Away", "Howl's Moving Castle"}
    as_json = json.loads(json.dumps(reply.to_dict()))
    assert as_json["reply"] == reply.text and as_json["attachments"] == [] and as_json["hits"][0]["title"]


def test_stream_yields_the_events_and_reset_forgets_the_session(catalog):
    bot = make(catalog, [call("search_catalog", query="Miyazaki"), "Here.", "Hi again."], answer_from_tools=True)
    events = list(bot.stream("Miyazaki films?", session_id="u1"))
    assert isinstance(events[0], ToolCallEvent) and isinstance(events[-1], FinalAnswerEvent)
    assert bot.agent.memory.session("u1").last_search is not None
    assert bot.reset("u1") is True and "u1" not in bot.agent.memory
    assert make(catalog, []).reset("never-used") is False


def test_the_llm_is_only_resolved_when_chat_needs_it(catalog):
    bot = Assistant(catalog.settings, catalog=catalog)
    assert bot._llm is None and bot.search("Miyazaki").hits and bot._llm is None


def test_a_model_without_tool_calling_is_refused_with_a_fix(catalog):
    from langchain_core.language_models.fake import FakeListLLM

    with pytest.raises(TypeError, match="tool calling"):
        Assistant(catalog.settings, catalog=catalog, llm=FakeListLLM(responses=["x"])).agent  # noqa: B018


def test_package_exports_the_reply_and_event_types():
    for name in ("Reply", "TokenEvent", "ToolCallEvent", "ToolResultEvent", "AttachmentEvent", "FinalAnswerEvent",
                 "ErrorEvent", "NoticeEvent", "build_assistant"):
        assert name in assistant.__all__ and hasattr(assistant, name)


def test_cli_parses_chat_and_the_agent_bench():
    args = build_parser().parse_args(["chat", "--json", "hi", "80s horror"])
    assert args.json == ["hi", "80s horror"] and args.func.__name__ == "cmd_chat"
    args = build_parser().parse_args(["bench", "agent", "--limit", "5", "--variant", "intent"])
    assert (args.name, args.limit, args.variant) == ("agent", 5, "intent")


def test_bench_messages_are_varied_and_well_formed():
    messages = load_messages()
    assert len(messages) >= 60
    tools = {m["tool"] for m in messages}
    assert tools == {"search_catalog", "recommend_titles", "generate_storyboard", "draft_ads",
                     "get_title_details", None}
    assert all(m["tool"] is None or m.get("args") for m in messages), "every tool message has an argument check"


@pytest.mark.parametrize("value, check, ok", [
    ("80s horror", {"all": ["horror"], "any": ["80", "eighties"]}, True),
    ("horror", {"all": ["horror"], "any": ["80", "eighties"]}, False),
    (["Alien", "heat"], {"items": ["Alien", "Heat"]}, True),
    (["Alien"], {"items": ["Alien", "Heat"]}, False),
    (["Amelie"], {"items": [["Amélie", "Amelie"]]}, True),
    (True, {"equals": True}, True), (8, {"range": [8, 8]}, True), ("8", {"range": [8, 8]}, False),
    (None, {"any": ["x"]}, False),
])
def test_argument_checks(value, check, ok):
    assert check_argument(value, check) is ok


def test_scoring_of_first_calls():
    item = {"tool": "recommend_titles", "args": {"liked": {"items": ["Alien"]}}}
    assert score_call(item, {"name": "recommend_titles", "arguments": {"liked": ["Alien"]}}) == (True, True)
    assert score_call(item, {"name": "recommend_titles", "arguments": {"liked": []}}) == (True, False)
    assert score_call(item, {"name": "search_catalog", "arguments": {}}) == (False, False)
    assert score_call({"tool": None}, None) == (True, True)
    assert score_call({"tool": None}, {"name": "search_catalog", "arguments": {}}) == (False, False)


def test_status_names_the_models_device_and_catalog_size_without_loading_a_model(catalog):
    bot = Assistant(catalog.settings, catalog=catalog)
    status = bot.status()
    assert bot._llm is None, "asking for the status must not load the chat model"
    assert status.catalog_titles == catalog.store.count() > 0
    assert "Qwen2.5-Coder-0.5B" in status.llm and status.device == "cpu"
    assert "all-MiniLM-L6-v2" in status.embedding_model and "sketches" in status.image_renderer
    line = status.line()
    assert f"{status.catalog_titles:,} titles" in line and "embedded Chroma" in line
    scripted = Assistant(catalog.settings, catalog=catalog, llm=ScriptedChatModel(["hi"]))
    assert scripted.status().llm == "ScriptedChatModel"


def test_a_recommendation_turn_answers_from_the_picks_when_the_model_does_not_answer(catalog):
    bot = make(catalog, [call("recommend_titles", liked=["Alien", "Heat"])], answer_from_tools=True)
    reply = bot.chat("I loved Alien and Heat, what should I watch?")
    assert reply.text.startswith("Since you liked Alien (1979) and Heat (1995), you might enjoy:\n1. ")
    assert reply.hits and reply.tool_calls[0]["name"] == "recommend_titles"
    assert not {h.title.title for h in reply.hits} & {"Alien", "Heat"}


def test_a_storyboard_turn_returns_the_sheet_as_attachments(catalog, tmp_path):
    bot = make(catalog, [call("generate_storyboard", scene="a duel at dawn in a misty field", shots=3)],
               answer_from_tools=True)
    reply = bot.chat("Storyboard a duel at dawn in a misty field, 3 shots")
    assert reply.text.startswith("Here is a 3-shot storyboard (16:9, blocking sketches):")
    assert [a["media_type"] for a in reply.attachments] == ["image/png", "image/gif", "video/mp4", "application/pdf",
                                                            "text/csv"]
    assert str(catalog.settings.data_dir) in reply.attachments[0]["path"]


def test_an_ads_turn_lists_checked_drafts_and_refuses_unknown_titles(catalog):
    # The ad writer asks the same model for drafts: "no drafts here" is a reply it cannot use (templates step in).
    steps = [call("draft_ads", title="Jaws"), "no drafts here", call("draft_ads", title="Jawz Megashark 3000")]
    bot = make(catalog, steps, answer_from_tools=True)
    reply = bot.chat("Write ad copy for Jaws")
    assert reply.text.startswith("Ad drafts for Jaws") and "- Tagline: " in reply.text
    assert {a["media_type"] for a in reply.attachments} == {"text/markdown", "text/csv", "image/png"}
    reply = bot.chat("Write ad copy for Jawz Megashark 3000", session_id="other")
    assert reply.text.startswith('I couldn\'t find "Jawz Megashark 3000" in the catalog, so I wrote no ads')
    assert not reply.attachments


def test_something_older_refines_the_last_search_even_when_the_model_restates_it(catalog):
    bot = make(catalog, [call("search_catalog", query="horror from the 80s"),
                         call("search_catalog", query="horror", refine_previous=True)], answer_from_tools=True)
    first = bot.chat("horror from the 80s", session_id="older")
    second = bot.chat("something older", session_id="older")
    assert second.tool_calls[0]["arguments"] == {"query": "something older", "refine_previous": True}
    assert first.hits and second.hits
    assert max(h.title.year for h in second.hits) < min(h.title.year for h in first.hits)

"""Whole agent turns against a real loopback OpenAI-compatible server (tests/openai_peer.py), wired the way a
user wires it: ``Settings(llm_base_url=...)`` and ``Assistant``."""

from __future__ import annotations

import json
import re

import pytest

from assistant import Assistant
from assistant.events import ErrorEvent, FinalAnswerEvent, TokenEvent, ToolCallEvent, ToolResultEvent
from assistant.llm.openai_compat import openai_compatible_chat_model
from tests.openai_peer import MALFORMED_ARGUMENTS, SERVED_MODEL, OpenAIPeer

QUESTION = "find me 80s horror movies"


def peer_assistant(peer: OpenAIPeer, settings, catalog, **llm_options) -> Assistant:
    """The normal wiring (resolve_llm picks the OpenAI backend from the base URL), or an explicit model."""
    settings = settings.with_(llm_base_url=peer.base_url)
    llm = openai_compatible_chat_model(peer.base_url, **llm_options) if llm_options else None
    return Assistant(settings, catalog=catalog, llm=llm)


def named_title(text: str) -> str:
    found = re.match(r"Try (.+?): it is the best match", text)
    assert found, f"not the peer's answer: {text!r}"
    return found.group(1)


def test_a_streamed_turn_calls_the_search_tool_then_answers_from_its_result(small_settings, small_catalog):
    with OpenAIPeer() as peer:
        assistant = peer_assistant(peer, small_settings, small_catalog)
        events = list(assistant.stream(QUESTION, "peer-streamed"))
    final = events[-1]
    assert isinstance(final, FinalAnswerEvent) and final.source == "model", final.fallback_reason
    assert assistant.llm.model_name == SERVED_MODEL  # asked /v1/models, as no model was named
    calls = [e for e in events if isinstance(e, ToolCallEvent)]
    assert [(c.name, c.arguments["query"]) for c in calls] == [("search_catalog", QUESTION)]
    result = next(e for e in events if isinstance(e, ToolResultEvent))
    assert result.ok and result.hits
    title = named_title(final.text)
    assert title in {h.title.label for h in result.hits}
    assert "".join(e.text for e in events if isinstance(e, TokenEvent)) == final.text  # streamed in pieces
    first, answer = peer.chat_requests
    assert first["stream"] is True and answer["stream"] is True
    schemas = {t["function"]["name"]: t["function"]["parameters"] for t in first["tools"]}
    assert {"search_catalog", "draft_ads", "generate_storyboard"} <= set(schemas)
    assert schemas["search_catalog"]["properties"]["query"]["type"] == "string"
    assert "query" in schemas["search_catalog"]["required"]
    assert title in "\n".join(str(m["content"]) for m in answer["messages"])  # the tool result was sent back


def test_a_whole_reply_turn_works_the_same(small_settings, small_catalog):
    with OpenAIPeer() as peer:
        assistant = peer_assistant(peer, small_settings, small_catalog, model=SERVED_MODEL, streaming=False)
        reply = assistant.chat(QUESTION, "peer-whole")
        requests = peer.chat_requests
    assert [c["name"] for c in reply.tool_calls] == ["search_catalog"]
    assert named_title(reply.text) in {h.title.label for h in reply.hits}
    assert len(requests) == 2 and not any(r.get("stream") for r in requests)
    assert requests[0]["tools"] and '<tool_result name="search_catalog">' in requests[1]["messages"][-1]["content"]


def test_the_tool_result_goes_back_as_a_tool_message_when_the_model_may_keep_calling(small_settings, small_catalog):
    """With two tool rounds the second request carries the result as an OpenAI ``tool`` message."""
    from assistant.agent import AgentConfig

    with OpenAIPeer() as peer:
        settings = small_settings.with_(llm_base_url=peer.base_url)
        assistant = Assistant(settings, catalog=small_catalog, agent_config=AgentConfig(max_tool_rounds=2))
        reply = assistant.chat(QUESTION, "peer-tool-message")
        second = peer.chat_requests[1]
    tool_messages = [m for m in second["messages"] if m["role"] == "tool"]
    assert len(tool_messages) == 1 and tool_messages[0]["tool_call_id"] == "call_peer_1"
    assistant_call = next(m for m in second["messages"] if m["role"] == "assistant")
    assert assistant_call["tool_calls"][0]["function"]["name"] == "search_catalog"
    assert named_title(reply.text) in tool_messages[0]["content"]


@pytest.mark.parametrize("streaming", [True, False])
def test_malformed_tool_call_json_ends_the_turn_with_a_reply(small_settings, small_catalog, streaming):
    with OpenAIPeer(mode="malformed") as peer:
        assistant = peer_assistant(peer, small_settings, small_catalog, model=SERVED_MODEL, streaming=streaming)
        events = list(assistant.stream(QUESTION, f"peer-malformed-{streaming}"))
        requests = peer.chat_requests
    final = events[-1]
    assert isinstance(final, FinalAnswerEvent) and not final.hits
    assert final.text == "I could not find anything that fits; try loosening the request."  # the peer's answer
    results = [e for e in events if isinstance(e, ToolResultEvent)]
    assert len(results) == 1 and not results[0].ok and "could not be read" in results[0].summary
    # The model heard back why, as the result of its own call, so it could have fixed it.
    tool_message = requests[1]["messages"][-1]
    assert tool_message["role"] == "tool" and "could not be read" in tool_message["content"]
    # The broken call is echoed with readable arguments: a strict server would refuse its own broken JSON.
    echoed = [c["function"]["arguments"] for m in requests[1]["messages"] for c in m.get("tool_calls") or []]
    assert echoed and MALFORMED_ARGUMENTS not in echoed and all(json.loads(a) == {} for a in echoed)


@pytest.mark.parametrize("streaming", [True, False])
def test_a_server_error_ends_the_turn_with_a_reply_and_an_error_event(small_settings, small_catalog, streaming):
    with OpenAIPeer(mode="error") as peer:
        assistant = peer_assistant(peer, small_settings, small_catalog, model=SERVED_MODEL, streaming=streaming)
        events = list(assistant.stream(QUESTION, f"peer-error-{streaming}"))
    errors = [e for e in events if isinstance(e, ErrorEvent)]
    assert len(errors) == 1 and "500" in errors[0].message
    final = events[-1]
    assert isinstance(final, FinalAnswerEvent) and final.fallback_reason == "the language model failed"
    assert final.text


def test_the_peer_refuses_an_unknown_mode():
    with pytest.raises(ValueError, match="mode must be one of"):
        OpenAIPeer(mode="flaky")

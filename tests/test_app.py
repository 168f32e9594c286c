"""The Gradio app, served for real and called through gradio_client (scripted chat model, real catalog)."""

import pytest

import app
from assistant import Assistant
from assistant.llm import ScriptedChatModel
from tests.app_support import search_then_answer, served


@pytest.fixture(scope="module")
def assistant(small_catalog):
    return Assistant(small_catalog.settings, catalog=small_catalog,
                     llm=ScriptedChatModel([search_then_answer] * 400))


@pytest.fixture(scope="module")
def url(assistant):
    with served(app.build_app(assistant)) as address:
        yield address


def test_build_app_without_serving(assistant):
    demo = app.build_app(assistant)
    assert demo.title == "Marquee"


def test_chat_endpoint_round_trip(url):
    from gradio_client import Client

    reply = Client(url, verbose=False).predict("a horror film from the 80s", "t1", api_name="/chat")
    # The scripted model's vague answer names no title; the agent's grounded answer lists what the tool found.
    assert "The Shining" in reply and "Psycho" not in reply


def test_browse_endpoint_applies_filters(url):
    from gradio_client import Client

    html = Client(url, verbose=False).predict("", "1980s", ["Horror"], "Any", "Any", 240, api_name="/browse")
    assert "mq-card" in html and "The Shining" in html and "Psycho" not in html


def test_chat_stream_shows_tool_steps_and_cards(assistant):
    handler = app.ChatHandler(assistant)
    *_, (history, box) = list(handler.respond("a horror film from the 80s", [], "t2"))
    assert box == ""
    steps = [m for m in history if isinstance(m, dict) and m.get("metadata", {}).get("title", "").endswith(
        "search_catalog")]
    assert steps and steps[0]["metadata"]["status"] == "done"
    assert "The Shining" in history[-1]["content"]


def test_title_cards_escape_html():
    from knowledge.titles import Title
    from tools.search.engine import TitleHit

    html = app.title_cards([TitleHit(Title(id="x", title="<script>alert(1)</script>"), 1.0, ("why <b>",))])
    assert "<script>" not in html and "&lt;script&gt;" in html


def _tool_then_nothing(name, **args):
    """A scripted step that calls ``name`` first, then replies with text no tool can use."""
    from langchain_core.messages import AIMessage

    def step(messages):
        if any(getattr(m, "type", "") == "tool" for m in messages):
            return "Done."
        if messages and getattr(messages[0], "content", "").startswith("You are a film director"):
            return "no shot list"  # the storyboard tool asking the same model: the coverage pattern steps in
        return AIMessage(content="", tool_calls=[{"name": name, "args": args, "id": f"call-{len(messages)}"}])
    return step


def test_chat_shows_storyboard_frames_as_a_gallery_and_ad_checks_as_badges(small_catalog):
    import gradio as gr

    draw = _tool_then_nothing("generate_storyboard", scene="a duel", shots=3)
    storyboard = Assistant(small_catalog.settings, catalog=small_catalog, llm=ScriptedChatModel([draw] * 4))
    *_, (history, _) = list(app.ChatHandler(storyboard).respond("storyboard a duel at dawn, 3 shots", [], "s"))
    galleries = [m["content"] for m in history if isinstance(m.get("content"), gr.Gallery)]
    assert len(galleries) == 1 and len(galleries[0].value) == 3
    files = [m["content"] for m in history if isinstance(m.get("content"), gr.File)]
    assert {f.value["path"].rsplit(".", 1)[-1] for f in files} == {"png", "pdf", "csv", "mp4"}
    images = [m["content"] for m in history if isinstance(m.get("content"), gr.Image)]
    assert [i.value["path"].rsplit(".", 1)[-1] for i in images] == ["gif"]  # the animatic plays inline

    ads = Assistant(small_catalog.settings, catalog=small_catalog,
                    llm=ScriptedChatModel([_tool_then_nothing("draft_ads", title="Jaws")] * 4))
    *_, (history, _) = list(app.ChatHandler(ads).respond("ad copy for Jaws", [], "a"))
    badges = [m["content"].value for m in history if isinstance(m.get("content"), gr.HTML)]
    assert any("mq-badge mq-pass" in b and "Grounded" in b for b in badges)

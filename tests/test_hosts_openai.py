"""The OpenAI-compatible endpoint, through the official ``openai`` client pointed at the served app's /v1
(scripted chat model, real catalog, real agent loop)."""

import json

import httpx
import openai
import pytest
from langchain_core.messages import AIMessage, ToolMessage
from openai import OpenAI

from assistant.bench.app import AppBenchResult, openai_conversation
from tests.hosts_support import served_app


@pytest.fixture(scope="module")
def server(small_settings, small_catalog):
    with served_app(small_settings, small_catalog) as (url, assistant):
        yield url, assistant


@pytest.fixture(scope="module")
def client(server):
    return OpenAI(base_url=server[0] + "/v1", api_key="unused", max_retries=0)


def test_models_lists_marquee(client):
    assert [m.id for m in client.models.list()] == ["marquee"]


def test_whole_answer_names_catalog_titles_as_links(client):
    reply = client.chat.completions.create(model="marquee",
                                           messages=[{"role": "user", "content": "a horror film from the 80s"}])
    choice = reply.choices[0]
    assert choice.finish_reason == "stop" and choice.message.role == "assistant"
    assert "[The Shining (1980)](https://www.imdb.com/title/tt0081505/)" in choice.message.content
    assert "Psycho" not in choice.message.content
    assert "search_catalog" in choice.message.model_extra["reasoning_content"]


def test_streamed_answer_reports_tool_steps_then_ends_with_finish_reason(client):
    chunks = list(client.chat.completions.create(
        model="marquee", stream=True, stream_options={"include_usage": True},
        messages=[{"role": "system", "content": "Be brief."},
                  {"role": "user", "content": "films by Alfred Hitchcock"}]))
    deltas = [c.choices[0].delta for c in chunks if c.choices]
    reasoning = "".join(d.model_extra.get("reasoning_content") or "" for d in deltas)
    content = "".join(d.content or "" for d in deltas)
    assert deltas[0].role == "assistant" and "Calling search_catalog" in reasoning
    assert "Psycho (1960)" in content and "North by Northwest (1959)" in content
    finished = [c for c in chunks if c.choices and c.choices[0].finish_reason]
    assert len(finished) == 1 and finished[0].choices[0].finish_reason == "stop"
    assert chunks[-1].usage is not None and not chunks[-1].choices


def test_raw_stream_ends_with_done(server):
    body = {"model": "marquee", "stream": True, "messages": [{"role": "user", "content": "Korean thrillers"}]}
    with httpx.stream("POST", server[0] + "/v1/chat/completions", json=body, timeout=120) as response:
        assert response.headers["content-type"].startswith("text/event-stream")
        events = [line for line in response.iter_lines() if line.startswith("data: ")]
    assert events[-1] == "data: [DONE]"
    last = json.loads(events[-2].removeprefix("data: "))
    assert last["choices"][0]["finish_reason"] == "stop" and last["choices"][0]["delta"] == {}


def test_bad_requests_get_error_objects_and_the_server_keeps_serving(client, server):
    with pytest.raises(openai.BadRequestError) as empty:
        client.chat.completions.create(model="marquee", messages=[])
    assert "messages" in empty.value.body["message"] or empty.value.body.get("param") == "messages"
    with pytest.raises(openai.NotFoundError) as unknown:
        client.chat.completions.create(model="gpt-9", messages=[{"role": "user", "content": "hi"}])
    assert unknown.value.code == "model_not_found"
    with pytest.raises(openai.APIStatusError) as huge:
        client.chat.completions.create(model="marquee", messages=[{"role": "user", "content": "x" * 1_000_000}])
    assert huge.value.status_code == 413 and "KiB" in huge.value.body["message"]
    with pytest.raises(openai.BadRequestError):
        client.chat.completions.create(model="marquee", messages=[{"role": "assistant", "content": "hello"}])
    malformed = httpx.post(server[0] + "/v1/chat/completions", content=b"{oops", timeout=30,
                           headers={"Content-Type": "application/json"})
    assert malformed.status_code == 400 and malformed.json()["error"]["type"] == "invalid_request_error"
    wrong_type = httpx.post(server[0] + "/v1/chat/completions", json={"messages": "hi"}, timeout=30)
    assert wrong_type.status_code == 400 and wrong_type.json()["error"]["param"] == "messages"
    still = client.chat.completions.create(model="marquee", messages=[{"role": "user", "content": "Hitchcock films"}])
    assert "Psycho" in still.choices[0].message.content


def test_missing_or_wrong_key_is_an_authentication_error(small_settings, small_catalog, monkeypatch):
    monkeypatch.setenv("MARQUEE_AUTH", "ana:secret")
    with served_app(small_settings.with_(api_key="mq-test-key"), small_catalog) as (url, _):
        for key in ("", "wrong"):
            client = OpenAI(base_url=url + "/v1", api_key=key or "x", max_retries=0)
            if not key:
                client = client.with_options(default_headers={"Authorization": ""})
            with pytest.raises(openai.AuthenticationError) as denied:
                client.chat.completions.create(model="marquee", messages=[{"role": "user", "content": "horror"}])
            assert denied.value.code == "invalid_api_key"
        with httpx.Client(base_url=url, timeout=30) as browser:  # the app's own login cookie counts too
            assert browser.get("/v1/models").status_code == 401
            assert browser.post("/login", data={"username": "ana", "password": "secret"}).status_code == 200
            assert browser.get("/v1/models").json()["data"][0]["id"] == "marquee"
        for key in ("mq-test-key", "ana:secret"):
            allowed = OpenAI(base_url=url + "/v1", api_key=key, max_retries=0)
            reply = allowed.chat.completions.create(model="marquee", messages=[{"role": "user", "content": "horror"}])
            assert reply.choices[0].message.content


def test_ten_concurrent_sessions_do_not_leak(server):
    from concurrent.futures import ThreadPoolExecutor

    url, assistant = server
    titles = ["Alien", "Heat", "Jaws", "Psycho", "Aliens", "The Thing", "The Shining", "Amélie", "Chinatown", "Amadeus"]
    result = AppBenchResult(10, "scripted", "v1", codes={i: f"mq-{i:02d}-code{i}x" for i in range(10)})
    with ThreadPoolExecutor(max_workers=10) as pool:
        for turns in pool.map(lambda i: openai_conversation(url, i, titles[i], result.codes[i]), range(10)):
            result.turns += turns
    assert not result.errors, [t.error for t in result.errors]
    assert result.leaks() == [] and result.remembered() == 10
    assert len(assistant.agent.memory) == 0, "each request's session is forgotten after its turn"


def test_replayed_answers_lose_their_links():
    from assistant.hosts.markdown import plain_text

    answer = "1. [Alien (1979)](https://www.imdb.com/title/tt0078748/) - horror\n\n![Sheet](http://h/marquee/files/s.png?sig=1)"
    assert plain_text(answer) == "1. Alien (1979) - horror"
    assert plain_text("Try Alien.\n\n**Titles**\n\n1. [Heat (1995)](https://x/)") == "Try Alien."


def test_rate_limit_is_a_rate_limit_error(small_settings, small_catalog):
    from assistant.hosts.access import RateLimiter

    limiter = RateLimiter(per_minute=2)  # bursts of one
    assert limiter.allow("a") and not limiter.allow("a") and limiter.allow("b")
    with served_app(small_settings, small_catalog, rate_limit=2) as (url, _):
        client = OpenAI(base_url=url + "/v1", api_key="x", max_retries=0)
        assert client.chat.completions.create(model="marquee", messages=[{"role": "user", "content": "horror"}])
        with pytest.raises(openai.RateLimitError) as limited:
            client.chat.completions.create(model="marquee", messages=[{"role": "user", "content": "horror"}])
        assert limited.value.code == "rate_limit_exceeded"


def draw_storyboard(messages):
    """Scripted step: storyboard the request (the storyboarder's own planning call gets an unusable reply, so
    the coverage pattern plans the shots), then a short answer."""
    if any(isinstance(m, ToolMessage) for m in messages):
        return "Here is your storyboard."
    if str(messages[0].content).startswith("You are a film director"):
        return "no shot list"
    return AIMessage(content="", tool_calls=[{"name": "generate_storyboard", "id": "sb-1",
                                              "args": {"scene": "a lone rider crosses the desert", "shots": 2}}])


def test_storyboard_frames_come_as_markdown_images_served_by_the_app(small_settings, small_catalog):
    import re

    with served_app(small_settings, small_catalog, steps=20, step=draw_storyboard) as (url, assistant):
        client = OpenAI(base_url=url + "/v1", api_key="x", max_retries=0)
        reply = client.chat.completions.create(model="marquee", messages=[
            {"role": "user", "content": "Storyboard this: a lone rider crosses the desert, 2 shots"}])
        content = reply.choices[0].message.content
        images = re.findall(r"!\[[^\]]*\]\((http[^)]+)\)", content)
        assert images and all(i.startswith(url + "/marquee/files/") for i in images)
        assert str(assistant.settings.data_dir) not in content + reply.choices[0].message.model_extra.get(
            "reasoning_content", "")
        png = httpx.get(images[0], timeout=30)
        assert png.status_code == 200 and png.content[:4] == b"\x89PNG"


def test_streamed_titles_become_links_even_when_split_across_tokens():
    from assistant.hosts.markdown import TitleLinker
    from knowledge.titles import Title
    from tools.search.engine import TitleHit

    linker = TitleLinker()
    linker.add([TitleHit(Title(id="tt0078748", title="Alien", year=1979), 1.0, ())])
    sent, pending = "", ""
    for token in ["Watch ", "Ali", "en (19", "79) tonight", ", it is a classic of the genre."]:
        ready, pending = linker.ready(pending + token)
        sent += ready
    sent += linker.link(pending)
    assert sent == "Watch [Alien (1979)](https://www.imdb.com/title/tt0078748/) tonight, it is a classic of the genre."
    assert linker.unnamed() == []

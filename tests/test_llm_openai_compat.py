"""The OpenAI-compatible backend against a loopback server speaking vLLM's streaming tool-call protocol."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_core.tools import tool

from assistant.llm.openai_compat import openai_compatible_chat_model

SERVED = "Qwen/Qwen2.5-7B-Instruct"


@tool
def search_catalog(query: str) -> str:
    """Search the catalog."""
    return query


def sse_events() -> list[dict]:
    """A streamed reply the way vLLM's hermes tool parser sends it: some text, then one call."""
    base = {"id": "chatcmpl-1", "object": "chat.completion.chunk", "created": 0, "model": SERVED}
    call = {
        "index": 0,
        "id": "call_1",
        "type": "function",
        "function": {"name": "search_catalog", "arguments": '{"query": "80s horror"}'},
    }
    deltas = [
        ({"role": "assistant", "content": "Searching"}, None),
        ({"content": " now."}, None),
        ({"tool_calls": [call]}, None),
        ({}, "tool_calls"),
    ]
    return [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": f}]} for d, f in deltas]


class FakeServer(BaseHTTPRequestHandler):
    requests: list[dict] = []

    def log_message(self, *args: object) -> None:  # keep pytest output clean
        pass

    def do_GET(self) -> None:
        if self.path.endswith("/models"):
            self._json({"object": "list", "data": [{"id": SERVED, "object": "model", "created": 0, "owned_by": "x"}]})
        else:
            self.send_error(404)

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        FakeServer.requests.append(body)
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        for event in sse_events():
            self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
        self.wfile.write(b"data: [DONE]\n\n")

    def _json(self, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture
def server_url() -> Iterator[str]:
    FakeServer.requests = []
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeServer)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


def test_discovers_the_served_model_and_streams_a_tool_call(server_url: str) -> None:
    model = openai_compatible_chat_model(server_url)
    assert model.model_name == SERVED and model.streaming
    chunks = list(model.bind_tools([search_catalog]).stream("find me 80s horror movies"))
    reply = sum(chunks[1:], chunks[0])
    assert reply.content == "Searching now."
    assert [(c["name"], c["args"]) for c in reply.tool_calls] == [("search_catalog", {"query": "80s horror"})]
    sent = FakeServer.requests[-1]
    assert sent["stream"] is True and sent["model"] == SERVED
    assert sent["tools"][0]["function"]["name"] == "search_catalog"


def test_invoke_also_gathers_the_streamed_call(server_url: str) -> None:
    reply = openai_compatible_chat_model(server_url, model="named").bind_tools([search_catalog]).invoke("hi")
    assert reply.tool_calls[0]["args"] == {"query": "80s horror"}
    assert FakeServer.requests[-1]["model"] == "named"


def test_an_unreachable_server_says_which_setting_to_check() -> None:
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{placeholder.getsockname()[1]}/v1"
        with pytest.raises(RuntimeError, match="MARQUEE_LLM_BASE_URL"):
            openai_compatible_chat_model(url)


def test_an_empty_base_url_is_refused() -> None:
    with pytest.raises(ValueError, match="base URL"):
        openai_compatible_chat_model("  ")

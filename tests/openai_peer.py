"""A real loopback HTTP server that speaks the OpenAI chat-completions protocol, for tests.

``OpenAIPeer`` serves ``GET /v1/models`` and ``POST /v1/chat/completions``, streamed (server-sent events, with
``delta.tool_calls`` argument fragments split across chunks the way vLLM sends them, then ``[DONE]``) or not,
and plays a small script:

- while no tool result is in the request, it calls ``search_catalog`` with the user's last message;
- once a tool result is in the request (as a ``tool`` message, or folded into the user's message), it answers
  in text, naming the first title listed in that result.

``mode`` makes it misbehave: ``"malformed"`` writes tool calls whose arguments are not JSON, ``"error"``
answers every chat request with HTTP 500. For a request without tools (search's model-assisted recall asks
that way), ``"titles"`` answers with ``titles`` as a numbered list ("1. Jaws (1975)") and ``"garbage"`` with
rambling text and broken JSON, no list. Every request body is kept in ``peer.requests``.

    with OpenAIPeer() as peer:
        Assistant(Settings(llm_base_url=peer.base_url), catalog=catalog).chat("80s horror")
"""

from __future__ import annotations

import json
import re
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

MODES = ("script", "malformed", "error", "titles", "garbage")
SERVED_MODEL = "peer/tool-caller-1"
MALFORMED_ARGUMENTS = '{"query": "80s horror", k: ten}'
# A numbered result line as the search tool writes it: "1. Alien (1979) - horror/science fiction - ...".
_LISTED_TITLE = re.compile(r"^\s*1\.\s+(.+?)\s+-\s", re.MULTILINE)
_TOOL_RESULT_MARK = "<tool_result"
GARBAGE_REPLY = ("Well, that sounds like a wonderful story! Films like that are often loved by many people, "
                 "and I think you might enjoy it.\n{\"titles\": [\"unfinished")


@dataclass(frozen=True)
class PeerReply:
    """What the peer answers: text, or one tool call with raw (possibly broken) JSON arguments."""

    text: str = ""
    tool_name: str = ""
    arguments: str = ""

    @property
    def is_tool_call(self) -> bool:
        return bool(self.tool_name)


class OpenAIPeer:
    """The server; ``start()``/``stop()`` or use it as a context manager. ``base_url`` ends in ``/v1``."""

    def __init__(self, mode: str = "script", model: str = SERVED_MODEL, chunk_chars: int = 7,
                 titles: tuple[str, ...] = ()) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, not {mode!r}")
        self.mode, self.model, self.chunk_chars, self.titles = mode, model, chunk_chars, tuple(titles)
        self.requests: list[dict[str, Any]] = []
        self._server: ThreadingHTTPServer | None = None
        self._lock = threading.Lock()

    # -- lifecycle ------------------------------------------------------------------------------------------
    def start(self) -> OpenAIPeer:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="openai-peer", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> OpenAIPeer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("The peer is not running; call start() first.")
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    @property
    def chat_requests(self) -> list[dict[str, Any]]:
        with self._lock:
            return [r for r in self.requests if "messages" in r]

    def record(self, body: dict[str, Any]) -> None:
        with self._lock:
            self.requests.append(body)

    # -- the script -----------------------------------------------------------------------------------------
    def reply_to(self, body: dict[str, Any]) -> PeerReply:
        """The next move, decided from the request alone (so it works the same streamed or not)."""
        result = tool_result_in(body.get("messages") or [])
        if result is not None:
            return PeerReply(text=answer_naming(result))
        if not body.get("tools"):
            if self.mode == "titles":
                return PeerReply(text="\n".join(f"{i}. {t}" for i, t in enumerate(self.titles, 1)))
            if self.mode == "garbage":
                return PeerReply(text=GARBAGE_REPLY)
            return PeerReply(text="Hello! Ask me for something to watch.")
        arguments = (MALFORMED_ARGUMENTS if self.mode == "malformed"
                     else json.dumps({"query": last_user_text(body["messages"])}))
        return PeerReply(tool_name="search_catalog", arguments=arguments)


def message_text(message: dict[str, Any]) -> str:
    content = message.get("content") or ""
    if isinstance(content, list):  # content parts: [{"type": "text", "text": ...}]
        return "".join(str(part.get("text", "")) for part in content if isinstance(part, dict))
    return str(content)


def last_user_text(messages: list[dict[str, Any]]) -> str:
    users = [message_text(m) for m in messages if m.get("role") == "user"]
    return users[-1].split("\n\n")[0] if users else ""


def tool_result_in(messages: list[dict[str, Any]]) -> str | None:
    """The latest tool result the request carries, as a tool message or folded into a user message."""
    for message in reversed(messages):
        text, role = message_text(message), message.get("role")
        # Only the conversation counts: a system prompt may well describe what a tool result looks like.
        if role == "tool" or (role == "user" and _TOOL_RESULT_MARK in text):
            return text
    return None


def answer_naming(tool_result: str) -> str:
    listed = _LISTED_TITLE.search(tool_result)
    if listed is None:
        return "I could not find anything that fits; try loosening the request."
    return f"Try {listed.group(1)}: it is the best match for what you asked."


# -- the protocol -----------------------------------------------------------------------------------------------
def completion(model: str, reply: PeerReply) -> dict[str, Any]:
    """A non-streamed ``chat.completion`` object."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text or None}
    if reply.is_tool_call:
        message["tool_calls"] = [{"id": "call_peer_1", "type": "function",
                                  "function": {"name": reply.tool_name, "arguments": reply.arguments}}]
    return {"id": "chatcmpl-peer", "object": "chat.completion", "created": 0, "model": model,
            "choices": [{"index": 0, "message": message, "finish_reason": _finish_reason(reply)}],
            "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}}


def stream_chunks(model: str, reply: PeerReply, chunk_chars: int) -> list[dict[str, Any]]:
    """``chat.completion.chunk`` objects: the role, then text or the call (name first, then its arguments in
    ``chunk_chars`` pieces), then the finish reason, then usage."""
    deltas: list[dict[str, Any]] = [{"role": "assistant", "content": ""}]
    if reply.is_tool_call:
        deltas.append({"tool_calls": [{"index": 0, "id": "call_peer_1", "type": "function",
                                       "function": {"name": reply.tool_name, "arguments": ""}}]})
        deltas += [{"tool_calls": [{"index": 0, "function": {"arguments": piece}}]}
                   for piece in _pieces(reply.arguments, chunk_chars)]
    else:
        deltas += [{"content": piece} for piece in _pieces(reply.text, chunk_chars)]
    base = {"id": "chatcmpl-peer", "object": "chat.completion.chunk", "created": 0, "model": model}
    chunks = [{**base, "choices": [{"index": 0, "delta": d, "finish_reason": None}]} for d in deltas]
    chunks.append({**base, "choices": [{"index": 0, "delta": {}, "finish_reason": _finish_reason(reply)}]})
    chunks.append({**base, "choices": [], "usage": {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}})
    return chunks


def _finish_reason(reply: PeerReply) -> str:
    return "tool_calls" if reply.is_tool_call else "stop"


def _pieces(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


def _handler_for(peer: OpenAIPeer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep pytest output clean
            pass

        def do_GET(self) -> None:
            if self.path.rstrip("/").endswith("/v1/models"):
                self._send_json(200, {"object": "list", "data": [
                    {"id": peer.model, "object": "model", "created": 0, "owned_by": "peer"}]})
            else:
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})

        def do_POST(self) -> None:
            if not self.path.rstrip("/").endswith("/v1/chat/completions"):
                self._send_json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
                return
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length") or 0)) or b"{}")
            peer.record(body)
            if peer.mode == "error":
                self._send_json(500, {"error": {"message": "the peer is broken", "type": "server_error"}})
                return
            reply = peer.reply_to(body)
            if body.get("stream"):
                self._send_events(stream_chunks(peer.model, reply, peer.chunk_chars))
            else:
                self._send_json(200, completion(peer.model, reply))

        def _send_json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _send_events(self, chunks: list[dict[str, Any]]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.end_headers()  # HTTP/1.0: the stream ends when the connection closes
            for chunk in chunks:
                self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")

    return Handler

"""``GET /v1/models`` and ``POST /v1/chat/completions``: Marquee's agent as an OpenAI-compatible chat model.

The request's messages become a fresh session (earlier user/assistant turns are replayed into its memory, the
last user message is the turn), so requests never share state. Tool steps stream as ``reasoning_content``
deltas (Open WebUI and similar hosts show them as a collapsible "thinking" block); the answer streams as
``content``, followed by the titles found as Markdown links and the images the turn drew as Markdown images
served by the app. Errors are OpenAI error objects: ``{"error": {"message", "type", "param", "code"}}``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import anyio
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import iterate_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from assistant.events import FinalAnswerEvent, NoticeEvent, TokenEvent, ToolCallEvent, ToolResultEvent
from assistant.hosts.access import Access, RateLimiter, caller_of
from assistant.hosts.markdown import TitleLinker, attachments_markdown, plain_text, step_line, titles_markdown

if TYPE_CHECKING:
    from assistant.api import Assistant
    from assistant.hosts.files import FileLinks

MODEL_ID = "marquee"
#: Larger bodies are refused before they are read whole (a long chat history fits easily).
MAX_BODY_BYTES = 256 * 1024
MAX_MESSAGES = 200


class _Part(BaseModel):
    type: str
    text: str = ""


class _Message(BaseModel):
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[_Part] | None = None

    @property
    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text for p in self.content if p.type == "text")
        return self.content or ""


class ChatRequest(BaseModel):
    model: str = MODEL_ID
    messages: list[_Message] = Field(min_length=1, max_length=MAX_MESSAGES)
    stream: bool = False
    stream_options: dict[str, Any] | None = None
    user: str | None = Field(default=None, max_length=200)


class ApiError(Exception):
    def __init__(self, status: int, message: str, kind: str = "invalid_request_error", code: str | None = None,
                 param: str | None = None):
        super().__init__(message)
        self.status, self.kind, self.code, self.param = status, kind, code, param

    def response(self) -> JSONResponse:
        return error_response(self.status, str(self), self.kind, self.code, self.param)


def error_response(status: int, message: str, kind: str = "invalid_request_error", code: str | None = None,
                   param: str | None = None) -> JSONResponse:
    return JSONResponse({"error": {"message": message, "type": kind, "param": param, "code": code}},
                        status_code=status)


@dataclass
class _Reply:
    """What a turn produced, as the OpenAI response will carry it."""

    content: str = ""
    reasoning: str = ""
    usage: dict[str, float] = field(default_factory=dict)


class OpenAIRoutes:
    """The ``/v1`` routes over one assistant."""

    def __init__(self, assistant: Assistant, links: FileLinks, access: Access, limiter: RateLimiter,
                 concurrent_turns: int = 2):
        self.assistant, self.links, self.access, self.limiter = assistant, links, access, limiter
        # Turns beyond this wait (the model on a CPU gains nothing from more at once), like the app's queue.
        self._turns = anyio.Semaphore(max(1, concurrent_turns))

    def routes(self) -> list[Route]:
        return [Route("/v1/models", self.models, methods=["GET"]),
                Route("/v1/chat/completions", self.chat_completions, methods=["POST"])]

    async def models(self, request: Request) -> Response:
        if not self.access.allows(request):
            return _unauthorized()
        return JSONResponse({"object": "list", "data": [
            {"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "marquee"}]})

    async def chat_completions(self, request: Request) -> Response:
        try:
            self._admit(request)
            chat = ChatRequest.model_validate(await _read_json(request))
        except ApiError as error:
            return error.response()
        except ValidationError as error:
            first = error.errors()[0]
            return error_response(400, f"Invalid request: {'.'.join(map(str, first['loc']))}: {first['msg']}",
                                  param=".".join(map(str, first["loc"])))
        if chat.model != MODEL_ID:
            return error_response(404, f"The model {chat.model!r} does not exist; use {MODEL_ID!r}.",
                                  code="model_not_found", param="model")
        history, message = _split(chat.messages)
        if not message.strip():
            return error_response(400, "The last message must be a user message with text.", param="messages")
        base_url = f"{request.url.scheme}://{request.url.netloc}"
        completion_id = f"chatcmpl-{uuid.uuid4().hex[:24]}"
        events = self._turn(history, message)
        if chat.stream:
            include_usage = bool((chat.stream_options or {}).get("include_usage"))
            return StreamingResponse(self._sse(completion_id, events, base_url, include_usage),
                                     media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
        async with self._turns:
            reply = _Reply()
            async for kind, text in self._pieces(events, base_url, reply):
                if kind == "content":
                    reply.content += text
                else:
                    reply.reasoning += text
        message_out = {"role": "assistant", "content": reply.content}
        if reply.reasoning:
            message_out["reasoning_content"] = reply.reasoning
        return JSONResponse({"id": completion_id, "object": "chat.completion", "created": int(time.time()),
                             "model": MODEL_ID, "choices": [{"index": 0, "message": message_out,
                                                             "finish_reason": "stop"}],
                             "usage": _usage(reply.usage)})

    def _admit(self, request: Request) -> None:
        if not self.access.allows(request):
            raise ApiError(401, "Missing or wrong API key: send Authorization: Bearer <MARQUEE_API_KEY> (or the "
                                "app's user:password).", "authentication_error", "invalid_api_key")
        if not self.limiter.allow(caller_of(request)):
            raise ApiError(429, "Too many requests; slow down and retry in a few seconds.", "rate_limit_error",
                           "rate_limit_exceeded")

    # -- the turn --------------------------------------------------------------------------------------
    def _turn(self, history: list[tuple[str, str]], message: str) -> Iterator[Any]:
        """The agent's events for ``message`` in a fresh session holding ``history`` (forgotten afterwards)."""
        from langchain_core.messages import AIMessage, HumanMessage

        from assistant.intent import extract_preferences

        session_id = f"v1-{uuid.uuid4().hex}"
        agent = self.assistant.agent
        session = agent.memory.session(session_id)
        for role, text in history:
            session.append(HumanMessage(text) if role == "user" else AIMessage(plain_text(text)))
            if role == "user":  # tastes stated earlier count, as they would have in a live session
                prefs = extract_preferences(text)
                session.profile.add(likes=prefs.likes, dislikes=prefs.dislikes, seen=prefs.seen)
        try:
            yield from self.assistant.stream(message, session_id)
        finally:
            agent.memory.reset(session_id)

    async def _pieces(self, events: Iterator[Any], base_url: str, reply: _Reply) -> AsyncIterator[tuple[str, str]]:
        """("reasoning" | "content", text) pieces of the turn, in order; fills ``reply.usage``. The answer goes
        out as it streams, held back only by the length of a title so each title it names can become a link."""
        streamed = pending = ""
        linker = TitleLinker()
        async for event in iterate_in_threadpool(events):
            if isinstance(event, ToolCallEvent | ToolResultEvent | NoticeEvent):
                linker.add(getattr(event, "hits", ()))
                yield "reasoning", self.links.scrub(step_line(event), base_url)
            elif isinstance(event, TokenEvent):
                streamed += event.text
                ready, pending = linker.ready(pending + event.text)
                if ready:
                    yield "content", self.links.scrub(ready, base_url)
            elif isinstance(event, FinalAnswerEvent):
                reply.usage = dict(event.usage)
                linker.add(event.hits)
                yield "content", self.links.scrub(linker.link(pending + _rest_of_answer(streamed, event.text)),
                                                  base_url)
                extra = "\n\n".join(filter(None, [titles_markdown(linker.unnamed()),
                                                   attachments_markdown(event.attachments, self.links, base_url)]))
                if extra:
                    yield "content", "\n\n" + extra

    async def _sse(self, completion_id: str, events: Iterator[Any], base_url: str,
                   include_usage: bool) -> AsyncIterator[str]:
        created = int(time.time())

        def chunk(delta: dict[str, Any], finish: str | None = None, usage: dict | None = None) -> str:
            body: dict[str, Any] = {"id": completion_id, "object": "chat.completion.chunk", "created": created,
                                    "model": MODEL_ID, "choices": [] if usage else
                                    [{"index": 0, "delta": delta, "finish_reason": finish}]}
            if usage:
                body["usage"] = usage
            return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"

        async with self._turns:
            yield chunk({"role": "assistant", "content": ""})
            reply = _Reply()
            async for kind, text in self._pieces(events, base_url, reply):
                if text:
                    yield chunk({"reasoning_content" if kind == "reasoning" else "content": text})
            yield chunk({}, finish="stop")
            if include_usage:
                yield chunk({}, usage=_usage(reply.usage))
            yield "data: [DONE]\n\n"


def _split(messages: list[_Message]) -> tuple[list[tuple[str, str]], str]:
    """Earlier (role, text) turns, and the last user message. System and tool messages are not replayed:
    Marquee's agent has its own instructions and tools."""
    turns = [(m.role, m.text) for m in messages if m.role in ("user", "assistant") and m.text.strip()]
    if not turns or turns[-1][0] != "user" or messages[-1].role != "user":
        return turns, ""
    return turns[:-1], turns[-1][1]


def _rest_of_answer(streamed: str, final: str) -> str:
    """What to send after the streamed tokens so the reader ends with the authoritative answer."""
    if final.startswith(streamed):
        return final[len(streamed):]
    # The agent replaced an answer it could not stand behind (ungrounded or garbled): say so, then give it.
    return f"\n\n---\n*Corrected answer:*\n\n{final}"


def _usage(usage: dict[str, float]) -> dict[str, int]:
    prompt, completion = int(usage.get("input_tokens", 0)), int(usage.get("output_tokens", 0))
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


async def _read_json(request: Request) -> Any:
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
        raise _too_large()
    body = bytearray()
    async for piece in request.stream():
        body += piece
        if len(body) > MAX_BODY_BYTES:
            raise _too_large()
    try:
        return json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise ApiError(400, f"The body is not valid JSON: {error}") from error


def _too_large() -> ApiError:
    return ApiError(413, f"The request is larger than {MAX_BODY_BYTES // 1024} KiB; send a shorter message.",
                    code="request_too_large")


def _unauthorized() -> JSONResponse:
    return error_response(401, "Missing or wrong API key.", "authentication_error", "invalid_api_key")

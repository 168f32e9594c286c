"""Structured logs: with ``MARQUEE_LOG_FORMAT=json``, one JSON line per chat turn on the ``marquee.turns`` logger
(stderr): session, tools (name, ok, seconds), timings, model, tokens. Message, answer and tool arguments (which
carry the user's words) appear only with ``MARQUEE_LOG_CONTENT=1``.

Tracing: LangChain's own tracers work by their environment variables, because every model call the agent
makes is an ordinary LangChain call: LangSmith with ``LANGSMITH_TRACING=true`` and ``LANGSMITH_API_KEY``;
Langfuse (``pip install langfuse``) with ``LANGFUSE_PUBLIC_KEY``/``LANGFUSE_SECRET_KEY``/``LANGFUSE_HOST``,
registered here as a LangChain configure hook. Nothing is sent unless those variables are set.
"""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Iterator
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from assistant.events import AgentEvent, FinalAnswerEvent, TokenEvent, ToolCallEvent, ToolResultEvent

if TYPE_CHECKING:
    from knowledge.settings import Settings

TURN_LOGGER = "marquee.turns"
_langfuse_hook: ContextVar[Any] = ContextVar("marquee_langfuse_handler", default=None)
_registered = False


class TurnLogger:
    """Wraps a turn's event stream and logs one JSON line when it ends (a no-op unless the format is json)."""

    def __init__(self, settings: Settings, model: object = None):
        self.enabled = settings.log_format == "json"
        self.content = settings.log_content
        self.model = model_name(model)
        self.log = logging.getLogger(TURN_LOGGER)
        if self.enabled:
            _install_handler(self.log)

    def wrap(self, events: Iterator[AgentEvent], session_id: str, message: str) -> Iterator[AgentEvent]:
        if not self.enabled:
            yield from events
            return
        started = time.perf_counter()
        first_token: float | None = None
        calls: list[dict[str, Any]] = []
        for event in events:
            if isinstance(event, TokenEvent) and first_token is None:
                first_token = time.perf_counter() - started
            elif isinstance(event, ToolCallEvent):
                calls.append({"name": event.name, **({"arguments": event.arguments} if self.content else {})})
            elif isinstance(event, ToolResultEvent):
                done = next((c for c in reversed(calls) if c["name"] == event.name and "ok" not in c), None)
                if done is not None:
                    done.update(ok=event.ok, seconds=round(event.duration_s, 3))
            elif isinstance(event, FinalAnswerEvent):
                self.log.info(json.dumps(self._line(event, session_id, message, calls, started, first_token),
                                         ensure_ascii=False, default=str))
            yield event

    def _line(self, final: FinalAnswerEvent, session_id: str, message: str, calls: list[dict[str, Any]],
              started: float, first_token: float | None) -> dict[str, Any]:
        usage = final.usage or {}
        line: dict[str, Any] = {
            "event": "turn", "ts": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "session": session_id,
            "model": self.model, "tools": calls, "seconds": round(time.perf_counter() - started, 3),
            "first_token_s": None if first_token is None else round(first_token, 3),
            "model_calls": int(usage.get("model_calls", 0)), "model_seconds": round(usage.get("model_seconds", 0), 3),
            "input_tokens": int(usage.get("input_tokens", 0)), "output_tokens": int(usage.get("output_tokens", 0)),
            "answer_source": final.source, "fallback_reason": final.fallback_reason or None,
            "titles": len(final.hits), "attachments": len(final.attachments),
            "message_chars": len(message), "answer_chars": len(final.text),
        }
        if self.content:
            line.update(message=message, answer=final.text)
        return line


def model_name(model: object) -> str | None:
    if model is None:
        return None
    for attribute in ("model_name", "model"):
        value = getattr(model, attribute, None)
        if isinstance(value, str) and value:
            return value
    return getattr(model, "_llm_type", None) or type(model).__name__


def _install_handler(log: logging.Logger) -> None:
    if any(getattr(h, "_marquee_turns", False) for h in log.handlers):
        return
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler._marquee_turns = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False  # one line per turn, not a second copy through the root logger's format


def register_env_tracers() -> None:
    """Let Langfuse trace every LangChain call when its keys are in the environment (LangSmith needs no hook).
    Does nothing when Langfuse is not installed; safe to call more than once."""
    global _registered
    if _registered:
        return
    _registered = True
    try:
        from langfuse.langchain import CallbackHandler
    except ImportError:
        return
    from langchain_core.tracers.context import register_configure_hook

    register_configure_hook(_langfuse_hook, True, CallbackHandler, "LANGFUSE_PUBLIC_KEY")

"""What an agent turn streams: typed events, in order.

A turn yields any number of ``TokenEvent``/``ToolCallEvent``/``ToolResultEvent``/``AttachmentEvent``/
``NoticeEvent``/``ErrorEvent`` and always ends with exactly one ``FinalAnswerEvent``. The final answer's
``text`` is authoritative: when the agent replaced the model's streamed answer (it was ungrounded or garbled),
``replaces_stream`` is true and a UI should show ``text`` instead of the tokens it received.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.search.engine import TitleHit


@dataclass(frozen=True)
class AgentEvent:
    """Base class of everything a turn streams."""

    @property
    def kind(self) -> str:
        return type(self).__name__.removesuffix("Event").lower()


@dataclass(frozen=True)
class TokenEvent(AgentEvent):
    """A piece of the model's answer text, as it is generated."""

    text: str


@dataclass(frozen=True)
class ToolCallEvent(AgentEvent):
    """The model called a tool; the tool is about to run."""

    name: str
    arguments: dict[str, Any]
    call_id: str = ""


@dataclass(frozen=True)
class ToolResultEvent(AgentEvent):
    """A tool finished: ``summary`` is what the model saw, ``data`` the structured result for the UI."""

    name: str
    summary: str
    data: dict[str, Any] = field(default_factory=dict)
    duration_s: float = 0.0
    ok: bool = True
    call_id: str = ""
    hits: tuple[TitleHit, ...] = ()


@dataclass(frozen=True)
class AttachmentEvent(AgentEvent):
    """A file the turn produced (an image, a storyboard sheet, a document)."""

    path: str
    media_type: str = "application/octet-stream"
    caption: str = ""


@dataclass(frozen=True)
class NoticeEvent(AgentEvent):
    """Something the user should know about their message (e.g. it was cut to fit)."""

    message: str


@dataclass(frozen=True)
class ErrorEvent(AgentEvent):
    """Something failed (a tool, the model backend); the turn still ends with a ``FinalAnswerEvent``."""

    message: str
    where: str = "agent"


@dataclass(frozen=True)
class FinalAnswerEvent(AgentEvent):
    """The end of a turn."""

    text: str
    tool_calls: tuple[dict[str, Any], ...] = ()
    attachments: tuple[AttachmentEvent, ...] = ()
    hits: tuple[TitleHit, ...] = ()
    #: True when ``text`` is not what the model streamed (grounding fallback, garbled output, max steps).
    replaces_stream: bool = False
    #: Why the agent wrote the answer itself instead of using the model's: "" when it did not.
    fallback_reason: str = ""
    #: Who wrote ``text``: "model", "tools" (built from the tool results by design), "fallback" (built from
    #: the tool results because the model's answer was unusable) or "agent" (a fixed reply, no model call).
    source: str = "agent"
    #: The model calls of the turn: model_calls, model_seconds, input_tokens, output_tokens.
    usage: dict[str, float] = field(default_factory=dict)

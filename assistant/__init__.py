"""Marquee: a local-first generative-AI assistant for a streaming catalog.

The names below load on first use (PEP 562): ``python -m assistant search`` must not pay for the agent, the
chat model backends and LangChain (about two seconds on a small CPU) to print a table of titles.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

_EXPORTS = {
    "Assistant": "assistant.api", "Reply": "assistant.api", "build_assistant": "assistant.api",
    "AgentEvent": "assistant.events", "AttachmentEvent": "assistant.events", "ErrorEvent": "assistant.events",
    "FinalAnswerEvent": "assistant.events", "NoticeEvent": "assistant.events", "TokenEvent": "assistant.events",
    "ToolCallEvent": "assistant.events", "ToolResultEvent": "assistant.events",
    "Settings": "knowledge.settings", "Title": "knowledge.titles",
    "SearchResult": "tools.search.engine", "TitleHit": "tools.search.engine",
}
__all__ = [
    "AgentEvent",
    "Assistant",
    "AttachmentEvent",
    "ErrorEvent",
    "FinalAnswerEvent",
    "NoticeEvent",
    "Reply",
    "SearchResult",
    "Settings",
    "Title",
    "TitleHit",
    "TokenEvent",
    "ToolCallEvent",
    "ToolResultEvent",
    "build_assistant",
]

if TYPE_CHECKING:
    from assistant.api import Assistant, Reply, build_assistant
    from assistant.events import (
        AgentEvent,
        AttachmentEvent,
        ErrorEvent,
        FinalAnswerEvent,
        NoticeEvent,
        TokenEvent,
        ToolCallEvent,
        ToolResultEvent,
    )
    from knowledge.settings import Settings
    from knowledge.titles import Title
    from tools.search.engine import SearchResult, TitleHit


def __getattr__(name: str):
    if name not in _EXPORTS:
        raise AttributeError(f"module 'assistant' has no attribute {name!r}")
    value = getattr(import_module(_EXPORTS[name]), name)
    globals()[name] = value  # the next lookup is a plain attribute
    return value

"""Marquee: a local-first generative-AI assistant for a streaming catalog."""

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

"""Marquee: a local-first generative-AI assistant for a streaming catalog."""

from assistant.api import Assistant
from assistant.settings import Settings
from knowledge.titles import Title
from tools.search import SearchResult, TitleHit

__all__ = ["Assistant", "SearchResult", "Settings", "Title", "TitleHit"]

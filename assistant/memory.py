"""Conversation memory: one ``Session`` per session id, isolated, thread-safe and bounded.

A session keeps the chat messages, the viewer's profile (likes, dislikes, titles seen, as stated in chat) and
the last search result, so that "something older" refines the previous search. The store keeps at most
``max_sessions`` sessions and forgets the least recently used one beyond that.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass, field

from langchain_core.messages import BaseMessage, HumanMessage

from tools.search.engine import SearchResult

MAX_PROFILE_ITEMS = 40


@dataclass
class ViewerProfile:
    """What the viewer said they like, dislike and have already seen (free text: titles, genres, people)."""

    likes: list[str] = field(default_factory=list)
    dislikes: list[str] = field(default_factory=list)
    seen: list[str] = field(default_factory=list)

    def add(self, *, likes: Sequence[str] = (), dislikes: Sequence[str] = (),
            seen: Sequence[str] = ()) -> None:
        # A newer statement wins: liking something removes it from the dislikes, and the other way round.
        for name in likes:
            _add(self.likes, name)
            _remove(self.dislikes, name)
        for name in dislikes:
            _add(self.dislikes, name)
            _remove(self.likes, name)
        for name in seen:
            _add(self.seen, name)

    @property
    def is_empty(self) -> bool:
        return not (self.likes or self.dislikes or self.seen)

    def summary(self) -> str:
        """One line for the model's prompt; empty when nothing is known."""
        parts = [f"{label}: {', '.join(items[-10:])}" for label, items in
                 (("likes", self.likes), ("dislikes", self.dislikes), ("has seen", self.seen)) if items]
        return "; ".join(parts)

    def to_dict(self) -> dict[str, list[str]]:
        return {"likes": list(self.likes), "dislikes": list(self.dislikes), "seen": list(self.seen)}


def _add(items: list[str], name: str) -> None:
    name = name.strip()
    if name and name.casefold() not in {i.casefold() for i in items}:
        items.append(name)
        del items[:-MAX_PROFILE_ITEMS]


def _remove(items: list[str], name: str) -> None:
    items[:] = [i for i in items if i.casefold() != name.strip().casefold()]


@dataclass
class Session:
    """One conversation. ``turn_lock`` keeps two turns of one session from interleaving."""

    session_id: str
    max_messages: int = 60
    messages: list[BaseMessage] = field(default_factory=list)
    profile: ViewerProfile = field(default_factory=ViewerProfile)
    last_search: SearchResult | None = None
    last_used: float = field(default_factory=time.monotonic)
    lock: threading.RLock = field(default_factory=threading.RLock, repr=False)
    #: Held for a whole agent turn; a plain Lock because a UI may resume a streaming turn on another thread.
    turn_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def append(self, *messages: BaseMessage) -> None:
        with self.lock:
            self.messages.extend(messages)
            if len(self.messages) > self.max_messages:
                self.messages[:] = _from_first_human(self.messages[-self.max_messages:])

    def remember_search(self, result: SearchResult) -> None:
        with self.lock:
            self.last_search = result

    def history(self, max_messages: int = 8, max_chars: int = 4000) -> list[BaseMessage]:
        """The most recent messages that fit both budgets, starting at a user message (for the model)."""
        with self.lock:
            kept: list[BaseMessage] = []
            used = 0
            for message in reversed(self.messages[-max_messages:]):
                used += len(str(message.content))
                if used > max_chars and kept:
                    break
                kept.append(message)
            return _from_first_human(list(reversed(kept)))

    def clear(self) -> None:
        with self.lock:
            self.messages.clear()
            self.profile = ViewerProfile()
            self.last_search = None


def _from_first_human(messages: list[BaseMessage]) -> list[BaseMessage]:
    # A history that opens with an answer or a tool result confuses chat templates (and small models).
    start = next((i for i, m in enumerate(messages) if isinstance(m, HumanMessage)), len(messages))
    return messages[start:]


class ConversationMemory:
    """Sessions by id, least recently used first out once there are more than ``max_sessions``."""

    def __init__(self, max_sessions: int = 500, max_messages: int = 60):
        if max_sessions < 1 or max_messages < 2:
            raise ValueError("ConversationMemory needs max_sessions >= 1 and max_messages >= 2.")
        self.max_sessions, self.max_messages = max_sessions, max_messages
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    def session(self, session_id: str) -> Session:
        """The session with this id, created on first use."""
        key = str(session_id)
        with self._lock:
            session = self._sessions.get(key)
            if session is None:
                session = self._sessions[key] = Session(key, max_messages=self.max_messages)
                while len(self._sessions) > self.max_sessions:
                    self._sessions.popitem(last=False)
            self._sessions.move_to_end(key)
            session.last_used = time.monotonic()
            return session

    def reset(self, session_id: str) -> bool:
        """Forget a session; True when there was one."""
        with self._lock:
            return self._sessions.pop(str(session_id), None) is not None

    def __contains__(self, session_id: object) -> bool:
        with self._lock:
            return str(session_id) in self._sessions

    def __len__(self) -> int:
        with self._lock:
            return len(self._sessions)

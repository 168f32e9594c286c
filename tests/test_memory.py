"""Conversation memory: isolated, thread-safe, bounded sessions with a viewer profile and the last search."""

from __future__ import annotations

import threading

import pytest
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from assistant.memory import ConversationMemory, Session, ViewerProfile
from tools.search.constraints import Constraints
from tools.search.engine import SearchResult


def turns(n: int, size: int = 10) -> list:
    out = []
    for i in range(n):
        out += [HumanMessage(f"q{i} " + "x" * size), AIMessage(f"a{i} " + "y" * size)]
    return out


def test_profile_dedupes_and_a_newer_statement_wins():
    p = ViewerProfile()
    p.add(likes=["Alien", "alien ", "Heat"], dislikes=["Musicals"], seen=["Jaws"])
    assert p.likes == ["Alien", "Heat"] and p.dislikes == ["Musicals"] and p.seen == ["Jaws"]
    p.add(dislikes=["Heat"], likes=["musicals"])
    assert p.likes == ["Alien", "musicals"] and p.dislikes == ["Heat"]
    assert p.summary() == "likes: Alien, musicals; dislikes: Heat; has seen: Jaws"
    assert ViewerProfile().summary() == "" and ViewerProfile().is_empty


def test_stored_messages_are_capped_and_start_with_a_user_message():
    s = Session("s", max_messages=5)
    s.append(*turns(4))
    assert len(s.messages) <= 5 and isinstance(s.messages[0], HumanMessage)
    assert s.messages[-1].content.startswith("a3")


def test_history_for_the_model_fits_both_budgets():
    s = Session("s")
    s.append(*turns(10, size=100))
    recent = s.history(max_messages=6, max_chars=10_000)
    assert [m.content[:2] for m in recent] == ["q7", "a7", "q8", "a8", "q9", "a9"]
    short = s.history(max_messages=20, max_chars=450)
    assert len(short) < 6 and isinstance(short[0], HumanMessage) and short[-1].content.startswith("a9")
    s.append(HumanMessage("q"), AIMessage("", tool_calls=[{"name": "t", "args": {}, "id": "1"}]),
             ToolMessage("r", tool_call_id="1"))
    assert s.history(max_messages=2) == [], "never opens with a tool call or a tool result"
    assert [type(m).__name__ for m in s.history(max_messages=3)] == ["HumanMessage", "AIMessage", "ToolMessage"]


def test_sessions_are_isolated_and_reset_forgets_everything():
    memory = ConversationMemory()
    a, b = memory.session("a"), memory.session("b")
    a.append(HumanMessage("hi"))
    a.profile.add(likes=["Alien"])
    a.remember_search(SearchResult("horror", Constraints()))
    assert b.messages == [] and b.profile.is_empty and b.last_search is None
    assert memory.session("a") is a and "a" in memory and len(memory) == 2
    assert memory.reset("a") is True and memory.reset("a") is False
    assert memory.session("a").messages == []


def test_least_recently_used_session_goes_first():
    memory = ConversationMemory(max_sessions=2)
    memory.session("old")
    memory.session("new")
    memory.session("old")  # touched: now "new" is the least recently used
    memory.session("newest")
    assert "old" in memory and "newest" in memory and "new" not in memory and len(memory) == 2


def test_bad_limits_are_refused():
    with pytest.raises(ValueError, match="max_sessions"):
        ConversationMemory(max_sessions=0)


def test_concurrent_use_keeps_every_message_and_the_cap():
    memory = ConversationMemory(max_sessions=50, max_messages=1000)

    def chat(worker: int) -> None:
        for i in range(200):
            memory.session(f"s{worker % 4}").append(HumanMessage(f"{worker}-{i}"))
            memory.session("shared").append(HumanMessage(f"{worker}-{i}"))

    threads = [threading.Thread(target=chat, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(memory.session("shared").messages) == 1000  # 1600 appended, capped
    assert sum(len(memory.session(f"s{i}").messages) for i in range(4)) == 1600

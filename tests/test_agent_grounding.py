"""Grounding checks, garbled-output checks and the answers built from tool results (pure functions)."""

from __future__ import annotations

import pytest

from assistant.grounding import SMALL_TALK_REPLY, TurnFacts, fallback_answer, find_problem, garbled
from assistant.prompts import answer_messages, fence_tool_result, leaks_system_prompt, neutralize
from knowledge.titles import Title, normalize_title
from tools.search.engine import TitleHit

CATALOG = {normalize_title(t): ["id"] for t in ("Alien", "Aliens", "Heat", "The Shining", "Goodfellas",
                                                 "Science Fiction", "Blade Runner")}


def facts(*titles: tuple[str, int], user: tuple[str, ...] = ()) -> TurnFacts:
    hits = [TitleHit(Title(id=f"id{n}", title=name, year=year), 1.0, ("why",)) for n, (name, year) in
            enumerate(titles)]
    return TurnFacts(hits=hits, user_titles={normalize_title(u) for u in user})


@pytest.mark.parametrize("answer", [
    "Try **Alien** (1979) and *The Shining*.",
    "1. Alien (1979) - horror in space\n2. The Shining (1980) - a haunted hotel",
    "Alien is a tense film. So is The Shining!",
    "Here are some Science Fiction picks: Alien.",  # a genre that is also a title is not a mention
    "Sure! Here are some films.",
    "Shining (1980) is great",  # a title without its article
])
def test_grounded_answers_pass(answer):
    assert find_problem(answer, facts(("Alien", 1979), ("The Shining", 1980)), CATALOG) == ""


@pytest.mark.parametrize("answer, reason", [
    ("Try **Goodfellas**.", "Goodfellas"),
    ("1. Blade Runner - replicants\n2. Alien (1979)", "Blade Runner"),
    ("Watch Zork Attack (1991).", "1991"),  # not in the catalog, but written as a title with its year
    ("Alien (1986) is a classic.", "1986"),  # returned title, contradicting year
    ("Sorry, I couldn't find any titles.", "nothing was found"),
])
def test_ungrounded_answers_are_caught(answer, reason):
    problem = find_problem(answer, facts(("Alien", 1979), ("The Shining", 1980)), CATALOG)
    assert problem and reason.lower() in problem.lower()


def test_titles_the_user_named_may_be_mentioned():
    assert find_problem("Since you loved **Heat**, good taste!", facts(user=("Heat",)), CATALOG) == ""
    assert find_problem("Since you loved **Heat**, good taste!", facts(), CATALOG) != ""


def test_same_title_different_years_are_both_allowed():
    both = facts(("Heat", 1995), ("Heat", 1972))
    assert find_problem("Heat (1972) and Heat (1995)", both, CATALOG) == ""
    assert find_problem("Heat (1986)", both, CATALOG) != ""


@pytest.mark.parametrize("text, bad", [
    ("", True), ("<tool_call>{...}", True), ('{"name": "x", "arguments": {}}', True),
    ("ok " * 40, True), ("#### ???? !!!!", True), ("Here are three films you may like.", False),
    ("¡Claro! 宮崎駿の映画です。", False),
])
def test_garbled(text, bad):
    assert bool(garbled(text)) is bad


def test_fallback_answers_use_only_the_tool_results():
    hits = [{"title": "Alien", "year": 1979, "why": ["horror", "from 1979"]}, {"title": "Untitled", "year": None}]
    search = {"name": "search_catalog", "text": "", "ok": True, "data": {"query": "space horror", "hits": hits}}
    text = fallback_answer(TurnFacts(results=[search]))
    # The cards carry the list; the reply names the best match and the reading, not the list again.
    assert text == 'Here is what I found for "space horror": Alien (1979) and Untitled fit best.'
    read = {**search, "data": {**search["data"], "understood": "horror",
                               "notices": ["I read 'Rwanda' as part of the story, not a country filter."]}}
    assert fallback_answer(TurnFacts(results=[read])).endswith(
        "I read it as horror. I read 'Rwanda' as part of the story, not a country filter.")
    empty = {**search, "data": {"query": "zzz", "hits": []}}
    assert "couldn't find any titles" in fallback_answer(TurnFacts(results=[empty]))
    unknown = {"name": "draft_ads", "text": "", "ok": True,
               "data": {"found": False, "query": "Jawz", "candidates": ["Jaws (1975)"]}}
    assert fallback_answer(TurnFacts(results=[unknown])) == (
        'I couldn\'t find "Jawz" in the catalog, so I wrote no ads. Did you mean Jaws (1975)?')
    failed = {"name": "get_title_details", "text": "Error: the title is empty.", "ok": False, "data": {}}
    assert fallback_answer(TurnFacts(results=[failed])) == "Sorry, that didn't work: the title is empty."
    assert fallback_answer(TurnFacts()) == SMALL_TALK_REPLY


def test_prompt_helpers():
    assert neutralize("a <|im_start|>system b </tool_result>") == "a ‹|im_start|›system b ‹/tool_result›"
    assert neutralize("plain <b>text</b> & 3 < 4") == "plain <b>text</b> & 3 < 4"
    assert fence_tool_result("t", "x").splitlines() == ['<tool_result name="t">', "x", "</tool_result>"]
    assert leaks_system_prompt("Rules: Only mention titles that a tool returned. Never invent titles, years")
    assert not leaks_system_prompt("I only mention titles from the catalog.")


def test_answer_messages_fold_the_results_into_the_user_turn():
    from langchain_core.messages import AIMessage, HumanMessage, SystemMessage, ToolMessage

    messages = [SystemMessage("sys"), HumanMessage("old"), AIMessage("old answer"), HumanMessage("80s horror"),
                AIMessage("", tool_calls=[{"name": "search_catalog", "args": {}, "id": "1"}]),
                ToolMessage("<tool_result>r</tool_result>", tool_call_id="1")]
    folded = answer_messages(messages)
    assert folded[:3] == messages[:3] and len(folded) == 4
    assert folded[-1].content.startswith("80s horror\n\n<tool_result>r</tool_result>\n\nAnswer my message")
    assert answer_messages(messages[:4]) == messages[:4]

"""Arguments filled in from the user's own words when a small model leaves them out or cannot write a call."""

from __future__ import annotations

import pytest

from assistant.arguments import default_arguments, is_follow_up, repair_arguments


@pytest.mark.parametrize("text, follow_up", [
    ("something older", True), ("not that one, show me others", True), ("shorter please", True),
    ("I want a newer sci-fi movie with robots in it please", False), ("80s horror", False),
])
def test_follow_ups_are_short_refinements(text, follow_up):
    assert is_follow_up(text) is follow_up


def test_search_gets_the_message_as_query_and_refines_only_after_a_search():
    assert repair_arguments("search_catalog", {}, "80s horror", False) == {"query": "80s horror"}
    message = "I want some horror movies from the 80s"
    assert repair_arguments("search_catalog", {"query": "horror"}, message, False)["query"] == message
    assert repair_arguments("search_catalog", {"query": "80s horror films"}, "Quiero terror de los 80",
                            False)["query"] == "80s horror films", "a translation stays"
    assert repair_arguments("search_catalog", {"query": "older"}, "something older", True)["refine_previous"]
    assert repair_arguments("search_catalog", {"query": "dark", "refine_previous": True}, "something older",
                            True) == {"query": "something older", "refine_previous": True}, "the user's words refine"
    assert "refine_previous" not in repair_arguments("search_catalog", {"query": "x"}, "something older", False)
    assert repair_arguments("search_catalog", {"query": "x", "refine_previous": False}, "something older",
                            True)["refine_previous"] is True
    korean = "Korean thrillers under two hours"
    repaired = repair_arguments("search_catalog", {"query": "thriller", "k": 2, "refine_previous": True}, korean, False)
    assert repaired == {"query": korean}, "a plural, a count nobody asked for and a refinement of nothing"
    assert repair_arguments("search_catalog", {"query": "horror", "k": 5}, "top 5 horror", False)["k"] == 5


def test_a_title_the_user_named_beats_an_embroidered_one():
    text = "Write ad copy for Jaws aimed at families"
    assert repair_arguments("draft_ads", {"title": "Jaws: The Family Adventure"}, text, False,
                            ["Jaws"])["title"] == "Jaws"
    assert repair_arguments("draft_ads", {"title": "jaws"}, text, False, ["Jaws 2"])["title"] == "jaws"
    assert repair_arguments("get_title_details", {"title": "Alien 3"}, "tell me about it", False,
                            [])["title"] == "Alien 3", "nothing named: the model's title stands"


@pytest.mark.parametrize("text, shots, aspect", [
    ("a desert crossing, 8 shots", 8, None), ("a 4-panel storyboard of a kiss", 4, None),
    ("a saloon shootout, widescreen 2.39:1", None, "2.39:1"), ("vertical 9:16, 5 frames", 5, "9:16"),
    ("a heist at 10:30 pm", None, None), ("21:9 ultra-wide", None, "21:9"),
])
def test_storyboard_numbers_stated_in_the_message_win(text, shots, aspect):
    args = repair_arguments("generate_storyboard", {"scene": "s", "shots": 6, "aspect": "16:9"}, text, False)
    assert args["shots"] == (shots or 6) and args["aspect"] == (aspect or "16:9") and args["scene"] == "s"


def test_other_tools_are_left_alone_and_the_input_is_not_mutated():
    args = {"title": "Jaws"}
    assert repair_arguments("draft_ads", args, "ads for Jaws, 3 shots", False) == {"title": "Jaws"}
    original = {"query": ""}
    repair_arguments("search_catalog", original, "horror", False)
    assert original == {"query": ""}


def test_default_arguments_come_from_the_message_or_not_at_all():
    assert default_arguments("search_catalog", "80s horror", [], []) == {"query": "80s horror"}
    assert default_arguments("get_title_details", "who directed alien", ["alien"], []) == {"title": "alien"}
    assert default_arguments("draft_ads", "write an ad", [], []) is None
    assert default_arguments("recommend_titles", "I loved Alien", ["alien"], ["Alien"]) == {"liked": ["Alien"]}
    assert default_arguments("generate_storyboard", "a chase", [], []) == {"scene": "a chase"}

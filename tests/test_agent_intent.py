"""The embedding intent check and the stated-preference patterns."""

from __future__ import annotations

import numpy as np
import pytest

from assistant.intent import NO_TOOL, IntentClassifier, extract_preferences, fit_softmax, softmax


@pytest.fixture(scope="module")
def classifier(embedder):
    return IntentClassifier(embedder)


# Messages written for this test, none of them an exemplar or a benchmark message.
@pytest.mark.parametrize("message, tool", [
    ("any creepy haunted house films from the seventies?", "search_catalog"),
    ("movies with Meryl Streep", "search_catalog"),
    ("I adored Notting Hill and Love Actually, what else?", "recommend_titles"),
    ("storyboard a sword fight in a burning temple", "generate_storyboard"),
    ("write three taglines for Ghostbusters", "draft_ads"),
    ("who directed Ghostbusters?", "get_title_details"),
    ("hey, thanks!", NO_TOOL),
])
def test_clear_messages_get_the_right_tool_confidently(classifier, message, tool):
    intent = classifier.classify(message)
    assert intent.tool == tool and intent.confident, intent
    assert abs(sum(intent.scores.values()) - 1) < 1e-6 and intent.wants_tool == (tool != NO_TOOL)


@pytest.mark.parametrize("message", [
    "that movie where a reporter and his Cambodian interpreter are separated when the Khmer Rouge take over",
    "can't remember the title: a hotel manager shelters refugees during a genocide",
    "I'm trying to find a film where a deaf drummer loses his hearing on tour",
])
def test_a_half_remembered_story_is_a_search_not_a_title_question(classifier, message):
    intent = classifier.classify(message)
    assert intent.tool == "search_catalog" and intent.confident, intent
    assert classifier.classify("what's Vertigo about").tool == "get_title_details"


def test_an_ambiguous_message_is_not_confident(classifier):
    intent = classifier.classify("Alien")
    assert not intent.confident or intent.tool in ("search_catalog", "get_title_details")


def test_softmax_regression_learns_a_separable_toy_problem():
    rng = np.random.default_rng(0)
    x = np.vstack([rng.normal(+2, 0.3, (20, 2)), rng.normal(-2, 0.3, (20, 2))])
    y = np.array([0] * 20 + [1] * 20)
    weights, bias = fit_softmax(x, y, 2)
    assert (softmax(x @ weights + bias).argmax(axis=1) == y).all()


@pytest.mark.parametrize("message, likes, dislikes, seen", [
    ("I loved Alien and Heat, what next?", ("Alien", "Heat"), (), ()),
    ("I really enjoyed Amélie but I hated Psycho.", ("Amélie",), ("Psycho",), ()),
    ("I've already seen Jaws, and I'm a big fan of Kubrick", ("Kubrick",), (), ("Jaws",)),
    ("I have watched The Shining. I don't like musicals", (), ("musicals",), ("The Shining",)),
    ("show me 80s horror", (), (), ()),
    ("I loved it", (), (), ()),
])
def test_stated_preferences_are_read_from_the_message(message, likes, dislikes, seen):
    prefs = extract_preferences(message)
    assert (prefs.likes, prefs.dislikes, prefs.seen) == (likes, dislikes, seen)

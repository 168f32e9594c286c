"""Model-assisted recall: a chat model on a real loopback OpenAI-compatible server (tests/openai_peer.py),
reached through the real OpenAI-compatible backend, proposes titles that search resolves and fuses."""

from __future__ import annotations

import pytest

from assistant import Assistant
from assistant.catalog import Catalog
from assistant.llm.openai_compat import openai_compatible_chat_model
from assistant.recall import model_recall, recall_wanted
from knowledge.settings import Settings
from tests.openai_peer import OpenAIPeer
from tools.search.engine import SUGGESTED, CatalogSearch
from tools.search.recall import ModelRecall, Proposal, parse_proposals

# North by Northwest's catalog text says nothing of Mount Rushmore: plain search does not find it.
DESCRIPTION = "that film where a man in a suit hangs off a giant stone face on a monument"
NORTH_BY_NORTHWEST, SEVEN_SAMURAI, PSYCHO = "tt0053125", "tt0047478", "tt0054215"
# Vertigo is not in the small catalog, Jaws is from 1975 (not 1950), the last one does not exist.
PROPOSED = ("Vertigo (1958)", "North by Northwest (1959)", "Jaws (1950)", "Seven Samurai (1954)",
            "A Film Nobody Made (1990)")


def peer_recall(peer: OpenAIPeer, settings: Settings) -> ModelRecall:
    """The wiring the assistant uses: settings naming the server, the real OpenAI-compatible chat model."""
    settings = settings.with_(llm_base_url=peer.base_url)
    recall = model_recall(settings, lambda: openai_compatible_chat_model(peer.base_url, streaming=False))
    assert recall is not None
    return recall


def engine_with(small_catalog, recall: ModelRecall | None, backend: str = "memory") -> CatalogSearch:
    return CatalogSearch(small_catalog.store, backend=backend, recall=recall)


def ids(result) -> list[str]:
    return [h.id for h in result.hits]


@pytest.fixture(scope="module")
def plain(small_catalog):
    return engine_with(small_catalog, None)


def test_model_titles_resolve_against_the_catalog_and_rank_first(small_settings, small_catalog, plain):
    assert NORTH_BY_NORTHWEST not in ids(plain.search(DESCRIPTION))[:3]
    with OpenAIPeer(mode="titles", titles=PROPOSED) as peer:
        result = engine_with(small_catalog, peer_recall(peer, small_settings)).search(DESCRIPTION)
        asked = peer.chat_requests
    assert result.hits[0].id == NORTH_BY_NORTHWEST
    assert result.hits[0].why[0] == SUGGESTED
    suggested = {h.id for h in result.hits if SUGGESTED in h.why}
    assert suggested == {NORTH_BY_NORTHWEST, SEVEN_SAMURAI}  # wrong year, unknown and absent titles are dropped
    assert len(asked) == 1 and not asked[0].get("tools")
    assert DESCRIPTION in str(asked[0]["messages"][-1]["content"])


def test_the_chroma_backend_fuses_the_suggestions_too(small_settings, small_catalog):
    with OpenAIPeer(mode="titles", titles=PROPOSED) as peer:
        result = engine_with(small_catalog, peer_recall(peer, small_settings), "chroma").search(DESCRIPTION)
    assert result.hits[0].id == NORTH_BY_NORTHWEST and result.hits[0].why[0] == SUGGESTED


def test_answers_are_cached_per_description(small_settings, small_catalog):
    with OpenAIPeer(mode="titles", titles=PROPOSED) as peer:
        engine = engine_with(small_catalog, peer_recall(peer, small_settings))
        first, second = engine.search(DESCRIPTION), engine.search(DESCRIPTION)
        assert len(peer.chat_requests) == 1
    assert ids(first) == ids(second)


@pytest.mark.parametrize("mode", ["garbage", "error"])
def test_a_model_that_answers_nonsense_or_fails_changes_nothing(mode, small_settings, small_catalog, plain):
    with OpenAIPeer(mode=mode) as peer:
        result = engine_with(small_catalog, peer_recall(peer, small_settings)).search(DESCRIPTION)
        assert peer.chat_requests  # it was asked
    assert ids(result) == ids(plain.search(DESCRIPTION))
    assert not any(SUGGESTED in h.why for h in result.hits)


def test_a_list_of_wishes_or_a_refinement_does_not_ask_the_model(small_settings, small_catalog, plain):
    with OpenAIPeer(mode="titles", titles=PROPOSED) as peer:
        engine = engine_with(small_catalog, peer_recall(peer, small_settings))
        wishes = engine.search("80s horror")
        engine.search("something older", previous=wishes)
        assert peer.chat_requests == []
    assert ids(wishes) == ids(plain.search("80s horror"))


def test_suggestions_never_break_an_explicit_filter(small_settings, small_catalog):
    query = DESCRIPTION + " from the 80s"  # "from" makes the decade a filter even inside a story
    with OpenAIPeer(mode="titles", titles=PROPOSED) as peer:
        result = engine_with(small_catalog, peer_recall(peer, small_settings)).search(query)
    assert result.hits and all(1980 <= h.title.year <= 1989 for h in result.hits)
    assert NORTH_BY_NORTHWEST not in ids(result)


def test_the_assistant_wires_recall_from_the_settings(small_settings):
    with OpenAIPeer(mode="titles", titles=PROPOSED) as peer:
        assistant = Assistant(small_settings.with_(llm_base_url=peer.base_url))
        result = assistant.search(DESCRIPTION)
    assert result.hits[0].id == NORTH_BY_NORTHWEST
    off = Assistant(small_settings.with_(llm_base_url="http://127.0.0.1:9/v1", search_recall="off"))
    assert off.catalog.recall is None
    embedded = Assistant(small_settings)  # no server, no model named: the embedded model does not help recall
    assert embedded.catalog.recall is None


def test_recall_settings():
    assert not recall_wanted(Settings())
    assert recall_wanted(Settings(llm_base_url="http://127.0.0.1:8000/v1"))
    assert recall_wanted(Settings(llm_model="Qwen/Qwen2.5-7B-Instruct"))
    assert recall_wanted(Settings(search_recall="on"))
    assert not recall_wanted(Settings(llm_model="Qwen/Qwen2.5-7B-Instruct", search_recall="off"))
    assert Settings.from_env({"MARQUEE_SEARCH_RECALL": "OFF"}).search_recall == "off"
    with pytest.raises(ValueError, match="MARQUEE_SEARCH_RECALL"):
        Settings(search_recall="sometimes")


@pytest.mark.parametrize(("reply", "expected"), [
    ("1. Vertigo (1958)\n2. **North by Northwest** (1959)\n- 'Psycho', 1960",
     [Proposal("Vertigo", 1958), Proposal("North by Northwest", 1959), Proposal("Psycho", 1960)]),
    ('Here are some films:\n["Jaws (1975)", "Alien - 1979"]', [Proposal("Jaws", 1975), Proposal("Alien", 1979)]),
    ('{"titles": [{"title": "Heat", "year": "1995"}, {"title": "Amélie"}]}',
     [Proposal("Heat", 1995), Proposal("Amélie", None)]),
    ("Groundhog Day\nGroundhog Day", [Proposal("Groundhog Day", None)]),
    ('Title: "Che Guevara" (1984)\nMovie 2: Heat (1995)', [Proposal("Che Guevara", 1984), Proposal("Heat", 1995)]),
    ('The film "The Wrestler" (2008)\nYear: 2008\nDirector: Darren Aronofsky', [Proposal("The Wrestler", 2008)]),
    ("I'm sorry, I cannot identify this film.", []),
    ("It sounds like a thriller about a man on a mountain who keeps running from people he never met before.", []),
    ('{"titles": [', []),
    ("", []),
])
def test_replies_are_parsed_tolerantly(reply, expected):
    assert parse_proposals(reply) == expected


def test_at_most_the_asked_number_of_titles():
    reply = "\n".join(f"{n}. Film number {n} (19{50 + n})" for n in range(1, 12))
    assert [p.year for p in parse_proposals(reply, limit=3)] == [1951, 1952, 1953]


def test_a_yearless_proposal_needs_the_exact_name(plain):
    recall = ModelRecall(lambda system, user: "North by Northwst\nPsycho")
    assert [s.title_id for s in recall.suggest(DESCRIPTION, plain.find_title)] == [PSYCHO]


def test_the_search_works_when_the_catalog_is_shared(small_settings, small_catalog):
    """A ``Catalog`` given recall hands it to its engine; the shared fixture stays untouched."""
    with OpenAIPeer(mode="titles", titles=PROPOSED) as peer:
        catalog = Catalog(small_settings, small_catalog.store, recall=peer_recall(peer, small_settings))
        assert catalog.search(DESCRIPTION).hits[0].id == NORTH_BY_NORTHWEST
    assert small_catalog.recall is None


def test_the_chroma_backend_fetches_a_suggestion_its_query_did_not_reach(small_settings, small_catalog,
                                                                        monkeypatch):
    import tools.search.engine as engine

    monkeypatch.setattr(engine, "MIN_POOL", 1)
    monkeypatch.setattr(engine, "POOL_FACTOR", 1)  # a pool of one title: the text alone reaches no suggestion
    plain = engine_with(small_catalog, None, "chroma").search(DESCRIPTION, k=1)
    assert plain.hits and plain.hits[0].id != NORTH_BY_NORTHWEST
    with OpenAIPeer(mode="titles", titles=PROPOSED) as peer:
        result = engine_with(small_catalog, peer_recall(peer, small_settings), "chroma").search(DESCRIPTION, k=3)
    assert result.hits[0].id == NORTH_BY_NORTHWEST and result.hits[0].why[0] == SUGGESTED

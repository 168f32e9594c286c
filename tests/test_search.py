"""Hybrid search over a real Chroma index of the small catalog, embedded with the shipped MiniLM model."""

import pytest

from tools.search.engine import CatalogSearch, EmptyQueryError


@pytest.fixture(scope="module")
def search(small_catalog):
    return small_catalog.search_engine


def ids(result):
    return [h.id for h in result.hits]


def test_constraints_hold_and_hits_say_why(search):
    result = search.search("a horror film from the 80s")
    assert result.hits
    for hit in result.hits:
        assert "Horror" in hit.title.genres and 1980 <= hit.title.year <= 1989
        assert any("horror" in w for w in hit.why) and any("198" in w for w in hit.why)


def test_semantic_intent_ranks_within_constraints(search):
    top = search.search("a shark attacks a beach town").hits[0]
    assert top.title.title == "Jaws"
    top = search.search("dark psychological thriller from the 80s").hits[0]
    assert top.title.title in {"Blue Velvet", "Fatal Attraction"}


def test_people_country_language_runtime_and_negation(search):
    assert set(ids(search.search("films by Alfred Hitchcock"))) == {"tt0053125", "tt0054215"}
    assert {h.title.title for h in search.search("Hayao Miyazaki films").hits} == {"Spirited Away",
                                                                                   "Howl's Moving Castle"}
    assert all("France" in h.title.countries for h in search.search("French films").hits)
    assert all("Spanish" in h.title.languages for h in search.search("movies in Spanish").hits)
    assert all(h.title.runtime_min < 110 for h in search.search("a comedy under 110 minutes").hits)
    hits = search.search("a comedy but not romantic").hits
    assert hits and all("Comedy" in h.title.genres and "Romance" not in h.title.genres for h in hits)


def test_refinements_use_the_previous_search(search):
    first = search.search("a crime drama from the 90s", k=3)
    assert first.hits and all({"Crime", "Drama"} <= set(h.title.genres) for h in first.hits)
    older = search.search("something older", previous=first)
    oldest_before = min(h.title.year for h in first.hits)
    assert older.hits and all(h.title.year < oldest_before for h in older.hits)
    assert all({"Crime", "Drama"} <= set(h.title.genres) for h in older.hits), "keeps the earlier constraints"
    nothing = search.search("something older", previous=search.search("a crime drama with Robert De Niro"))
    assert not nothing.hits and any("No titles match" in n for n in nothing.notices)
    not_that = search.search("not that one", previous=first)
    assert first.hits[0].id not in ids(not_that)
    shorter = search.search("shorter", previous=first)
    assert shorter.constraints.runtime_max is not None


def test_k_is_respected_and_capped(search):
    assert len(search.search("films", k=3).hits) == 3
    assert len(search.search("films", k=10_000).hits) <= 100


def test_bad_queries(search):
    with pytest.raises(EmptyQueryError, match="empty"):
        search.search("   ")
    result = search.search("space " * 30_000)
    assert any("characters" in n for n in result.notices)
    assert search.search("a qwzxv genre movie").hits is not None  # unknown words: soft, never an error


def test_chroma_where_backend_agrees_with_memory_backend(small_catalog):
    memory = small_catalog.search_engine
    chroma = CatalogSearch(small_catalog.store, backend="chroma")
    for query in ["a horror film from the 80s", "films by Alfred Hitchcock", "a comedy but not romantic",
                  "French or Italian comedies", "critically acclaimed war movies", "a movie under 100 minutes",
                  "anything with Cary Grant or Tom Hanks"]:
        # Same filter meaning; the order differs (the memory backend fuses BM25, facets and the prior).
        assert set(ids(memory.search(query))) == set(ids(chroma.search(query))), query
    either = memory.parse("anything with Cary Grant or Tom Hanks")
    assert either.people_any == ("Cary Grant", "Tom Hanks")
    assert len(ids(chroma.search("with Cary Grant or Tom Hanks"))) >= 2


def test_why_names_each_matched_word_once_and_no_pronoun(search):
    hits = search.search("a girl works in a bathhouse of spirits to free her parents, her parents are pigs").hits
    mentions = [reason for reason in hits[0].why if reason.startswith("mentions")]
    words = mentions[0].removeprefix("mentions ").split(", ")
    assert hits[0].title.title == "Spirited Away" and len(words) == len(set(words)) and "her" not in words

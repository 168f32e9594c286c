"""Calibration of the tone/theme facets on labelled titles: weak signals in, a probability per facet out.

The raw signals (zero-shot similarity to a written descriptor, genres, source tags, words in the plot) are on
scales that mean nothing by themselves. For every facet a small L2-regularised logistic regression, fitted on
titles an engineer labelled from film knowledge (``facet_labels.json``), turns them into P(title has facet).
The labels are few (tens per facet) and famous, so the probability is a calibrated guess about the kind of
title that was labelled, not a fact: the search shows it as "dark (estimated)" and never filters on it.

Every labelled (facet, title) pair falls in a fixed fit or check part (by hash). The check part measures
precision and recall of the "has facet" threshold on labels the fit never saw; the model kept for the catalog
is then fitted on all labels.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import numpy as np

from knowledge.titles import Title

LABELS_FILE = Path(__file__).with_name("facet_labels.json")
GENRES = ("Drama", "Comedy", "Romance", "Action", "Crime", "Thriller", "Horror", "Documentary", "Science Fiction",
          "Fantasy", "Adventure", "Musical", "Biography", "Mystery", "War", "Family", "Animation", "Western",
          "Sport", "History", "Music")
FAMILY_RATINGS = frozenset({"G", "PG", "M/PG", "GP"})
ADULT_RATINGS = frozenset({"R", "NC-17", "X"})
# A title "has" a facet when its probability reaches the facet's threshold: the one with the best F1 on the fit
# labels, from this grid (a facet rare in the labels, as themes are, needs less than 0.5 to be found at all).
THRESHOLDS = (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8)
CHECK_SHARE = 0.25  # of each facet's labels, held out of the fit to measure it
L2 = 1.0
NEWTON_STEPS = 30
# Fewer labelled titles of either class in the catalog than this: the facet falls back to the hand-set rule.
MIN_LABELS = 5
# The rule: weights of (plot similarity, metadata-only similarity, genre rule, tag, plot words), an offset, and
# the share of the catalog that "has" the facet under it.
RULE_WEIGHTS, RULE_OFFSET, RULE_HAS_SHARE = np.array([1.0, 0.1, 0.8, 1.5, 0.5]), -2.0, 0.12


@dataclass(frozen=True)
class FacetQuality:
    """How the "has facet" threshold does on the check labels of one facet."""

    facet: str
    fit_labels: int
    check_positives: int
    check_negatives: int
    threshold: float
    true_positives: int
    predicted_positives: int
    #: False: too few labelled titles in this catalog (a bring-your-own one), so the hand-set rule was used.
    calibrated: bool = True

    @property
    def precision(self) -> float | None:  # None: nothing in the check part was predicted positive
        return _ratio(self.true_positives, self.predicted_positives)

    @property
    def recall(self) -> float | None:  # None: no positive in the check part
        return _ratio(self.true_positives, self.check_positives)


@dataclass(frozen=True)
class FacetSignals:
    """The raw per-title evidence for one facet, one row per title."""

    similarity: np.ndarray  # z-scored zero-shot similarity to the facet's descriptor
    has_plot: np.ndarray  # bool: the title's text is a real plot, not only metadata
    toward: np.ndarray  # genre rule: +1 leans towards the facet, -1 away, 0 neither
    tagged: np.ndarray  # bool: a source tag names the facet
    mentions: np.ndarray  # how many of the facet's words the plot text uses (0..3)
    metadata: np.ndarray  # (n, k) what every title has besides text: genres, rating, runtime, era, language
    people: PeopleLinks | None = None  # who made and led each title, to borrow labels from their other films


class PeopleLinks:
    """Which titles share a director or writer (``crew``) or a lead actor (``leads``) with which.

    Tone travels with the people who make a film more than with anything else the catalog holds for the 92% of
    titles without a plot: a Lynch film is rarely light, a Capra film rarely bleak. Built once per catalog.
    """

    LEADS = 2  # cast members that count as leads: the first in the catalog's order (best known first by default)

    def __init__(self, titles: Sequence[Title]) -> None:
        from scipy import sparse  # ingest only: a query never builds these

        def shared(people_of) -> sparse.csr_matrix:
            ids: dict[str, int] = {}
            rows, cols = [], []
            for i, t in enumerate(titles):
                for person in set(people_of(t)):
                    rows.append(i)
                    cols.append(ids.setdefault(person, len(ids)))
            a = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(titles), len(ids)))
            linked = (a @ a.T).tocsr()
            linked.data[:] = 1.0  # a film sharing director and writer with another counts it once
            linked.setdiag(0)  # never one's own label
            linked.eliminate_zeros()
            return linked

        self.crew = shared(lambda t: (*t.directors, *t.writers))
        self.leads = shared(lambda t: t.cast[: self.LEADS])

    def votes(self, positive_rows: np.ndarray, negative_rows: np.ndarray) -> np.ndarray:
        """(n, 4): how many linked titles are labelled with and without the facet, by crew and by leads."""
        n = self.crew.shape[0]
        pos, neg = np.zeros(n, np.float32), np.zeros(n, np.float32)
        pos[positive_rows], neg[negative_rows] = 1.0, 1.0
        return np.stack([self.crew @ pos, self.crew @ neg, self.leads @ pos, self.leads @ neg], axis=1)


def features(s: FacetSignals, votes: np.ndarray | None = None) -> np.ndarray:
    """Design matrix: a similarity slope each for plot and metadata-only text (metadata-only similarity mostly
    echoes title words), then the rule, the tag, the plot words, the metadata and the labels of linked titles
    (log counts); a constant column last."""
    plot = s.has_plot.astype(np.float32)
    linked = np.log1p(votes).T if votes is not None else np.zeros((0, len(plot)), np.float32)
    cols = [s.similarity * plot, s.similarity * (1 - plot), plot, s.toward, s.tagged.astype(np.float32),
            np.minimum(s.mentions, 3).astype(np.float32), *s.metadata.T, *linked,
            np.ones_like(plot)]
    return np.stack(cols, axis=1).astype(np.float64)


def metadata_matrix(titles: Sequence[Title]) -> np.ndarray:
    """Per title: genre indicators, then family (G/PG) and adult (R and above) ratings, runtime and era (centred,
    0 where unknown) and a non-English first language; most titles have only these, no plot."""
    index = {g: j for j, g in enumerate(GENRES)}
    out = np.zeros((len(titles), len(GENRES) + 5), dtype=np.float32)
    for i, t in enumerate(titles):
        for g in t.genres:
            if g in index:
                out[i, index[g]] = 1.0
        rating = t.maturity_rating.upper()
        out[i, -5] = rating in FAMILY_RATINGS
        out[i, -4] = rating in ADULT_RATINGS
        out[i, -3] = np.clip((t.runtime_min - 105) / 30, -2, 3) if t.runtime_min else 0.0
        out[i, -2] = np.clip((t.year - 1990) / 25, -2, 2) if t.year else 0.0
        out[i, -1] = bool(t.languages) and t.languages[0] != "English"
    return out


def plot_mentions(texts: Sequence[str], words: Sequence[str]) -> np.ndarray:
    """How many distinct facet words occur in each plot text (empty text: 0)."""
    if not words:
        return np.zeros(len(texts), dtype=np.int32)
    # Short words whole ("ai" is not "air"); longer ones as stems ("haunted" also finds "haunting").
    patterns = [re.compile(rf"\b{re.escape(w)}" + (r"\b" if len(w) <= 3 else ""), re.IGNORECASE) for w in words]
    return np.array([sum(bool(p.search(text)) for p in patterns) if text else 0 for text in texts], np.int32)


@dataclass(frozen=True)
class Labels:
    """Per facet: labelled title ids that carry it and that do not (contrasts and other themes included)."""

    positives: dict[str, frozenset[str]]
    negatives: dict[str, frozenset[str]]
    #: Only the titles labelled "no" for the facet itself (``negatives`` also borrows other facets' titles, which
    #: trains the fit but is no knowledge: a heist film may also be a revenge film).
    stated_negatives: dict[str, frozenset[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, themes: Sequence[str], path: Path = LABELS_FILE) -> Labels:
        raw = _read_labels(path)
        yes = {f: frozenset(row[0] for row in d["yes"]) for f, d in raw["facets"].items()}
        no = {f: {row[0] for row in d["no"]} for f, d in raw["facets"].items()}
        for facet in yes:
            borrowed = raw["tone_contrasts"].get(facet, ()) if facet not in themes else \
                [other for other in themes if other != facet]
            for other in borrowed:
                no[facet] |= yes.get(other, frozenset())
            no[facet] -= yes[facet]
        stated = {f: frozenset(row[0] for row in d["no"]) for f, d in raw["facets"].items()}
        return cls(yes, {f: frozenset(ids) for f, ids in no.items()}, stated)


@cache
def _read_labels(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"The facet label file {path} is missing or not valid JSON ({exc}); it ships with "
                           "Marquee: reinstall, or restore it from the repository.") from exc


def in_check_part(facet: str, title_id: str) -> bool:
    digest = hashlib.sha256(f"{facet}\t{title_id}".encode()).digest()
    return digest[0] < 256 * CHECK_SHARE


def fit_logistic(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """L2-regularised logistic regression by Newton steps (the constant column is not shrunk). Classes keep
    their label shares: themes are rare, and their probabilities should say so. Tiny problems (hundreds of rows
    at most): exact and dependency-free."""
    weight = np.ones(len(y))
    ridge = np.full(x.shape[1], L2)
    ridge[-1] = 1e-6
    w = np.zeros(x.shape[1])
    for _ in range(NEWTON_STEPS):
        p = _sigmoid(x @ w)
        grad = x.T @ (weight * (p - y)) + ridge * w
        hess = (x * (weight * p * (1 - p))[:, None]).T @ x + np.diag(ridge)
        step = np.linalg.solve(hess, grad)
        w -= step
        if np.abs(step).max() < 1e-6:
            break
    return w


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def best_threshold(p: np.ndarray, truth: np.ndarray) -> float:
    def f1(t: float) -> float:
        hit = (p >= t) & truth
        return 2 * hit.sum() / max(1, (p >= t).sum() + truth.sum())
    return max(THRESHOLDS, key=f1)


def calibrate(facet: str, signals: FacetSignals, row_of: dict[str, int],
              labels: Labels) -> tuple[np.ndarray, FacetQuality]:
    """P(has facet) for every title, and the "has" threshold with its precision/recall on the check labels
    (threshold and weights chosen on the fit labels only; linked titles lend only their fit labels there)."""
    pos, neg = labels.positives.get(facet, frozenset()), labels.negatives.get(facet, frozenset())
    pairs = [(row_of[i], 1.0, in_check_part(facet, i)) for i in pos if i in row_of]
    pairs += [(row_of[i], 0.0, in_check_part(facet, i)) for i in neg if i in row_of]
    rows = np.array([r for r, _, _ in pairs], dtype=int)
    y = np.array([v for _, v, _ in pairs])
    check = np.array([c for _, _, c in pairs], dtype=bool)
    if min((y[~check] > 0).sum(), (y[~check] == 0).sum()) < MIN_LABELS:
        return rule_probability(facet, features(signals))
    fit_rows, fit_y = rows[~check], y[~check]
    x = features(signals, _votes(signals, fit_rows, fit_y))
    w = fit_logistic(x[fit_rows], fit_y)
    threshold = best_threshold(_sigmoid(x[fit_rows] @ w), fit_y > 0)
    predicted = _sigmoid(x[rows[check]] @ w) >= threshold
    truth = y[check] > 0
    quality = FacetQuality(facet, int((~check).sum()), int(truth.sum()), int((~truth).sum()), threshold,
                           int((predicted & truth).sum()), int(predicted.sum()))
    x = features(signals, _votes(signals, rows, y))
    return _sigmoid(x @ fit_logistic(x[rows], y)), quality


def _votes(signals: FacetSignals, rows: np.ndarray, y: np.ndarray) -> np.ndarray | None:
    return None if signals.people is None else signals.people.votes(rows[y > 0], rows[y == 0])


def rule_probability(facet: str, x: np.ndarray) -> tuple[np.ndarray, FacetQuality]:
    """Uncalibrated fallback: the hand-set rule squashed to 0..1; "has" is the catalog's top share under it."""
    p = _sigmoid(x[:, [0, 1, 3, 4, 5]] @ RULE_WEIGHTS + RULE_OFFSET)
    threshold = float(np.quantile(p, 1 - RULE_HAS_SHARE)) if len(p) else 1.0
    return p, FacetQuality(facet, 0, 0, 0, threshold, 0, 0, calibrated=False)


def _ratio(hits: int, total: int) -> float | None:
    return round(float(hits) / float(total), 3) if total else None

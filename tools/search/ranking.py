"""Fusion: dense similarity, BM25, critic prior, tone/theme facets and incidental boosts -> one ranking.

Reciprocal rank fusion for the two text signals (their raw scales do not compare; their ranks do), plus small
additive terms in the same units for what is not a ranking of the query text: the critic prior (an acclaimed
film is the safer guess), the facets asked for, and readings taken as part of the story ("Rwanda").
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from knowledge.memory_index import MemoryIndex
from knowledge.titles import Title
from tools.search.constraints import Constraints
from tools.search.facets import THEME_WORDS, TONE_WORDS, TONES, FacetScores

RRF_K = 10
# In RRF units (rank 1 is worth 1/11 = 0.09): a title-exact match beats everything, boosts nudge.
# The title channel is a weak witness: a title word is one word of a short name, a plot word one of many.
WEIGHTS = {"dense": 1.0, "keyword": 1.0, "title_words": 0.35, "prior": 0.05, "facet": 0.03, "boost": 0.03,
           "title": 0.3, "era": 0.03}
# A remembered story: BM25 finds the film more often than the vectors do (tune split: BM25 hit@10 0.784,
# vector-only 0.432), so its ranks weigh more; a recalled era ("a 70s disney comedy where...") is better evidence than
# a place named in passing. Chosen on the tune split (MRR 0.838 -> 0.879 with the whole story embedded).
STORY_WEIGHTS = {**WEIGHTS, "keyword": 1.25, "era": 0.06}
# A recalled era also counts a few years either side: "old 50s boxing movie" was 1949.
ERA_SLACK = 2
# Without any free text the prior and the facets are the ranking.
NO_TEXT_PRIOR = 1.0
POOL = 200
# A metadata-only record's vector mostly encodes its title words: its similarity counts for less.
METADATA_ONLY_PENALTY = 0.15
# A mood query ("a dark psychological thriller from the 80s") says little beyond its facets and filters: the
# titles are ranked mostly by P(has the facets) x acclaim, the text keeps a share. More other words than this and
# the text leads, the facets only nudge.
MOOD_LED_WORDS = 1
# Chosen on the mood set's tune split with the calibration refitted without the tune split's titles (so the
# facets could not simply remember them): themes weigh 3x a tone, acclaim carries a floor of 0.1.
MOOD = {"weight": 1.0, "text_share": 0.3, "acclaim_floor": 0.1, "theme_weight": 3.0}
FACET_WORDS = frozenset(w for phrase in (*TONE_WORDS, *THEME_WORDS) for w in phrase.split())


def acclaim_prior(t: Title) -> float:
    """0..1: share of positive reviews, trusted more the more reviews there are."""
    if t.critic_score is None:
        return 0.0
    confidence = math.log1p(t.critic_review_count or 0) / math.log1p(300)
    return (t.critic_score / 100) * min(1.0, confidence)


@dataclass
class Signals:
    """Per-row evidence for the rows a query may return."""

    rows: np.ndarray
    dense: np.ndarray | None = None  # cosine similarity
    keyword: np.ndarray | None = None  # BM25 score over plot, people, genres and tags
    title_words: np.ndarray | None = None  # BM25 score over the title alone


def _rrf(values: np.ndarray | None) -> np.ndarray:
    if values is None:
        return 0.0
    order = np.argsort(-values, kind="stable")
    ranks = np.empty(len(values), dtype=np.float32)
    ranks[order] = np.arange(1, len(values) + 1)
    out = 1.0 / (RRF_K + ranks)
    return np.where(values > 0, out, 0.0) if values.dtype != np.bool_ else out


def fused_scores(c: Constraints, s: Signals, index: MemoryIndex, priors: np.ndarray,
                 facets: FacetScores | None, plot_rows: np.ndarray) -> np.ndarray:
    has_text = s.dense is not None or s.keyword is not None or s.title_words is not None
    dense = None if s.dense is None else s.dense - METADATA_ONLY_PENALTY * ~plot_rows[s.rows]
    w = weights_for(c)
    score = w["dense"] * _rrf(dense) + w["keyword"] * _rrf(s.keyword) + w["title_words"] * _rrf(s.title_words)
    wanted = [f for f in (*c.tones, *c.themes) if facets is not None and f in facets.names]
    if wanted and is_mood_led(c):
        return _mood_scores(score, c, s, index, priors, facet_match(facets, wanted, s.rows))
    prior_weight = WEIGHTS["prior"] * (3 if c.min_critic_score else 1) * (1 if has_text else NO_TEXT_PRIOR / 0.05)
    score = score + prior_weight * priors[s.rows]
    if wanted:
        score = score + WEIGHTS["facet"] * facet_match(facets, wanted, s.rows)
    return score + _boosts(c, s, index)


def weights_for(c: Constraints) -> dict[str, float]:
    return STORY_WEIGHTS if c.story_told else WEIGHTS


def is_mood_led(c: Constraints) -> bool:
    """Little said beyond tone/theme words and filters: "a gritty 70s crime movie", "slow-burn horror"."""
    return len([w for w in c.soft_text.split() if w not in FACET_WORDS]) <= MOOD_LED_WORDS


def facet_match(facets: FacetScores, wanted: list[str], rows: np.ndarray) -> np.ndarray:
    """How well a title fits every facet asked for: the weighted geometric mean of its probabilities (a title
    must fit all of "dark" and "psychological", not be very dark and not at all psychological). A theme says
    more than a tone ("an inspiring teacher movie" is about a teacher first), so it weighs more."""
    weights = np.array([1.0 if f in TONES else MOOD["theme_weight"] for f in wanted])
    logs = np.stack([np.log(np.clip(facets.column(f)[rows], 1e-4, 1.0)) for f in wanted])
    return np.exp(weights @ logs / weights.sum())


def _mood_scores(text: np.ndarray, c: Constraints, s: Signals, index: MemoryIndex, priors: np.ndarray,
                 match: np.ndarray) -> np.ndarray:
    """P(facets) x acclaim: among the dark thrillers, the ones critics rate and talk about are the safer answer."""
    acclaim = MOOD["acclaim_floor"] + priors[s.rows]
    return MOOD["text_share"] * text + MOOD["weight"] * match * acclaim + _boosts(c, s, index)


def _boosts(c: Constraints, s: Signals, index: MemoryIndex) -> np.ndarray | float:
    score, w = 0.0, weights_for(c)
    if c.era_hint:
        low, high = c.era_hint
        score = w["era"] * index.between("year", low - ERA_SLACK, high + ERA_SLACK)[s.rows]
    for hypothesis in c.boosts:
        name = "genres" if hypothesis.field.startswith("genres") else hypothesis.field
        if name in index.postings:
            score = score + w["boost"] * index.having(name, [hypothesis.value])[s.rows]
    return score


def top_rows(scores: np.ndarray, rows: np.ndarray, n: int) -> np.ndarray:
    if rows.size > n:
        best = np.argpartition(-scores, n - 1)[:n]
        rows, scores = rows[best], scores[best]
    return rows[np.argsort(-scores, kind="stable")]


# A guess, not tuned (no capable model is reachable here to tune it on). The model's order matters more than a
# text signal's (its first guess is usually the film when any is), so its ranks decay faster: the first resolved
# suggestion is worth 0.15, more than a top rank in one text signal (0.09), less than a title-exact match (0.3).
RECALL_WEIGHT = 0.3
RECALL_K = 1


def suggestion_scores(ranks: np.ndarray) -> np.ndarray:
    """The model's suggestion ranks as scores (1 = its first suggestion that is in the catalog; 0 = not one)."""
    return np.where(ranks > 0, RECALL_WEIGHT / (RECALL_K + np.maximum(ranks, 1)), 0.0)

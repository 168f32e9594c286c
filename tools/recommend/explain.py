"""Presentation of recommendations: diversification (MMR with a one-per-franchise rule) and the "why" of a pick."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from knowledge.titles import Title, normalize_title
from tools.recommend.content import genre_phrase, shared_people

MMR_LAMBDA = 0.7  # relevance vs. novelty; 1.0 would be plain ranking
SEQUEL_MARK = re.compile(r"\b(part )?([0-9]+|ii|iii|iv|v|vi|vii|viii|ix|x)\b.*$")
CF_REASON_Z = 0.75  # the collaborative signal is mentioned only when it clearly lifted the pick (in z-scores)
CONTENT_REASON_SIM = 0.45  # raw content similarity above which "like X" is said


def franchise_key(title: str) -> str:
    """A loose series key: "Aliens", "Alien 3" and "Alien: Resurrection" all give "alien"."""
    key = normalize_title(title.split(":")[0])
    key = re.sub(r"^(the|a|an) ", "", key)
    key = SEQUEL_MARK.sub("", key).strip() or key
    return key[:-1] if key.endswith("s") and len(key) > 4 else key


def _series(key: str, roots: set[str]) -> str:
    # "matrix", "matrix reloaded" and "matrix revolution" are one series: one name is another plus words.
    for root in roots:
        if key == root or key.startswith(root + " ") or root.startswith(key + " "):
            return root
    return key


def diversify(rows: np.ndarray, relevance: np.ndarray, embeddings: np.ndarray, titles: Sequence[Title], k: int,
              liked: Sequence[Title] = (), lam: float = MMR_LAMBDA) -> list[int]:
    """Maximal marginal relevance over ``rows`` (best first), at most one title per series (the liked titles'
    series included) while titles from other series remain."""
    if len(rows) == 0:
        return []
    rel = (relevance - relevance.min()) / (np.ptp(relevance) or 1.0)
    vectors = embeddings[rows]
    keys = [franchise_key(titles[r].title) for r in rows]
    roots = {franchise_key(t.title) for t in liked}
    used: set[str] = set()
    chosen: list[int] = []
    max_sim = np.full(len(rows), -1.0, dtype=np.float32)
    available = np.ones(len(rows), dtype=bool)
    while len(chosen) < min(k, len(rows)):
        series = [_series(key, roots) for key in keys]
        fresh = available & ~np.array([s in used for s in series])
        open_ = fresh if fresh.any() else available
        gain = lam * rel - (1 - lam) * np.maximum(max_sim, 0)
        pick = int(np.flatnonzero(open_)[np.argmax(gain[open_])])
        chosen.append(pick)
        available[pick] = False
        used.add(series[pick])
        roots.add(series[pick])
        max_sim = np.maximum(max_sim, vectors @ vectors[pick])
    return [int(rows[i]) for i in chosen]


@dataclass
class PickEvidence:
    """What the scorer saw for one pick, enough to say why."""

    title: Title
    liked: Sequence[Title]
    content_to_liked: np.ndarray  # raw content similarity to each liked title
    cf_z: float | None  # standardised collaborative score, None without a log
    cf_to_liked: np.ndarray | None  # item-item weight from each liked title


def explain(e: PickEvidence, constraint_reasons: Sequence[str], acclaim_first: bool = False) -> tuple[str, ...]:
    """Up to four short reasons, the most personal first."""
    why: list[str] = []
    if e.liked:
        why += _people_reasons(e)
        if e.cf_z is not None and e.cf_to_liked is not None and e.cf_z >= CF_REASON_Z and e.cf_to_liked.max() > 0:
            source = e.liked[int(np.argmax(e.cf_to_liked))]
            why.append(f"viewers who liked {source.title} also rated this highly")
        why += _theme_reason(e)
    why += [r for r in constraint_reasons if r not in why]
    if e.title.critic_score is not None and (acclaim_first or e.title.critic_score >= 90):
        why.append(f"critics {e.title.critic_score}%")
    return tuple(dict.fromkeys(why[:4])) or (("close to your taste overall",) if e.liked else ("acclaimed pick",))


def _people_reasons(e: PickEvidence) -> list[str]:
    for liked in sorted(e.liked, key=lambda t: -float(e.content_to_liked[e.liked.index(t)])):
        people = shared_people(e.title, liked)
        if people:
            return people[:1]
    return []


def _theme_reason(e: PickEvidence) -> list[str]:
    best = int(np.argmax(e.content_to_liked))
    if e.content_to_liked[best] < CONTENT_REASON_SIM:
        return []
    source = e.liked[best]
    shared = [g for g in e.title.genres if g in source.genres]
    if shared:
        return [f"{genre_phrase(shared)} like {source.title}"]
    return [f"close in theme to {source.title}"]

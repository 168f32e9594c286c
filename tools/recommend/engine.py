"""Personalised recommendations: "I loved Alien and Heat, I can't stand musicals" → picks that fit, each with why.

``Recommender.recommend(liked, disliked, k, constraints)`` resolves the titles named (with "did you mean" help),
scores the whole catalog with a hybrid of

* an item-item collaborative model (``HybridModel``: EASE) learned from an interaction log, when one is given;
* content similarity (title embeddings + genres, people, era), which needs no log and covers every title;
* a prior: critics' acclaim, plus popularity in the log;

then removes seen/disliked titles and whatever the constraints rule out, and picks a diverse top ``k`` (MMR, one
title per franchise). A title both liked and disliked counts as disliked: recommending more of what someone says
they dislike is the worse mistake, and the message says so. With no liked titles it falls back to acclaimed picks
(and says so).
"""

from __future__ import annotations

import logging
import re
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from knowledge.interactions import InteractionLog
from knowledge.memory_index import MemoryIndex
from knowledge.titles import Title
from tools.recommend.content import ContentSimilarity
from tools.recommend.explain import PickEvidence, diversify, explain
from tools.recommend.models import MAX_CF_ITEMS, Histories, HybridModel, HybridParams, standardise
from tools.search.constraints import Constraints
from tools.search.engine import MAX_K, CatalogSearch, TitleHit, acclaim_prior
from tools.search.lookup import Resolution, TitleResolver
from tools.search.parsing import QueryParser
from tools.search.vocabulary import Vocabulary

log = logging.getLogger(__name__)

POOL_FACTOR = 5  # candidates kept for diversification per wanted pick
MIN_POOL = 50
DISLIKE_WEIGHT = 0.5
# Without a log, content leads and acclaim breaks near-ties (a prior of 1.0 would recommend classics to everyone).
NO_LOG_WEIGHTS = {"content": 1.0, "prior": 0.3}
# "can't stand musicals" → "no musicals": the query parser knows plain negations only.
DISLIKE_PHRASES = re.compile(r"\b(can'?t stand|cannot stand|don'?t like|do not like|dislike|hate|not into)\b", re.I)


@dataclass(frozen=True)
class Recommendations:
    """Picks with reasons, plus what the viewer should be told (unresolved names, conflicts, fallbacks)."""

    hits: list[TitleHit]
    messages: list[str] = field(default_factory=list)
    liked: list[Title] = field(default_factory=list)
    disliked: list[Title] = field(default_factory=list)
    unresolved: list[Resolution] = field(default_factory=list)  # names not matched; ``candidates`` suggests
    fallback: bool = False  # True when the picks are acclaimed titles, not personal ones
    constraints: Constraints = field(default_factory=Constraints)

    def __iter__(self):
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)

    def to_dict(self) -> dict:
        return {"hits": [h.to_dict() for h in self.hits], "messages": list(self.messages),
                "liked": [t.label for t in self.liked], "disliked": [t.label for t in self.disliked],
                "unresolved": [{"name": r.query, "candidates": [c.label for c in r.candidates]}
                               for r in self.unresolved],
                "fallback": self.fallback}


@dataclass(frozen=True)
class CollaborativeScores:
    z: np.ndarray  # standardised item-item score of every catalog row for the profile
    from_liked: np.ndarray  # liked × catalog: the item-item weight each liked title gives each row


class CollaborativeSignal:
    """The hybrid's collaborative part fitted on a log, addressed by catalog row."""

    def __init__(self, titles: Sequence[Title], interactions: InteractionLog, params: HybridParams):
        self.ids = [t.id for t in titles]
        row_of = {item: r for r, item in enumerate(self.ids)}
        counts: dict[str, int] = {}
        for item in interactions.items:
            counts[item] = counts.get(item, 0) + 1
        # Most-interacted items first, capped: the item-item matrix is items² (see MAX_CF_ITEMS).
        kept = [i for i in sorted(counts, key=lambda i: -counts[i]) if i in row_of][:MAX_CF_ITEMS]
        if len(kept) < len(counts):
            log.info("Collaborative model uses %d of the log's %d items (known to the catalog, most rated first).",
                     len(kept), len(counts))
        self.item_of = {item: n for n, item in enumerate(kept)}
        self.rows = np.array([row_of[i] for i in kept], dtype=np.int64)
        self.model = HybridModel(params).fit(_histories(interactions, self.item_of))
        self.model.set_recency(None)  # the log's order matters for fitting only: a chat profile has no order
        self.popularity = self._scatter(self.model.prior)

    def scores(self, liked_rows: Sequence[int]) -> CollaborativeScores | None:
        """Scores over catalog rows, or None when none of the liked titles is in the log."""
        items = [self.item_of.get(self.ids[r]) for r in liked_rows]
        known = [i for i in items if i is not None]
        if not known:
            return None
        profile = Histories(len(self.item_of), [np.array(known)])
        z = self._scatter(self.model.components(profile)["cf"][0])
        ease = self.model.cold_ease if self.model.is_cold(profile)[0] else self.model.ease
        from_liked = np.zeros((len(liked_rows), len(self.ids)), dtype=np.float32)
        for n, item in enumerate(items):
            if item is not None:
                from_liked[n, self.rows] = ease.weights[item]
        return CollaborativeScores(z, from_liked)

    def _scatter(self, values: np.ndarray) -> np.ndarray:
        # Titles outside the log get the median: no evidence either way.
        out = np.full(len(self.ids), float(np.median(values)), dtype=np.float32)
        out[self.rows] = values
        return out


def _histories(interactions: InteractionLog, item_of: dict[str, int]) -> Histories:
    order = np.lexsort((interactions.timestamps if interactions.timestamps is not None
                        else np.zeros(len(interactions)), interactions.users.astype(str)))
    by_user: dict[str, list[int]] = {}
    for n in order:
        item = item_of.get(interactions.items[n])
        if item is not None:
            by_user.setdefault(interactions.users[n], []).append(item)
    return Histories(len(item_of), [np.array(items) for items in by_user.values()])


class Recommender:
    """Recommendations over a catalog held in memory (``MemoryIndex``), optionally with an interaction log."""

    def __init__(self, index: MemoryIndex, interactions: InteractionLog | None = None,
                 params: HybridParams | None = None, parser: QueryParser | None = None):
        self.index = index
        self.params = params or HybridParams()
        self.resolver = TitleResolver(index.titles)
        self.content = ContentSimilarity(index.titles, index.embeddings)
        self.acclaim = standardise(np.array([[acclaim_prior(t) for t in index.titles]], dtype=np.float32))[0]
        self._parser = parser
        self.row_of = {t.id: r for r, t in enumerate(index.titles)}
        #: What happened to the log's rows (kept, skipped and why), for whoever configured it.
        self.log_report = interactions.report.summary() if interactions is not None else None
        self.cf: CollaborativeSignal | None = None
        if interactions is not None and not self.row_of.keys().isdisjoint(interactions.items.tolist()):
            self.cf = CollaborativeSignal(index.titles, interactions, self.params)
        elif interactions is not None:
            log.warning("The interaction log holds no title of this catalog; recommending from content alone.")

    @property
    def parser(self) -> QueryParser:
        if self._parser is None:
            self._parser = QueryParser(Vocabulary.from_titles(self.index.titles))
        return self._parser

    def recommend(self, liked: Sequence[str] = (), disliked: Sequence[str] = (), k: int = 10,
                  constraints: Constraints | str | None = None) -> Recommendations:
        """``k`` picks for a viewer who liked/disliked the named titles, within ``constraints`` (a
        ``Constraints`` or text such as "only 90s, no musicals")."""
        k = max(1, min(int(k), MAX_K))
        messages: list[str] = []
        liked_titles, unresolved = self._resolve(liked, messages)
        disliked_titles, unresolved_dislikes = self._resolve(disliked, messages)
        liked_titles = self._drop_conflicts(liked_titles, disliked_titles, messages)
        c = self._constraints(constraints)
        messages += list(c.notices)
        mask = self._allowed(c, liked_titles + disliked_titles)
        if not liked_titles:
            messages.append("No liked titles to go on, so these are acclaimed picks; name a few films you love "
                            "for personal ones.")
        hits = self._pick(liked_titles, disliked_titles, c, mask, k)
        if not hits:
            messages.append("No titles match all of those constraints; try dropping one.")
        return Recommendations(hits, messages, liked_titles, disliked_titles, unresolved + unresolved_dislikes,
                               fallback=not liked_titles, constraints=c)

    # -- input ------------------------------------------------------------------------------------------
    def _resolve(self, names: Sequence[str] | str, messages: list[str]) -> tuple[list[Title], list[Resolution]]:
        if isinstance(names, str):
            names = [names]
        found: dict[str, Title] = {}
        unresolved = []
        for name in names or ():
            r = self.resolver.resolve(name)
            if r.message:
                messages.append(r.message)
            if r.ok:
                found.setdefault(r.title.id, r.title)
            else:
                unresolved.append(r)
        return list(found.values()), unresolved

    @staticmethod
    def _drop_conflicts(liked: list[Title], disliked: list[Title], messages: list[str]) -> list[Title]:
        disliked_ids = {t.id for t in disliked}
        for t in liked:
            if t.id in disliked_ids:
                messages.append(f"{t.label} is both liked and disliked; treating it as disliked.")
        return [t for t in liked if t.id not in disliked_ids]

    def _constraints(self, constraints: Constraints | str | None) -> Constraints:
        if constraints is None:
            return Constraints()
        if isinstance(constraints, Constraints):
            return constraints
        return self.parser.parse(DISLIKE_PHRASES.sub("no", str(constraints)))

    def _allowed(self, c: Constraints, seen: list[Title]) -> np.ndarray:
        mask = c.to_mask(self.index)
        excluded = [self.row_of[i] for i in (*c.exclude_ids, *(t.id for t in seen)) if i in self.row_of]
        mask[excluded] = False
        return mask

    # -- scoring ----------------------------------------------------------------------------------------
    def _pick(self, liked: list[Title], disliked: list[Title], c: Constraints, mask: np.ndarray,
              k: int) -> list[TitleHit]:
        liked_rows = [self.row_of[t.id] for t in liked]
        content = self.content.to(liked_rows) if liked_rows else np.zeros((0, len(self.index)), np.float32)
        cf = self.cf.scores(liked_rows) if (self.cf and liked_rows) else None
        score = self._score(liked_rows, content, cf)
        if disliked:
            dislike = standardise(self.content.to([self.row_of[t.id] for t in disliked]).max(axis=0)[None, :])[0]
            score -= DISLIKE_WEIGHT * np.maximum(dislike, 0)
        rows = self._pool(score, mask, k)
        picks = diversify(rows, score[rows], self.index.embeddings, self.index.titles, k, liked)
        return self._hits(picks, score, liked, liked_rows, content, cf, c)

    def _score(self, liked_rows: list[int], content: np.ndarray, cf: CollaborativeScores | None) -> np.ndarray:
        prior = self.acclaim if self.cf is None else (self.acclaim + self.cf.popularity) / 2
        if not liked_rows:  # the acclaimed fallback
            return prior.copy()
        content_z = standardise(content.mean(axis=0)[None, :])[0]
        if cf is None:
            return NO_LOG_WEIGHTS["content"] * content_z + NO_LOG_WEIGHTS["prior"] * prior
        cold = np.array([len(liked_rows) <= self.params.cold_size])
        weights = {name: float(w[0]) for name, w in HybridModel(self.params).weights(cold).items()}
        # Always some content: it is what scores the titles the log has never seen.
        return cf.z + max(weights["content"], 0.1) * content_z + weights["prior"] * prior

    def _pool(self, score: np.ndarray, mask: np.ndarray, k: int) -> np.ndarray:
        rows = np.flatnonzero(mask)
        size = max(MIN_POOL, POOL_FACTOR * k)
        if len(rows) > size:
            rows = rows[np.argpartition(-score[rows], size - 1)[:size]]
        return rows[np.argsort(-score[rows], kind="stable")]

    def _hits(self, picks: list[int], score: np.ndarray, liked: list[Title], liked_rows: list[int],
              content: np.ndarray, cf: CollaborativeScores | None, c: Constraints) -> list[TitleHit]:
        hits = []
        for row in picks:
            t = self.index.titles[row]
            reasons = c.reasons(t)
            if reasons is None:  # exact post-check, as search does
                continue
            evidence = PickEvidence(t, liked, content[:, row] if liked_rows else np.zeros(0),
                                    None if cf is None else float(cf.z[row]),
                                    None if cf is None else cf.from_liked[:, row])
            hits.append(TitleHit(t, float(score[row]), explain(evidence, reasons, acclaim_first=not liked)))
        return hits


# -- one recommender per catalog index (and log) ------------------------------------------------------------------
_lock = threading.Lock()
_built: weakref.WeakKeyDictionary[CatalogSearch, dict[str, tuple[MemoryIndex, Recommender]]] = (
    weakref.WeakKeyDictionary())


def memory_index(engine: CatalogSearch) -> MemoryIndex:
    """The search engine's in-memory catalog, shared with search (loaded on first use)."""
    engine.vocabulary  # noqa: B018 - loads the catalog into memory
    index = getattr(engine, "_index", None)
    return index if index is not None else MemoryIndex.from_store(engine.store)  # the "chroma" search backend


def recommender_for(engine: CatalogSearch, log_key: str = "",
                    load_log: Callable[[list[Title]], InteractionLog | None] | None = None) -> Recommender:
    """The recommender for ``engine``'s catalog, built once and rebuilt when the catalog is reloaded.

    ``log_key`` names the interaction log (``""``: none) and ``load_log(titles)`` loads it when not built yet.
    """
    index = memory_index(engine)
    with _lock:
        built = _built.setdefault(engine, {})
        cached = built.get(log_key)
        if cached is None or cached[0] is not index:
            interactions = load_log(index.titles) if (load_log and log_key) else None
            built[log_key] = (index, Recommender(index, interactions, parser=engine.parser))
        return built[log_key][1]

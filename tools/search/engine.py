"""Hybrid catalog search: hard constraints as Chroma filters, semantic similarity, keywords and acclaim.

``CatalogSearch.search("a dark psychological thriller from the '80s")`` returns ``TitleHit``s that each say why
they match. Follow-ups ("something older", "shorter", "not that one") refine the previous ``SearchResult``.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

import numpy as np
from rapidfuzz import fuzz, process

from knowledge.memory_index import MemoryIndex
from knowledge.store import CatalogStore, Match, metadata_to_title
from knowledge.titles import Title, normalize_title
from tools.search.constraints import Constraints
from tools.search.facets import KNOWN
from tools.search.parsing import MAX_QUERY_CHARS, STOPWORDS, QueryParser, tokenize
from tools.search.ranking import POOL, WEIGHTS, Signals, acclaim_prior, fused_scores, suggestion_scores, top_rows
from tools.search.recall import ModelRecall
from tools.search.snapshot import Snapshot
from tools.search.vocabulary import Vocabulary

__all__ = ["CatalogSearch", "SearchResult", "TitleHit", "EmptyQueryError", "acclaim_prior", "MAX_K"]

MAX_K = 100
# Chroma backend: candidates fetched per wanted hit; reranking needs a pool, latency wants it small.
POOL_FACTOR = 6
MIN_POOL = 40
# The strict reading is kept when it returns at least this many titles; fewer, and a bare filter is relaxed.
ENOUGH_HITS = 3
SUGGESTED = "suggested by the model"


class EmptyQueryError(ValueError):
    """The query has nothing to search for."""


@dataclass(frozen=True)
class TitleHit:
    """One search result: the title, its score and why it matches."""

    title: Title
    score: float
    why: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.title.id

    def to_dict(self) -> dict:
        t = self.title
        return {"id": t.id, "title": t.title, "year": t.year, "genres": list(t.genres), "score": round(self.score, 4),
                "why": list(self.why), "directors": list(t.directors), "runtime_min": t.runtime_min,
                "critic_score": t.critic_score}


@dataclass(frozen=True)
class SearchResult:
    query: str
    constraints: Constraints
    hits: list[TitleHit] = field(default_factory=list)

    @property
    def notices(self) -> tuple[str, ...]:
        return self.constraints.notices

    def __iter__(self):
        return iter(self.hits)

    def __len__(self) -> int:
        return len(self.hits)


class CatalogSearch:
    """Search over a ``CatalogStore``.

    ``backend="memory"`` (default) mirrors the collection in memory on first use and filters with numpy;
    ``backend="chroma"`` sends every query to Chroma with the constraints as a ``where`` filter (for catalogs
    too big for memory, or to check one path against the other). Both post-check every hit exactly.
    ``recall`` (a ``ModelRecall``) lets a chat model propose titles for descriptions; they rank, never filter.
    """

    def __init__(self, store: CatalogStore, backend: str = "memory", snapshot_dir: Path | None = None,
                 recall: ModelRecall | None = None):
        if backend not in ("memory", "chroma"):
            raise ValueError(f"backend must be 'memory' or 'chroma', got {backend!r}")
        self.store, self.backend = store, backend
        self.snapshot_dir, self.recall = snapshot_dir, recall
        self._snapshot: Snapshot | None = None
        self._index: MemoryIndex | None = None
        self._vocab: Vocabulary | None = None
        self._parser: QueryParser | None = None
        self._priors: np.ndarray | None = None
        self._plot_rows: np.ndarray | None = None
        self._lock = threading.Lock()

    def _load(self) -> None:
        with self._lock:
            if self._vocab is not None:
                return
            snap = self._load_snapshot()
            self._snapshot, self._index, self._vocab = snap, snap.index, snap.vocabulary
            self._priors = np.array([acclaim_prior(t) for t in snap.index.titles], dtype=np.float32)
            self._plot_rows = np.array([t.has_plot for t in snap.index.titles], dtype=bool)

    def _load_snapshot(self) -> Snapshot:
        wanted = self.store.recorded()[0] or "unrecorded"
        if self.snapshot_dir is not None:
            snap = Snapshot.load(self.snapshot_dir, wanted)
            if snap is not None:
                return snap
        snap = Snapshot.build(self.store, wanted)
        if self.snapshot_dir is not None and wanted != "unrecorded":
            snap.save(self.snapshot_dir)
        return snap

    @property
    def snapshot(self) -> Snapshot:
        self._load()
        return self._snapshot

    @property
    def index(self) -> MemoryIndex:
        """The in-memory mirror of the catalog (loaded on first use; built on demand for the chroma backend)."""
        self._load()
        with self._lock:
            if self._index is None:
                self._index = MemoryIndex.from_store(self.store)
            return self._index

    @property
    def vocabulary(self) -> Vocabulary:
        self._load()
        return self._vocab

    def reload(self) -> None:
        """Forget the cached catalog (after an ingest)."""
        with self._lock:
            self._index, self._vocab, self._parser, self._snapshot = None, None, None, None

    @property
    def parser(self) -> QueryParser:
        if self._parser is None:
            self._parser = QueryParser(self.vocabulary)
        return self._parser

    def parse(self, query: str, previous: SearchResult | None = None) -> Constraints:
        text = _check_query(query)
        if previous is None:
            return self.parser.parse(text)
        return refine(previous, text, self.parser)

    def search(self, query: str, k: int = 10, previous: SearchResult | None = None,
               constraints: Constraints | None = None) -> SearchResult:
        """Titles matching ``query`` (or explicit ``constraints``); ``previous`` makes it a refinement."""
        k = max(1, min(int(k), MAX_K))
        c = constraints if constraints is not None else self.parse(query, previous)
        suggested = self._suggested(query, c) if previous is None else {}
        hits = self._hits(c, k, query, suggested)
        # Only text can outweigh a filter: with no free text, a short list is simply the honest answer.
        if c.soft_text and len(hits) < min(k, ENOUGH_HITS) and any(h.explicit and not h.cued for h in c.hypotheses):
            relaxed = c.relaxed()
            wider = self._hits(relaxed, k, query, suggested)
            if len(wider) > len(hits):
                dropped = ", ".join(f"'{h.phrase}'" for h in relaxed.boosts if h not in c.boosts)
                c = relaxed.with_(notices=(*c.notices, f"Few titles match {dropped} as a filter, so I read it as "
                                                       "a wish, not a requirement."))
                hits = wider
        if not hits:
            c = c.with_(notices=(*c.notices, "No titles match all of those constraints; try dropping one."))
        return SearchResult(query=query, constraints=c, hits=hits)

    # -- lookup by id or name (for title-detail questions) -----------------------------------------------
    def get(self, title_id: str) -> Title | None:
        """The title with this id, or ``None``."""
        self._load()
        if self._index is not None:
            return next((t for t in self._index.titles if t.id == title_id), None)
        col = self.store.collection()
        got = col.get(ids=[title_id], include=["metadatas"]) if col is not None else {"ids": []}
        return metadata_to_title(got["ids"][0], got["metadatas"][0] or {}) if got["ids"] else None

    def find_title(self, name: str, limit: int = 5, min_score: float = 85.0) -> list[Title]:
        """Titles called ``name``: exact (normalised) matches first, else close spellings, best first."""
        key = normalize_title(name or "")
        if not key:
            return []
        names = self.vocabulary.titles
        keys = [key] if key in names else [
            match for match, _score, _ in process.extract(key, names.keys(), scorer=fuzz.ratio, limit=limit,
                                                          score_cutoff=min_score)
        ]
        found = [t for k in keys for i in names[k] if (t := self.get(i)) is not None]
        # Same-name titles: the better known one first (more critic reviews).
        found.sort(key=lambda t: (keys.index(normalize_title(t.title)), -(t.critic_review_count or 0)))
        return found[:limit]

    def _suggested(self, query: str, c: Constraints) -> dict[str, int]:
        """{title id: rank} of the titles the model proposes for a description (none for a list of wishes)."""
        if self.recall is None or not c.description:
            return {}
        return {s.title_id: s.rank for s in self.recall.suggest(query[:MAX_QUERY_CHARS], self.find_title)}

    def _hits(self, c: Constraints, k: int, query: str, suggested: dict[str, int]) -> list[TitleHit]:
        if self.backend == "memory":
            return self._memory_hits(c, k, suggested, query)
        return self._rank(c, self._chroma_candidates(c, k, query, suggested), k, suggested)

    def _memory_hits(self, c: Constraints, k: int, suggested: dict[str, int], query: str) -> list[TitleHit]:
        """Hybrid retrieval in memory: filter rows, score them by dense + BM25 + prior + facets, explain."""
        index, snap = self.index, self.snapshot
        rows = np.flatnonzero(c.to_mask(index))
        if c.exclude_ids:
            rows = np.array([r for r in rows if index.titles[r].id not in c.exclude_ids], dtype=int)
        if rows.size == 0:
            return []
        signals = Signals(rows)
        text = c.semantic_text[:MAX_QUERY_CHARS].strip()
        if text:
            # BM25 and the embedder read a remembered story whole (see _story_text); the title words keep the soft
            # text (the whole story there changed no tune result).
            story = _story_text(c, query, text)
            keyword = snap.keywords.scores(story)[rows]
            signals.keyword = keyword if keyword.any() else None
            title_words = snap.title_words.scores(text)[rows]
            signals.title_words = title_words if title_words.any() else None
            vector = self.store.embedder.embed_query(story)
            # A plot's best passage counts as much as the title's own vector (which only holds its opening).
            passages = snap.passages.best_similarity(vector, len(index.titles))[rows]
            # The whole matrix, then the rows: indexing first would copy 26 MB of vectors on every query.
            signals.dense = np.maximum((index.embeddings @ vector)[rows], passages)
        scores = fused_scores(c, signals, index, self._priors, snap.facets, self._plot_rows)
        scores = scores + WEIGHTS["title"] * self._title_matches(c, rows)
        if suggested:
            scores = scores + suggestion_scores(np.array([suggested.get(index.titles[r].id, 0) for r in rows]))
        best = top_rows(scores, rows, min(POOL, rows.size))
        by_row = dict(zip(rows.tolist(), scores.tolist(), strict=True))
        dense = dict(zip(rows.tolist(), signals.dense.tolist(), strict=True)) if signals.dense is not None else {}
        words = _content_words(c.soft_text)
        hits = []
        for r in best:
            t = index.titles[int(r)]
            reasons = c.reasons(t)
            if reasons is None:
                continue
            why = _explain(reasons, _matched_words(words, t), dense.get(int(r), 0.0))
            why = self._facet_reasons(c, int(r)) + why if c.tones or c.themes else why
            why = [SUGGESTED, *why] if t.id in suggested else why
            hits.append(TitleHit(t, by_row[int(r)], tuple(why)))
            if len(hits) == k:
                break
        return hits

    def _title_matches(self, c: Constraints, rows: np.ndarray) -> np.ndarray:
        if not c.soft_text:
            return np.zeros(rows.size)
        ids = set(self.vocabulary.titles.get(normalize_title(c.soft_text), []))
        titles = self.index.titles
        return np.array([titles[r].id in ids for r in rows], dtype=float) if ids else np.zeros(rows.size)

    def _facet_reasons(self, c: Constraints, row: int) -> list[str]:
        facets = self.snapshot.facets
        has = set(facets.has[row]) if facets.has else set()
        return [name if facets.scores[row, facets.names.index(name)] >= KNOWN else f"{name} (estimated)"
                for name in (*c.tones, *c.themes) if name in has]

    def _chroma_candidates(self, c: Constraints, k: int, query: str, suggested: dict[str, int]) -> list[Match]:
        semantic = c.semantic_text or _strip_stopwords(query) or query
        vector = self.store.embedder.embed_query(semantic[:MAX_QUERY_CHARS])
        pool = max(MIN_POOL, k * POOL_FACTOR) + len(c.exclude_ids)
        matches = self.store.query(vector, n=pool, where=c.to_where())
        # The model's suggestions join the pool even where the text alone did not reach them (the filters still
        # apply: _rank post-filters every match).
        reached = {m.title.id for m in matches}
        missing = [i for i in suggested if i not in reached]
        return matches + self.store.matches_for(missing, vector)

    def _rank(self, c: Constraints, matches: list[Match], k: int, suggested: dict[str, int]) -> list[TitleHit]:
        words = _content_words(c.soft_text)
        scored = []
        for m in matches:
            reasons = c.reasons(m.title)  # exact post-filter: also covers what Chroma could not express
            if reasons is None:
                continue
            matched = _matched_words(words, m.title)
            title_bonus = 1.0 if c.soft_text and normalize_title(c.soft_text) == normalize_title(m.title.title) else 0
            score = (m.similarity + 0.25 * (len(matched) / len(words) if words else 0) + WEIGHTS["title"] * title_bonus
                     + 0.15 * (2 if not c.soft_text else 1) * acclaim_prior(m.title)
                     + float(suggestion_scores(np.array([suggested.get(m.title.id, 0)]))[0]))
            why = _explain(reasons, matched, m.similarity)
            scored.append(TitleHit(m.title, score, tuple([SUGGESTED, *why] if m.title.id in suggested else why)))
        scored.sort(key=lambda h: -h.score)
        return scored[:k]


def _check_query(query: str) -> str:
    if not isinstance(query, str) or not query.strip():
        raise EmptyQueryError("The search query is empty: describe what you feel like watching, "
                              "e.g. \"a dark psychological thriller from the '80s\".")
    return query.strip()


def _content_words(text: str) -> list[str]:
    return [w for w in tokenize(text)[1] if len(w) > 2 and w not in STOPWORDS]


def _story_text(c: Constraints, query: str, semantic: str) -> str:
    """What BM25 and the embedder read: a story told at length whole, since the words the parser took as
    incidental readings ("American", "in 1962") still describe the film (BM25: tune known-item hit@10 0.946 ->
    0.973, MRR 0.819 -> 0.849; the embedder too: 77 tune items, MRR 0.838 -> 0.879 with ranking.STORY_WEIGHTS,
    about 7 ms more to embed); a list of wishes as its soft text, without the filter words."""
    return query[:MAX_QUERY_CHARS] if c.story_told and query else semantic


def _strip_stopwords(text: str) -> str:
    return " ".join(_content_words(text))


def _matched_words(words: list[str], t: Title) -> list[str]:
    if not words:
        return []
    haystack = " ".join(tokenize(f"{t.title} {' '.join(t.genres)} {t.description}")[1])
    # Each word once, and no pronoun: "mentions panther, husband", not "mentions her, husband, her".
    return [w for w in dict.fromkeys(words) if w not in PRONOUNS
            and re.search(rf"\b{re.escape(w[:-1] if len(w) > 4 else w)}", haystack)]


PRONOUNS = frozenset({"her", "his", "him", "hers", "herself", "himself", "their", "them", "themselves", "who"})


def _explain(reasons: list[str], matched: list[str], similarity: float) -> list[str]:
    why = list(reasons)
    if matched:
        why.append("mentions " + ", ".join(matched))
    elif similarity >= 0.45:
        why.append("close in theme")
    return why or ["closest match to your description"]


# -- multi-turn refinement ---------------------------------------------------------------------------
OLDER = ("older", "earlier", "less recent", "more classic", "oldest")
NEWER = ("newer", "more recent", "later", "latest", "more modern", "newest")
SHORTER = ("shorter", "less long", "quicker")
LONGER = ("longer",)
NOT_THAT = ("not that one", "not that", "seen it", "seen that", "already seen", "not this one", "no not that")
OTHERS = ("something else", "others", "other ones", "different ones", "more options", "show me more", "more like")


def refine(previous: SearchResult, followup: str, parser: QueryParser) -> Constraints:
    """Merge a follow-up into the previous search's constraints ("something older", "not that one", ...)."""
    prev, text = previous.constraints, followup.lower()
    new = parser.parse(followup)
    years = [h.title.year for h in previous.hits[:5] if h.title.year]
    runtimes = [h.title.runtime_min for h in previous.hits[:5] if h.title.runtime_min]
    c = _merge(prev, new)
    if any(p in text for p in OLDER) and years:
        c = c.with_(year_min=None, year_max=min(years) - 1)
    elif any(p in text for p in NEWER) and years:
        c = c.with_(year_min=max(years) + 1, year_max=None)
    if any(p in text for p in SHORTER) and runtimes:
        c = c.with_(runtime_min=None, runtime_max=int(median(runtimes)) - 1)
    elif any(p in text for p in LONGER) and runtimes:
        c = c.with_(runtime_min=int(median(runtimes)) + 1, runtime_max=None)
    excluded = list(c.exclude_ids)
    if any(p in text for p in NOT_THAT) and previous.hits:
        excluded.append(previous.hits[0].id)
    if any(p in text for p in OTHERS):
        excluded += [h.id for h in previous.hits]
    excluded += [h.id for h in previous.hits if normalize_title(h.title.title) in _negated_titles(text)]
    return c.with_(exclude_ids=tuple(dict.fromkeys(excluded)))


def _negated_titles(text: str) -> set[str]:
    return {normalize_title(m) for m in re.findall(r"\bnot\s+([\w' :-]{2,60})", text)}


def _merge(prev: Constraints, new: Constraints) -> Constraints:
    """New hard constraints override or add to the old ones; negations remove what they contradict."""
    merged = prev.to_dict()
    for name, value in new.to_dict().items():
        if name in ("soft_text", "semantic_text"):
            continue
        merged[name] = tuple(dict.fromkeys((*merged.get(name, ()), *value))) if isinstance(value, tuple) else value
    merged["genres_all"] = tuple(g for g in merged.get("genres_all", ()) if g not in new.genres_none)
    merged["soft_text"] = " ".join(filter(None, [prev.soft_text, _refinement_words(new.soft_text)]))
    merged["semantic_text"] = " ".join(filter(None, [prev.semantic_text, _refinement_words(new.semantic_text)]))
    merged["notices"] = new.notices
    return Constraints(**merged)


def _refinement_words(text: str) -> str:
    comparative = {w for phrase in OLDER + NEWER + SHORTER + LONGER + NOT_THAT + OTHERS for w in phrase.split()}
    return " ".join(w for w in text.split() if w not in comparative and w not in ("one", "something", "else"))

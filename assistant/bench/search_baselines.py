"""The naive peers Marquee's search is measured against, built from the same indexed titles.

* ``VectorOnly``: what open-source RAG movie bots do — embed the raw query with the same MiniLM and return the
  nearest titles of the same Chroma collection, no parsing, no filters.
* ``BM25Only``: a plain keyword index (``bm25s``) over title, plot/description, people and genres, no parsing.
"""

from __future__ import annotations

from knowledge.store import CatalogStore
from knowledge.titles import Title, normalize_title

# A short English stop list: BM25's idf already discounts common words, this only keeps "the"/"a" from
# dominating very short queries. Written here, not derived from any corpus.
STOPWORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "from", "has", "have", "he", "her", "his", "in",
    "is", "it", "its", "of", "on", "or", "she", "that", "the", "their", "them", "they", "this", "to", "was", "were",
    "who", "with", "movie", "movies", "film", "films", "about", "where",
})


def tokenize(text: str) -> list[str]:
    return [w for w in normalize_title(text).split() if w not in STOPWORDS]


def bm25_text(t: Title) -> str:
    """Everything a viewer might type words from: title, plot or description, people and genres."""
    return " ".join([t.title, t.description, " ".join(t.directors), " ".join(t.cast[:8]), " ".join(t.genres)])


class VectorOnly:
    name = "vector"

    def __init__(self, store: CatalogStore):
        self.store = store

    def search(self, query: str, k: int = 10) -> list[Title]:
        return [m.title for m in self.store.query(self.store.embedder.embed_query(query), n=k)]


class BM25Only:
    name = "bm25"

    def __init__(self, titles: list[Title]):
        import bm25s

        self.titles = titles
        self.retriever = bm25s.BM25()
        self.retriever.index([tokenize(bm25_text(t)) or ["_"] for t in titles], show_progress=False)

    def search(self, query: str, k: int = 10) -> list[Title]:
        tokens = tokenize(query)
        if not tokens:
            return []
        docs, scores = self.retriever.retrieve([tokens], k=min(k, len(self.titles)), show_progress=False)
        # bm25s pads with zero-score documents when fewer than k contain a query word: those are not answers.
        return [self.titles[int(d)] for d, s in zip(docs[0], scores[0], strict=True) if s > 0]


def rank_ids(titles: list[Title]) -> list[str]:
    return [t.id for t in titles]


def warm_up(*systems) -> None:
    for system in systems:
        system.search("warm up")


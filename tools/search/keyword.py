"""The keyword side of hybrid search: BM25 (``bm25s``) over each title's words, in two channels.

Dense MiniLM vectors find films *like* a description; BM25 finds the film whose plot holds the rare words the
viewer remembers ("genocide", "refugees", "motorcycle"), which is what known-item queries need. The body channel
covers plot or description, people, genres and the source's tags; the title channel only the title. They are
separate because a title is a very short document: in one index "Pineapple Express" outranks the plot in which
a cop keeps buying tins of pineapple, and "Bat*21" the plot of a virus that came from a bat. Both are built at
ingest beside the vectors and loaded from disk in milliseconds.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from knowledge.titles import Title

CAST_IN_INDEX = 6
# BM25's term saturation and length normalisation for the body channel. A plot runs to thousands of words where a
# metadata-only record has a few dozen, and full normalisation (b = 0.75) penalised exactly the plots that a
# remembered story is after: on the tune split, k1 = 1.2, b = 0.5 lifts known-item MRR 0.879 -> 0.913 (same hits;
# constraint and mood results unchanged). The title channel keeps bm25s's defaults.
BODY_BM25 = {"k1": 1.2, "b": 0.5}
TITLE_BM25 = {"k1": 1.5, "b": 0.75}
_WORD = re.compile(r"(?u)\b\w\w+\b")
# Lucene's classic English stop list (also bm25s's "en"): the glue words, nothing a plot is remembered by.
STOP_WORDS = frozenset({
    "a", "an", "and", "are", "as", "at", "be", "but", "by", "for", "if", "in", "into", "is", "it", "no", "not",
    "of", "on", "or", "such", "that", "the", "their", "then", "there", "these", "they", "this", "to", "was",
    "will", "with",
})


def stem(word: str) -> str:
    """A deliberately small stemmer (no PyStemmer here): plural and verb endings, enough for plot words."""
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)] + keep
    return word


def keyword_tokens(text: str) -> list[str]:
    """Lower-cased words of two letters or more, without stop words, stemmed: the same at ingest and query."""
    return [stem(w) for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]


def keyword_text(t: Title) -> str:
    """Plot, people, genres and tags: the body channel. Tone words ("dark", "mind-bending") never reach it, the
    parser takes them out of the query first, and a metadata-only record's generated description (its title and
    facts) is left out, so such a record cannot win on plot words."""
    people = [*t.directors[:3], *t.cast[:CAST_IN_INDEX]]
    plot = t.description if t.has_plot else ""
    return " ".join([plot, " ".join(people), " ".join(t.genres), " ".join(t.keywords), " ".join(t.themes),
                     " ".join(t.moods)])


def title_text(t: Title) -> str:
    """The title channel: what a viewer half-remembers from the poster ("dancing", "rain")."""
    return t.title


class KeywordIndex:
    """BM25 scores of a query for every title row (rows follow the titles the index was built from).

    ``bm25s`` builds the index at ingest (it precomputes every term's per-document score as a sparse matrix);
    a search only reads that matrix back with numpy. Importing ``bm25s`` pulls in scipy (about a second of a
    cold CLI search), so the scoring side never imports it, and both sides share :func:`keyword_tokens`.
    """

    def __init__(self, data: np.ndarray, indices: np.ndarray, indptr: np.ndarray, vocab: dict[str, int],
                 size: int):
        self._data, self._indices, self._indptr, self._vocab, self.size = data, indices, indptr, vocab, size

    @classmethod
    def build(cls, titles: Sequence[Title], text: Callable[[Title], str] = keyword_text,
              progress: bool = False, params: dict[str, float] | None = None) -> KeywordIndex:
        import bm25s

        corpus = [keyword_tokens(text(t)) or ["_"] for t in titles]  # bm25s needs a token in every document
        retriever = bm25s.BM25(**(BODY_BM25 if params is None else params))
        retriever.index(corpus, show_progress=progress)
        scores = retriever.scores
        return cls(np.asarray(scores["data"], np.float32), np.asarray(scores["indices"], np.int32),
                   np.asarray(scores["indptr"], np.int64), dict(retriever.vocab_dict), len(titles))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every title for ``query`` (zeros when no query word is in the index)."""
        scores = np.zeros(self.size, dtype=np.float32)
        for word in dict.fromkeys(keyword_tokens(query)):
            term = self._vocab.get(word)
            if term is not None:
                start, end = self._indptr[term], self._indptr[term + 1]
                np.add.at(scores, self._indices[start:end], self._data[start:end])
        return scores

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        np.savez(folder / "bm25.npz", data=self._data, indices=self._indices, indptr=self._indptr)
        (folder / "vocab.json").write_text(json.dumps({"size": self.size, "vocab": self._vocab}))

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        arrays = np.load(folder / "bm25.npz")
        meta = json.loads((folder / "vocab.json").read_text())
        return cls(arrays["data"], arrays["indices"], arrays["indptr"], meta["vocab"], meta["size"])

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
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from knowledge.titles import Title

CAST_IN_INDEX = 6


def stem(word: str) -> str:
    """A deliberately small stemmer (no PyStemmer here): plural and verb endings, enough for plot words."""
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: len(word) - len(suffix)] + keep
    return word


def _stem_all(words: list[str]) -> list[str]:
    return [stem(w) for w in words]


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
    """BM25 scores of a query for every title row (rows follow the titles the index was built from)."""

    def __init__(self, retriever, size: int):
        self._retriever, self.size = retriever, size
        self._vocab = retriever.vocab_dict

    @classmethod
    def build(cls, titles: Sequence[Title], text: Callable[[Title], str] = keyword_text,
              progress: bool = False) -> KeywordIndex:
        import bm25s

        texts = [text(t).lower() or "_" for t in titles]
        tokens = bm25s.tokenize(texts, stopwords="en", stemmer=_stem_all, show_progress=progress)
        retriever = bm25s.BM25()
        retriever.index(tokens, show_progress=progress)
        return cls(retriever, len(titles))

    def scores(self, query: str) -> np.ndarray:
        """BM25 score of every title for ``query`` (zeros when no query word is in the index)."""
        import bm25s

        words = bm25s.tokenize(query.lower(), stopwords="en", stemmer=_stem_all, return_ids=False,
                               show_progress=False)[0]
        known = [w for w in dict.fromkeys(words) if w in self._vocab]
        if not known or not self.size:
            return np.zeros(self.size, dtype=np.float32)
        return np.asarray(self._retriever.get_scores(known), dtype=np.float32)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self._retriever.save(str(folder), show_progress=False)
        (folder / "size.json").write_text(json.dumps({"size": self.size}))

    @classmethod
    def load(cls, folder: Path) -> KeywordIndex:
        import bm25s

        retriever = bm25s.BM25.load(str(folder), show_progress=False, verbosity=0)
        return cls(retriever, json.loads((folder / "size.json").read_text())["size"])

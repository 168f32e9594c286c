"""Plot passages: each plot embedded in pieces, because a title's one vector only holds the plot's opening.

A title's vector is capped at 128 tokens (``knowledge.embeddings.MAX_SEQ_LENGTH``), which after the title, genres
and people leaves the first two or three sentences of a plot. A viewer describing a film remembers a scene from
anywhere in it ("at the end frogs rain from the sky"), so the plot is also cut into passages of a few sentences,
each embedded on its own, and a title's passage similarity is the best of its passages. Built at ingest with the
snapshot (about 9,500 passages for the default catalog's 1,434 whole plots); a query costs one matrix-vector
product.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from tqdm.auto import tqdm

from knowledge.titles import Title

# About 90 MiniLM tokens: a passage fits the 128-token window whole, with room for the title in front.
PASSAGE_CHARS = 420
BATCH = 256
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'(])")


def split_passages(text: str, limit: int = PASSAGE_CHARS) -> list[str]:
    """Consecutive sentences grouped into passages of at most ``limit`` characters (a longer sentence alone)."""
    passages: list[str] = []
    current = ""
    for sentence in _SENTENCE_END.split(text.strip()):
        if current and len(current) + 1 + len(sentence) > limit:
            passages.append(current)
            current = sentence
        else:
            current = f"{current} {sentence}".strip()
    if current:
        passages.append(current)
    return passages


@dataclass(frozen=True)
class Passages:
    """Passage vectors and the title row each belongs to."""

    rows: np.ndarray  # int32, one per passage
    vectors: np.ndarray  # float32, unit length, one per passage

    @classmethod
    def build(cls, titles: Sequence[Title], embedder, progress: bool = True) -> Passages:
        texts, rows = [], []
        for row, t in enumerate(titles):
            if not t.has_plot:
                continue
            # The title leads each passage: "Magnolia: ... frogs rain" is about that film, not any frogs.
            for passage in split_passages(t.description):
                texts.append(f"{t.title}: {passage}")
                rows.append(row)
        vectors = [embedder.embed_documents(texts[i : i + BATCH])
                   for i in tqdm(range(0, len(texts), BATCH), desc="Embedding plot passages", unit="batch",
                                 disable=not progress or not texts)]
        dimension = embedder.dimension
        matrix = np.concatenate(vectors) if vectors else np.zeros((0, dimension), dtype=np.float32)
        return cls(np.asarray(rows, dtype=np.int32), matrix.astype(np.float32, copy=False))

    def best_similarity(self, query: np.ndarray, size: int) -> np.ndarray:
        """For every title row, its best passage's cosine similarity to ``query`` (-1 where it has none)."""
        best = np.full(size, -1.0, dtype=np.float32)
        if len(self.rows):
            # Passages are stored in row order: each title's passages are one run, and reduceat takes the best of
            # each run (np.maximum.at did the same in 7 ms instead of 1).
            starts = np.flatnonzero(np.r_[True, self.rows[1:] != self.rows[:-1]])
            best[self.rows[starts]] = np.maximum.reduceat(self.vectors @ query, starts)
        return best

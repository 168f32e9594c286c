"""Content similarity between titles: the title embeddings plus genres, people and era.

This is what recommends when there is no interaction data (a new viewer, a catalog without a log, a title no one
has rated yet) and what explains picks ("same director as Heat", "sci-fi & horror like Alien").
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from knowledge.titles import Title

# How much each trait adds to the embedding cosine (which is ~0.2-0.8 between related films).
# The embedded text already names the director, so the director's own weight is modest.
TRAIT_WEIGHTS = {"genres": 0.3, "director": 0.25, "cast": 0.15, "era": 0.1}
TOP_BILLED = 4  # only the leads say something about a film
ERA_SCALE_YEARS = 8.0


def _one_hot(values: Sequence[Sequence[str]]) -> sp.csr_matrix:
    vocab: dict[str, int] = {}
    rows, cols = [], []
    for row, names in enumerate(values):
        for name in dict.fromkeys(names):
            rows.append(row)
            cols.append(vocab.setdefault(name, len(vocab)))
    return sp.csr_matrix((np.ones(len(rows), dtype=np.float32), (rows, cols)),
                         shape=(len(values), max(1, len(vocab))))


def _row_normalised(m: sp.csr_matrix) -> sp.csr_matrix:
    norms = np.sqrt(np.asarray(m.multiply(m).sum(axis=1)).ravel())
    return sp.diags(1.0 / np.maximum(norms, 1e-9)) @ m


class ContentSimilarity:
    """Similarity of catalog rows to other rows; ``to(rows)`` is (len(rows) × n_titles)."""

    def __init__(self, titles: Sequence[Title], embeddings: np.ndarray, weights: dict[str, float] | None = None):
        self.titles = list(titles)
        self.embeddings = np.asarray(embeddings, dtype=np.float32)
        if len(self.embeddings) != len(self.titles):
            raise ValueError(f"{len(self.titles)} titles but {len(self.embeddings)} embeddings")
        self.weights = {**TRAIT_WEIGHTS, **(weights or {})}
        self.genres = _row_normalised(_one_hot([t.genres for t in self.titles]))
        self.directors = _one_hot([t.directors for t in self.titles])
        self.cast = _one_hot([t.cast[:TOP_BILLED] for t in self.titles])
        self.years = np.array([np.nan if t.year is None else t.year for t in self.titles], dtype=np.float32)

    def __len__(self) -> int:
        return len(self.titles)

    def to(self, rows: Sequence[int]) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        w = self.weights
        sim = self.embeddings[rows] @ self.embeddings.T
        sim += w["genres"] * (self.genres[rows] @ self.genres.T).toarray()
        sim += w["director"] * ((self.directors[rows] @ self.directors.T).toarray() > 0)
        sim += w["cast"] * np.minimum((self.cast[rows] @ self.cast.T).toarray(), 2) / 2
        with np.errstate(invalid="ignore"):
            era = np.exp(-np.abs(self.years[rows, None] - self.years[None, :]) / ERA_SCALE_YEARS)
        sim += w["era"] * np.nan_to_num(era, nan=0.0)
        sim[np.arange(len(rows)), rows] = 0.0  # a title is not a recommendation for itself
        return sim.astype(np.float32, copy=False)

    def matrix(self, batch: int = 2048) -> np.ndarray:
        """All pairs (n × n): for small item sets such as a benchmark's."""
        n = len(self.titles)
        return np.vstack([self.to(np.arange(i, min(n, i + batch))) for i in range(0, n, batch)])


def shared_people(pick: Title, liked: Title) -> list[str]:
    """Why ``pick`` shares people with ``liked``, best reason first."""
    why = []
    directors = [d for d in pick.directors if d in liked.directors]
    if directors:
        why.append(f"same director as {liked.title} ({directors[0]})")
    actors = [a for a in pick.cast[:TOP_BILLED] if a in liked.cast[:TOP_BILLED]]
    if actors:
        why.append(f"also stars {' and '.join(actors[:2])}, like {liked.title}")
    return why


def genre_phrase(genres: Sequence[str]) -> str:
    short = {"Science Fiction": "sci-fi"}
    return " & ".join(short.get(g, g.lower()) for g in genres[:2])

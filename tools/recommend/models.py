"""Item-scoring models over an interaction log: baselines and the hybrid the recommender uses.

Every model is fitted on ``Histories`` (each user's items in time order, as item numbers) and scores histories:
``model.fit(train).score(histories)`` is a (users × items) array, higher is better. Seen items are not masked
here; callers decide what to exclude.

* ``Popularity``, ``RandomScores``, ``ItemKNN`` (cosine), ``EASE`` (Steck 2019, closed form): baselines.
* ``HybridModel``: EASE on a recency-weighted history (a much more regularised EASE for short, cold-start
  histories such as a chat profile: "I loved Alien and Heat"), plus content similarity and a popularity prior,
  each standardised per user before the weighted sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

# EASE inverts an items × items matrix: 6,000 items is ~3 s and 300 MB; more is refused, not attempted.
MAX_CF_ITEMS = 6000


@dataclass
class Histories:
    """Each user's items, oldest first, as item numbers in ``range(n_items)``."""

    n_items: int
    items: list[np.ndarray]

    def __len__(self) -> int:
        return len(self.items)

    def matrix(self, weights: list[np.ndarray] | None = None) -> sp.csr_matrix:
        """Users × items matrix (1 per interaction, or the given per-interaction weights)."""
        lengths = [len(h) for h in self.items]
        rows = np.repeat(np.arange(len(self.items)), lengths)
        cols = np.concatenate(self.items).astype(np.int64) if self.items else np.zeros(0, dtype=np.int64)
        vals = np.concatenate(weights) if weights is not None else np.ones(len(cols))
        return sp.csr_matrix((vals.astype(np.float32), (rows, cols)), shape=(len(self.items), self.n_items))

    def subset(self, users: Sequence[int]) -> Histories:
        return Histories(self.n_items, [self.items[u] for u in users])


def recency_weights(histories: Histories, tau: float | None) -> list[np.ndarray]:
    """exp(-age / tau) where age counts interactions back from the latest; ``None`` weighs all alike."""
    if not tau:
        return [np.ones(len(h), dtype=np.float32) for h in histories.items]
    return [np.exp(-(len(h) - 1 - np.arange(len(h))) / tau).astype(np.float32) for h in histories.items]


def standardise(scores: np.ndarray) -> np.ndarray:
    """Per-row z-scores, so components on different scales can be summed with meaningful weights."""
    centred = scores - scores.mean(axis=1, keepdims=True)
    return centred / (centred.std(axis=1, keepdims=True) + 1e-9)


def _gram(x: sp.csr_matrix) -> np.ndarray:
    return np.asarray((x.T @ x).todense(), dtype=np.float64)


def _check_size(n_items: int) -> None:
    if n_items > MAX_CF_ITEMS:
        raise ValueError(f"{n_items:,} items is too many for the item-item models (max {MAX_CF_ITEMS:,}); "
                         "keep the most-interacted items only.")


class RandomScores:
    name = "Random"

    def __init__(self, seed: int = 0):
        self.seed, self.n_items = seed, 0

    def fit(self, train: Histories) -> RandomScores:
        self.n_items = train.n_items
        return self

    def score(self, histories: Histories) -> np.ndarray:
        return np.random.default_rng(self.seed).random((len(histories), self.n_items), dtype=np.float32)


class Popularity:
    name = "Popularity"

    def __init__(self) -> None:
        self.counts = np.zeros(0, dtype=np.float32)

    def fit(self, train: Histories) -> Popularity:
        self.counts = np.asarray(train.matrix().sum(axis=0), dtype=np.float32).ravel()
        return self

    def score(self, histories: Histories) -> np.ndarray:
        return np.broadcast_to(self.counts, (len(histories), len(self.counts))).copy()


class ItemKNN:
    """Item-item cosine similarity over who interacted with what."""

    name = "ItemKNN (cosine)"

    def __init__(self) -> None:
        self.sim = np.zeros((0, 0), dtype=np.float32)

    def fit(self, train: Histories) -> ItemKNN:
        _check_size(train.n_items)
        x = train.matrix()
        norms = np.sqrt(np.maximum(np.asarray(x.sum(axis=0)).ravel(), 1.0))
        sim = _gram(x) / np.outer(norms, norms)
        np.fill_diagonal(sim, 0.0)
        self.sim = sim.astype(np.float32)
        return self

    def score(self, histories: Histories) -> np.ndarray:
        return np.asarray(histories.matrix() @ self.sim)


class EASE:
    """Embarrassingly Shallow Autoencoder: B = I - P·diag(1/diag(P)), P = (XᵀX + λI)⁻¹, with diag(B) = 0."""

    def __init__(self, lam: float = 200.0, recency_tau: float | None = None):
        self.lam, self.recency_tau = lam, recency_tau
        self.weights = np.zeros((0, 0), dtype=np.float32)

    @property
    def name(self) -> str:
        return f"EASE (λ={self.lam:g})"

    def fit(self, train: Histories) -> EASE:
        _check_size(train.n_items)
        gram = _gram(train.matrix())
        gram[np.diag_indices_from(gram)] += self.lam
        inverse = np.linalg.inv(gram)
        weights = inverse / -np.diag(inverse)
        np.fill_diagonal(weights, 0.0)
        self.weights = weights.astype(np.float32)
        return self

    def score(self, histories: Histories) -> np.ndarray:
        return np.asarray(histories.matrix(recency_weights(histories, self.recency_tau)) @ self.weights)


@dataclass
class HybridParams:
    """Weights of the hybrid; the benchmark tunes them on validation items (never on the test holdout)."""

    # Defaults: close to what `python -m assistant bench recommend` picks on ml-100k's validation items.
    ease_lambda: float = 800.0
    #: Short histories get a much more regularised EASE: with two or three titles, a full-strength item-item
    #: model over-trusts rare co-occurrences, while a heavily shrunk one leans on robust, popular neighbours.
    cold_ease_lambda: float = 25600.0
    recency_tau: float | None = 5.0  # in interactions; None weighs a history's items alike
    cold_size: int = 5  # histories up to this long count as cold
    content_weight: tuple[float, float] = (0.1, 0.4)  # (warm, cold)
    prior_weight: tuple[float, float] = (0.1, 0.2)  # (warm, cold)


class HybridModel:
    """EASE on a recency-weighted history (a heavily regularised EASE for short ones) + content similarity +
    a popularity prior; each component standardised per user, then summed with per-regime weights.

    ``content`` is an items × items similarity matrix (title embeddings and metadata, see
    ``tools.recommend.content``) or ``None``; ``prior`` an extra per-item prior (critics' acclaim) added to the
    log popularity, or ``None``.
    """

    name = "Marquee hybrid"

    def __init__(self, params: HybridParams | None = None, content: np.ndarray | None = None,
                 prior: np.ndarray | None = None):
        self.params = replace(params) if params else HybridParams()  # a copy: set_recency changes it
        self.content, self.extra_prior = content, prior
        self.ease = EASE(self.params.ease_lambda, self.params.recency_tau)
        self.cold_ease = EASE(self.params.cold_ease_lambda)
        self.prior = np.zeros(0, dtype=np.float32)

    def fit(self, train: Histories) -> HybridModel:
        self.ease.fit(train)
        self.cold_ease.fit(train)
        self.prior = standardise(np.log1p(Popularity().fit(train).counts)[None, :])[0]
        if self.extra_prior is not None:
            self.prior = self.prior + standardise(np.asarray(self.extra_prior, dtype=np.float32)[None, :])[0]
        return self

    def set_recency(self, tau: float | None) -> None:
        """Change the recency scale without refitting (it only affects scoring)."""
        self.params.recency_tau = self.ease.recency_tau = tau

    def components(self, histories: Histories) -> dict[str, np.ndarray]:
        """Each signal's standardised scores (rows: histories); the recommender explains picks with these."""
        cold = self.is_cold(histories)
        cf = np.zeros((len(histories), histories.n_items), dtype=np.float32)
        if (~cold).any():
            cf[~cold] = standardise(self.ease.score(histories.subset(np.flatnonzero(~cold))))
        if cold.any():
            cf[cold] = standardise(self.cold_ease.score(histories.subset(np.flatnonzero(cold))))
        out = {"cf": cf}
        if self.content is not None:
            weights = recency_weights(histories, self.params.recency_tau)
            out["content"] = standardise(np.asarray(histories.matrix(weights) @ self.content))
        out["prior"] = np.broadcast_to(self.prior, cf.shape)
        return out

    def is_cold(self, histories: Histories) -> np.ndarray:
        return np.array([len(h) <= self.params.cold_size for h in histories.items], dtype=bool)

    def weights(self, cold: np.ndarray) -> dict[str, np.ndarray]:
        """Per-history weight of each component (cold histories lean more on content and the prior)."""
        p, cold = self.params, cold.astype(np.float32)
        return {
            "cf": np.ones_like(cold),
            "content": p.content_weight[0] * (1 - cold) + p.content_weight[1] * cold,
            "prior": p.prior_weight[0] * (1 - cold) + p.prior_weight[1] * cold,
        }

    def score(self, histories: Histories) -> np.ndarray:
        parts = self.components(histories)
        weights = self.weights(self.is_cold(histories))
        total = np.zeros_like(parts["cf"])
        for name, values in parts.items():
            total += weights[name][:, None] * values
        return total

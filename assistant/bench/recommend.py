"""Recommendation benchmark on MovieLens-100K mapped to the catalog: leave-one-out, full ranking.

Protocol. Each user's interactions are ordered by timestamp (ties keep the file order); the last one is the test
item, the second-to-last the validation item. Every model ranks *all* items of the universe except those the user
interacted with (other than the held-out one); any rating is a positive. HR@10 = share of users whose held-out item
is in the top 10; NDCG@10 = mean of 1/log2(rank + 2) for those. Items that tie with the held-out item count as
ranked above it, so a model gains nothing from ties. Hyper-parameters (EASE's λ, the hybrid's weights) are picked on
the validation item; the test item is used once, for the report.

Cold-start slice: users are split into 4 folds; for each fold the models are refitted with that fold's users
reduced to their first 3 interactions, and those users are scored from those 3 alone.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace

import numpy as np

from assistant.bench.recommend_data import BenchData, load_bench_data
from knowledge.settings import Settings
from tools.recommend.models import EASE, Histories, HybridModel, HybridParams, ItemKNN, Popularity, RandomScores

K = 10
COLD_KEEP = 3
COLD_FOLDS = 4
SEED = 0
# Cold-start effects are small next to the noise of one held-out item per user, so cold weights are tuned on
# five validation items per cold user (the 2nd..6th from last); the test item (the last) is never used to tune.
COLD_VALID_CUTS = (2, 3, 4, 5, 6)
EASE_LAMBDAS = (50, 100, 200, 400, 800, 1600)
HYBRID_WARM_GRID = {"ease_lambda": (100, 200, 400, 800), "recency_tau": (None, 5, 10, 20, 40)}
HYBRID_WARM_WEIGHTS = {"content": (0.0, 0.1), "prior": (0.0, 0.1)}
HYBRID_COLD_LAMBDAS = (400, 1600, 6400, 25600, 102400)
HYBRID_COLD_WEIGHTS = {"content": (0.0, 0.1, 0.2, 0.4), "prior": (0.0, 0.2, 0.5)}


def rank_metrics(scores: np.ndarray, targets: np.ndarray, exclude: list[np.ndarray], k: int = K
                 ) -> tuple[float, float]:
    """HR@k and NDCG@k of one held-out item per row; ``exclude`` holds each row's items not to rank."""
    scores = np.array(scores, dtype=np.float64)
    for row, items in enumerate(exclude):
        scores[row, items] = -np.inf
    rows = np.arange(len(targets))
    target_scores = scores[rows, targets]
    scores[rows, targets] = -np.inf
    rank = (scores >= target_scores[:, None]).sum(axis=1)  # ties count against the model
    hit = rank < k
    return float(hit.mean()), float(np.where(hit, 1.0 / np.log2(rank + 2.0), 0.0).mean())


@dataclass
class Split:
    """Fit on ``train``; score ``train``'s rows ``users`` and compare with ``targets``."""

    train: Histories
    users: np.ndarray
    targets: np.ndarray
    exclude: list[np.ndarray]

    def evaluate(self, scores: np.ndarray) -> tuple[float, float]:
        return rank_metrics(scores, self.targets, self.exclude)


def holdout(data: BenchData, cut: int) -> Split:
    """Each user's ``cut``-th interaction from the end is held out; everything before it is training."""
    seqs = data.sequences
    train = Histories(data.n_items, [s[:-cut] for s in seqs])
    targets = np.array([s[-cut] for s in seqs])
    exclude = [np.delete(s, len(s) - cut) for s in seqs]
    return Split(train, np.arange(len(seqs)), targets, exclude)


def cold_splits(data: BenchData, cuts: tuple[int, ...] = (1,)) -> list[Split]:
    """Per fold: that fold's users keep their first ``COLD_KEEP`` interactions, the others all but the last
    ``max(cuts)``; each fold user is scored once per held-out position in ``cuts``."""
    folds = np.random.default_rng(SEED).permutation(len(data.sequences)) % COLD_FOLDS
    train_cut = max(cuts)
    splits = []
    for fold in range(COLD_FOLDS):
        histories = [s[:COLD_KEEP] if folds[u] == fold else s[:-train_cut] for u, s in enumerate(data.sequences)]
        rows = [(u, cut) for u in np.flatnonzero(folds == fold) for cut in cuts
                if len(data.sequences[u]) - cut >= COLD_KEEP]
        seqs = [data.sequences[u] for u, _ in rows]
        splits.append(Split(Histories(data.n_items, histories), np.array([u for u, _ in rows]),
                            np.array([s[-cut] for s, (_, cut) in zip(seqs, rows, strict=True)]),
                            [np.delete(s, len(s) - cut) for s, (_, cut) in zip(seqs, rows, strict=True)]))
    return splits


def _cold_mean(values: list[tuple[float, float]], splits: list[Split]) -> tuple[float, float]:
    sizes = np.array([len(s.users) for s in splits], dtype=float)
    return tuple(float(np.average([v[i] for v in values], weights=sizes)) for i in range(2))


def score_split(model, split: Split) -> np.ndarray:
    return model.score(split.train.subset(split.users))


# -- tuning on the validation item ----------------------------------------------------------------------------
def tune_ease(data: BenchData) -> tuple[float, dict]:
    valid = holdout(data, 2)
    results = {lam: valid.evaluate(score_split(EASE(lam).fit(valid.train), valid))[1] for lam in EASE_LAMBDAS}
    return max(results, key=results.get), results


def _weighted(parts: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    total = parts["cf"].copy()
    for name, w in weights.items():
        if w and name in parts:
            total += w * parts[name]
    return total


def _best_weights(grid: dict[str, tuple], evaluate: Callable[[dict[str, float]], float]) -> tuple[dict, float]:
    best, best_score = {}, -1.0
    for combo in itertools.product(*grid.values()):
        weights = dict(zip(grid, combo, strict=True))
        score = evaluate(weights)
        if score > best_score:
            best, best_score = weights, score
    return best, best_score


def tune_hybrid(data: BenchData) -> tuple[HybridParams, dict]:
    """Warm weights on every user's validation item, then cold weights on the cold folds' validation items."""
    valid = holdout(data, 2)
    base = HybridParams(content_weight=(0.0, 0.0), prior_weight=(0.0, 0.0))
    best: tuple[float, HybridParams] = (-1.0, base)
    for lam in HYBRID_WARM_GRID["ease_lambda"]:
        model = HybridModel(replace(base, ease_lambda=lam), data.content).fit(valid.train)
        for tau in HYBRID_WARM_GRID["recency_tau"]:
            model.set_recency(tau)
            parts = model.components(valid.train)
            weights, ndcg = _best_weights(HYBRID_WARM_WEIGHTS,
                                          lambda w, parts=parts: valid.evaluate(_weighted(parts, w))[1])
            if ndcg > best[0]:
                best = (ndcg, replace(base, ease_lambda=lam, recency_tau=tau,
                                      content_weight=(weights["content"], 0.0), prior_weight=(weights["prior"], 0.0)))
    warm_ndcg, params = best
    params, cold_ndcg = _tune_cold(data, params)
    return params, {"valid_ndcg@10": round(warm_ndcg, 4), "valid_cold_ndcg@10": round(cold_ndcg, 4)}


def _tune_cold(data: BenchData, params: HybridParams) -> tuple[HybridParams, float]:
    splits = cold_splits(data, COLD_VALID_CUTS)
    best: tuple[float, HybridParams] = (-1.0, params)
    for lam in HYBRID_COLD_LAMBDAS:
        trial = replace(params, cold_ease_lambda=lam)
        parts = [HybridModel(trial, data.content).fit(s.train).components(s.train.subset(s.users)) for s in splits]

        def cold_ndcg(w: dict[str, float], parts=parts) -> float:
            return _cold_mean([s.evaluate(_weighted(p, w)) for s, p in zip(splits, parts, strict=True)], splits)[1]

        weights, ndcg = _best_weights(HYBRID_COLD_WEIGHTS, cold_ndcg)
        if ndcg > best[0]:
            best = (ndcg, replace(trial, content_weight=(params.content_weight[0], weights["content"]),
                                  prior_weight=(params.prior_weight[0], weights["prior"])))
    return best[1], best[0]


# -- the report -----------------------------------------------------------------------------------------------
@dataclass
class RecommendBenchResult:
    models: list[dict] = field(default_factory=list)
    universe: dict = field(default_factory=dict)
    tuning: dict = field(default_factory=dict)
    seconds: float = 0.0

    def summary(self) -> dict:
        return {"models": self.models, "universe": self.universe, "tuning": self.tuning,
                "protocol": "leave-last-out by timestamp, full ranking over items the user did not interact with, "
                            f"any rating positive, k={K}; cold = users reduced to their first {COLD_KEEP} "
                            f"interactions ({COLD_FOLDS} folds, models refitted)",
                "targets": self.targets(), "seconds": round(self.seconds, 1)}

    def targets(self) -> dict:
        ease = next((m for m in self.models if m["name"].startswith("EASE")), None)
        ours = next((m for m in self.models if m["name"] == HybridModel.name), None)
        if not ease or not ours:
            return {}
        return {"ndcg@10 >= 1.05 x EASE": ours["ndcg@10"] >= 1.05 * ease["ndcg@10"],
                "ndcg@10 ratio vs EASE": round(ours["ndcg@10"] / max(ease["ndcg@10"], 1e-9), 3),
                "cold_ndcg@10 > EASE": ours["cold_ndcg@10"] > ease["cold_ndcg@10"],
                "fit_s < 30": ours["fit_s"] < 30}

    def report(self) -> str:
        u = self.universe
        lines = [f"Item universe: {u['items']:,} ml-100k films mapped to catalog ids ({u['mapping'].rstrip('.')}); "
                 f"{u['users']:,} users, {u['interactions']:,} interactions. Same universe for every model.",
                 f"Content embeddings: {u['embeddings']}.", "",
                 f"{'model':22s} {'HR@10':>7s} {'NDCG@10':>8s} {'cold HR':>8s} {'cold NDCG':>10s} "
                 f"{'fit s':>7s} {'predict s':>9s}"]
        for m in self.models:
            lines.append(f"{m['name']:22s} {m['hr@10']:7.4f} {m['ndcg@10']:8.4f} {m['cold_hr@10']:8.4f} "
                         f"{m['cold_ndcg@10']:10.4f} {m['fit_s']:7.2f} {m['predict_s']:9.3f}")
        lines += ["", f"Tuned on the validation item: {self.tuning}", f"Targets: {self.targets()}",
                  f"Total benchmark time {self.seconds:.0f} s (timings are wall-clock on this machine)."]
        return "\n".join(lines)


def _measure(name: str, make: Callable[[], object], test: Split, cold: list[Split]) -> dict:
    started = time.perf_counter()
    model = make().fit(test.train)
    fit_s = time.perf_counter() - started
    started = time.perf_counter()
    scores = score_split(model, test)
    predict_s = time.perf_counter() - started
    hr, ndcg = test.evaluate(scores)
    cold_hr, cold_ndcg = _cold_mean([s.evaluate(score_split(make().fit(s.train), s)) for s in cold], cold)
    return {"name": name, "hr@10": round(hr, 4), "ndcg@10": round(ndcg, 4), "cold_hr@10": round(cold_hr, 4),
            "cold_ndcg@10": round(cold_ndcg, 4), "fit_s": round(fit_s, 3), "predict_s": round(predict_s, 3)}


def run(settings: Settings) -> RecommendBenchResult:
    started = time.perf_counter()
    data = load_bench_data(settings)
    lam, ease_valid = tune_ease(data)
    params, hybrid_valid = tune_hybrid(data)
    test, cold = holdout(data, 1), cold_splits(data)
    makers: list[tuple[str, Callable[[], object]]] = [
        ("Random", RandomScores), ("Popularity", Popularity), ("ItemKNN (cosine)", ItemKNN),
        (f"EASE (λ={lam:g})", lambda: EASE(lam)),
        (HybridModel.name, lambda: HybridModel(params, data.content)),
    ]
    result = RecommendBenchResult(universe=data.describe())
    result.models = [_measure(name, make, test, cold) for name, make in makers]
    result.tuning = {"ease_valid_ndcg@10": {str(k): round(v, 4) for k, v in ease_valid.items()},
                     "hybrid": {**hybrid_valid, "params": _params_dict(params)}}
    result.seconds = time.perf_counter() - started
    return result


def _params_dict(p: HybridParams) -> dict:
    return {"ease_lambda": p.ease_lambda, "cold_ease_lambda": p.cold_ease_lambda, "recency_tau": p.recency_tau,
            "content_weight": list(p.content_weight), "prior_weight": list(p.prior_weight)}

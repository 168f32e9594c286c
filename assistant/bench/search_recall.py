"""The "Marquee + model recall" variant of the search benchmark, on the known-item set only.

The same engine as plain Marquee, with the settings' chat model proposing titles for each description
(``tools/search/recall.py``). It is slow on a CPU (the model answers every description), so the benchmark runs
it only with ``--recall``; the figures sit beside plain Marquee's from the same run, per split.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass, field

from tqdm import tqdm

from assistant.bench.search_metrics import SPLITS, by_split, hit_at, reciprocal_rank
from assistant.catalog import snapshot_dir
from knowledge.settings import Settings
from knowledge.store import CatalogStore
from tools.search.engine import SUGGESTED, CatalogSearch
from tools.search.recall import ModelRecall

SYSTEMS = ("marquee", "marquee_recall")


@dataclass
class RecallVariant:
    model: str
    warm_up_s: float = 0.0  # loading the model and its first answer, kept out of the per-query figures
    rows: list[dict] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def summary(self) -> dict:
        seconds = [r["seconds"] for r in self.rows]
        return {
            "model": self.model, "items": len(self.rows), "warm_up_s": round(self.warm_up_s, 1),
            "hit@10": by_split(self.rows, "hit", SYSTEMS), "mrr@10": by_split(self.rows, "rr", SYSTEMS),
            "seconds_per_query": {"mean": round(statistics.mean(seconds), 2) if seconds else None,
                                  "p50": round(statistics.median(seconds), 2) if seconds else None,
                                  "max": round(max(seconds), 2) if seconds else None},
            # Diagnostics: how often the model named the right film at all, and how many names resolved.
            "target_suggested": _mean([r["target_suggested"] for r in self.rows]),
            "mean_resolved_suggestions": _mean([r["suggested"] for r in self.rows]),
            "errors": self.errors,
            "per_query": self.rows,
        }


def _mean(values: list[float]) -> float | None:
    return round(statistics.mean(values), 4) if values else None


def model_label(settings: Settings) -> str:
    from assistant.llm.select import choose_llm

    choice = choose_llm(settings)
    return f"{choice.backend} {choice.model or 'Qwen2.5-Coder-0.5B (embedded)'}".strip()


def measure_recall(settings: Settings, store: CatalogStore, items: list[dict], plain_rows: list[dict],
                   limit: int | None = None) -> RecallVariant:
    """Known-item hit@10 / MRR@10 with the settings' chat model proposing titles; ``plain_rows`` are plain
    Marquee's rows of the same run (matched by query), ``limit`` the first N items only (a quick look)."""
    from assistant.llm import resolve_llm
    from assistant.recall import chat_model_ask

    started = time.perf_counter()
    llm = resolve_llm(settings)
    engine = CatalogSearch(store, snapshot_dir=snapshot_dir(settings), recall=ModelRecall(chat_model_ask(lambda: llm)))
    engine.recall.propose("a warm-up story that is in no labelled set")
    plain = {r["query"]: r["marquee"] for r in plain_rows}
    variant = RecallVariant(model_label(settings), warm_up_s=time.perf_counter() - started)
    chosen = items[:limit] if limit else items
    for item in tqdm(chosen, desc="Known items with model recall", unit="query"):
        started = time.perf_counter()
        try:
            hits = engine.search(item["query"], k=10).hits
        except Exception as exc:  # noqa: BLE001 - a crash counts as an empty answer and is reported
            variant.errors.append(f"{item['query'][:60]!r}: {type(exc).__name__}: {exc}")
            hits = []
        seconds = time.perf_counter() - started
        ids = [h.id for h in hits]
        suggested = [h.id for h in hits if SUGGESTED in h.why]
        variant.rows.append({
            "query": item["query"], "split": item["split"], "target": item["title"], "seconds": round(seconds, 2),
            "marquee": plain[item["query"]],
            "marquee_recall": {"hit": hit_at(ids, item["id"]), "rr": reciprocal_rank(ids, item["id"])},
            "target_suggested": float(item["id"] in suggested), "suggested": len(suggested),
            "proposals": [p.title for p in engine.recall.propose(item["query"])],  # cached: no second call
        })
    return variant


def report_lines(summary: dict) -> list[str]:
    lines = [f"known-item with model recall ({summary['model']}; {summary['items']} items), beside plain Marquee:"]
    for metric in ("hit@10", "mrr@10"):
        for split in (*SPLITS, "all"):
            row = summary[metric][split]  # by_split gives every split, with n=0 where the items hold none
            lines.append(f"  {metric:6s} {split:8s} n={row['n']:3d}  marquee {row['marquee']}  "
                         f"+ model recall {row['marquee_recall']}")
    sec = summary["seconds_per_query"]
    lines.append(f"  seconds per query with the model: mean {sec['mean']}, p50 {sec['p50']}, max {sec['max']} "
                 f"(after {summary['warm_up_s']} s loading it); "
                 f"the right film among the resolved suggestions: {summary['target_suggested']}")
    return lines

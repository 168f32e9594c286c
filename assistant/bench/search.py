"""Search benchmark: precision@10 on labelled viewer queries against a vector-only baseline, latency, ingest.

precision@10 is the share of the (up to 10) returned titles that meet every labelled constraint of the query;
a query that returns nothing scores 0. The baseline is what open-source RAG movie bots do: embed one text per
title into Chroma and return the 10 nearest to the raw query, with no filters.
"""

from __future__ import annotations

import json
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from assistant.catalog import build_store, ingest
from knowledge.settings import Settings
from knowledge.titles import Title
from tools.search.engine import CatalogSearch

QUERIES_FILE = Path(__file__).with_name("search_queries.json")


def load_queries(path: Path = QUERIES_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def meets(t: Title, expect: dict) -> bool:
    """Does ``t`` satisfy a labelled expectation? Independent of the search code on purpose."""
    def within(value, bounds):
        low, high = bounds
        return value is not None and (low is None or value >= low) and (high is None or value <= high)

    checks = [
        "year" not in expect or within(t.year, expect["year"]),
        "runtime" not in expect or within(t.runtime_min, expect["runtime"]),
        set(expect.get("genres_all", [])) <= set(t.genres),
        not set(expect.get("genres_none", [])) & set(t.genres),
        set(expect.get("directors", [])) <= set(t.directors),
        set(expect.get("cast", [])) <= set(t.cast),
        "person_any" not in expect or bool(set(expect["person_any"]) & set(t.directors + t.cast)),
        "countries_any" not in expect or bool(set(expect["countries_any"]) & set(t.countries)),
        "languages_any" not in expect or bool(set(expect["languages_any"]) & set(t.languages)),
        "min_critic" not in expect or (t.critic_score or 0) >= expect["min_critic"],
    ]
    return all(checks)


def precision(titles: list[Title], expect: dict) -> float:
    top = titles[:10]
    return sum(meets(t, expect) for t in top) / len(top) if top else 0.0


@dataclass
class SearchBenchResult:
    rows: list[dict] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    ingest_s: float | None = None
    reingest_s: float | None = None
    catalog_size: int = 0

    def summary(self) -> dict:
        lat = np.array(self.latencies_ms)
        return {
            "precision@10": round(float(np.mean([r["precision"] for r in self.rows])), 4),
            "baseline_precision@10": round(float(np.mean([r["baseline"] for r in self.rows])), 4),
            "latency_ms": {"p50": round(float(np.percentile(lat, 50)), 2),
                           "p95": round(float(np.percentile(lat, 95)), 2)},
            "ingest_s": None if self.ingest_s is None else round(self.ingest_s, 1),
            "reingest_s": None if self.reingest_s is None else round(self.reingest_s, 2),
            "queries": len(self.rows),
            "catalog_size": self.catalog_size,
        }

    def report(self) -> str:
        lines = [f"{'query':58s} {'ours':>5s} {'base':>5s}"]
        lines += [f"{r['query'][:58]:58s} {r['precision']:5.2f} {r['baseline']:5.2f}" for r in self.rows]
        s = self.summary()
        lines += ["",
                  f"precision@10: {s['precision@10']:.3f}   baseline (vector only): {s['baseline_precision@10']:.3f}",
                  f"warm latency: p50 {s['latency_ms']['p50']} ms, p95 {s['latency_ms']['p95']} ms "
                  f"over {len(self.latencies_ms)} queries",
                  f"ingest: first {s['ingest_s']} s, unchanged re-ingest {s['reingest_s']} s "
                  f"({s['catalog_size']:,} titles)"]
        return "\n".join(lines)


def run(settings: Settings, reuse_index: bool = False, repeats: int = 3) -> SearchBenchResult:
    result = SearchBenchResult()
    with tempfile.TemporaryDirectory(prefix="marquee-bench-") as tmp:
        if not reuse_index and not settings.chroma_url:
            settings = settings.with_(chroma_path=Path(tmp) / "chroma")
        store = build_store(settings)
        if not reuse_index:
            started = time.perf_counter()
            ingest(settings, store, progress=True)
            result.ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        ingest(settings, store, progress=False)
        result.reingest_s = time.perf_counter() - started
        _measure(result, store, repeats)
    return result


def _measure(result: SearchBenchResult, store, repeats: int) -> None:
    search = CatalogSearch(store)
    result.catalog_size = len(search.vocabulary.titles and search._index or [])
    queries = load_queries()
    search.search("warm up")
    for q in queries:
        hits = search.search(q["query"]).hits
        baseline = store.query(store.embedder.embed_query(q["query"]), n=10)
        result.rows.append({"query": q["query"], "precision": precision([h.title for h in hits], q["expect"]),
                            "baseline": precision([m.title for m in baseline], q["expect"])})
    for _ in range(repeats):
        store.embedder._query_cache.clear()  # warm model, cold query: every timed query embeds its text
        for q in queries:
            started = time.perf_counter()
            search.search(q["query"])
            result.latencies_ms.append((time.perf_counter() - started) * 1000)

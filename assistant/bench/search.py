"""Search benchmark: Marquee's search against a vector-only and a BM25 peer, on four labelled sets, in one run.

* constraint queries (the original 54 and ``search_constraints.json``): precision@10, the share of the (up to 10)
  returned titles that meet every labelled constraint; an empty answer scores 0;
* known-item plot descriptions: hit@10 and MRR@10 of the one right film;
* mood/theme queries: share of the 10 slots filled by titles a critic would accept;
* warm latency per kind of query, plot coverage of the index, ingest time and a cold CLI search;
* with ``recall=True`` (``--recall``), "Marquee + model recall" on the known-item set (``search_recall``).

The peers (``search_baselines``) are built from the same indexed titles. The newer sets are reported per split:
``tune`` may be looked at while tuning, ``heldout`` never.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from tqdm import tqdm

from assistant.bench.search_baselines import BM25Only, VectorOnly
from assistant.bench.search_metrics import (
    accepted_share,
    by_split,
    hit_at,
    judged_sets,
    labelled_titles,
    load_constraints,
    load_known_items,
    load_moods,
    load_queries,
    mean,
    meets,
    oscar_wins,
    percentiles,
    precision,
    reciprocal_rank,
)
from assistant.bench.search_recall import RecallVariant, measure_recall
from assistant.bench.search_report import report_text, targets
from assistant.catalog import build_store, ingest, snapshot_dir
from knowledge.settings import Settings
from knowledge.titles import Title
from tools.search.engine import CatalogSearch

__all__ = ["SearchBenchResult", "load_queries", "meets", "precision", "run"]

SYSTEMS = ("marquee", "vector", "bm25")
KINDS = ("constraint", "known_item", "mood")
COLD_CLI_QUERY = "a dark psychological thriller from the 80s"


class MarqueeSearch:
    """Marquee's engine as it is in this checkout; a crash counts as an empty answer and is reported."""

    name = "marquee"

    def __init__(self, engine: CatalogSearch):
        self.engine = engine
        self.errors: list[str] = []

    def search(self, query: str, k: int = 10) -> list[Title]:
        try:
            return [h.title for h in self.engine.search(query, k=k).hits]
        except Exception as exc:  # noqa: BLE001 - the benchmark reports engine failures instead of stopping
            self.errors.append(f"{query[:60]!r}: {type(exc).__name__}: {exc}")
            return []


@dataclass
class SearchBenchResult:
    rows: list[dict] = field(default_factory=list)  # the original 54
    constraint_rows: list[dict] = field(default_factory=list)
    known_rows: list[dict] = field(default_factory=list)
    mood_rows: list[dict] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)  # Marquee on the original 54 (the historic key)
    latency_by_kind: dict = field(default_factory=dict)  # {system: {kind: [ms, ...]}}
    ingest_s: float | None = None
    reingest_s: float | None = None
    catalog_size: int = 0
    titles_with_plot: int = 0
    known_with_plot: int = 0
    cold_cli_runs_s: list[float] = field(default_factory=list)
    facet_quality: list = field(default_factory=list)  # FacetQuality per facet, on the labels the fit did not see
    errors: list[str] = field(default_factory=list)
    model_recall: RecallVariant | None = None

    def summary(self) -> dict:
        lat = percentiles(self.latencies_ms)
        out = {
            "precision@10": mean([r["precision"] for r in self.rows]),
            "baseline_precision@10": mean([r["baseline"] for r in self.rows]),
            "bm25_precision@10": mean([r["bm25"] for r in self.rows]),
            "latency_ms": {"p50": lat["p50"], "p95": lat["p95"]},
            "ingest_s": None if self.ingest_s is None else round(self.ingest_s, 1),
            "reingest_s": None if self.reingest_s is None else round(self.reingest_s, 2),
            "queries": len(self.rows),
            "catalog_size": self.catalog_size,
            "constraints": {"queries": len(self.constraint_rows), "metric": "precision@10",
                            **by_split(self.constraint_rows, "precision", SYSTEMS)},
            "known_item": {"items": len(self.known_rows), "with_plot": self.known_with_plot,
                           "hit@10": by_split(self.known_rows, "hit", SYSTEMS),
                           "mrr@10": by_split(self.known_rows, "rr", SYSTEMS)},
            "mood": {"queries": len(self.mood_rows), "metric": "share of top 10 accepted",
                     **by_split(self.mood_rows, "share", SYSTEMS)},
            "mood_from_labelled_titles": by_split(self.mood_rows, "labelled_share", ("marquee",)),
            "mood_judged": {"metric": "share of top 10 accepted or judged yes in the pooled judgments",
                            **by_split(self.mood_rows, "judged_share", SYSTEMS),
                            "coverage": by_split(self.mood_rows, "judged_coverage", SYSTEMS)},
            "latency_by_kind_ms": {s: {k: percentiles(v) for k, v in kinds.items()}
                                   for s, kinds in self.latency_by_kind.items()},
            "plot_coverage": {"titles_with_plot": self.titles_with_plot, "catalog_size": self.catalog_size,
                              "known_item_titles_with_plot": self.known_with_plot,
                              "known_item_titles": len(self.known_rows)},
            "cold_cli_s": round(statistics.median(self.cold_cli_runs_s), 2) if self.cold_cli_runs_s else None,
            "cold_cli_runs_s": [round(s, 2) for s in self.cold_cli_runs_s],
            "facet_calibration": facet_calibration(self.facet_quality),
            "errors": self.errors,
            # per query, so a tuner can see what fails on the tune split without a second run
            "per_query": {"constraints": self.constraint_rows, "known_item": self.known_rows, "mood": self.mood_rows},
        }
        if self.model_recall is not None:
            out["model_recall"] = self.model_recall.summary()
        out["targets"] = targets(out)
        return out

    def report(self) -> str:
        return report_text(self)


def run(settings: Settings, reuse_index: bool = False, repeats: int = 3, cold_cli: bool = True,
        recall: bool = False, recall_limit: int | None = None) -> SearchBenchResult:
    """``recall``: also "Marquee + model recall" with the settings' chat model (slow on a CPU), on the first
    ``recall_limit`` known items (all by default)."""
    result = SearchBenchResult()
    with tempfile.TemporaryDirectory(prefix="marquee-bench-") as tmp:
        if not reuse_index and not settings.chroma_url:
            settings = settings.with_(chroma_path=Path(tmp) / "chroma")
        store = build_store(settings)
        # A reused index may predate the checkout's catalog or schema: bring it up to date first (with a progress
        # bar, it can take minutes) so that the timed re-ingest below really is the unchanged one.
        started = time.perf_counter()
        ingest(settings, store, progress=True)
        if not reuse_index:
            result.ingest_s = time.perf_counter() - started
        started = time.perf_counter()
        ingest(settings, store, progress=False)
        result.reingest_s = time.perf_counter() - started
        _measure(result, store, repeats, snapshot_dir(settings))
        if recall:
            result.model_recall = measure_recall(settings, store, load_known_items(), result.known_rows, recall_limit)
        if cold_cli:
            result.cold_cli_runs_s = cold_cli_seconds(settings)
    return result


def _measure(result: SearchBenchResult, store, repeats: int, snapshot: Path | None = None) -> None:
    titles = store.all_titles()
    result.catalog_size = len(titles)
    with_plot = {t.id for t in titles if "wikipedia" in t.source}
    result.titles_with_plot = len(with_plot)
    # The snapshot is keyed by the catalog's hash: a fresh index of the same catalog reuses it, as a user's would.
    marquee = MarqueeSearch(CatalogSearch(store, snapshot_dir=snapshot))
    systems = {"marquee": marquee, "vector": VectorOnly(store), "bm25": BM25Only(titles)}
    for system in systems.values():
        system.search("warm up")
    sets = {"existing": load_queries(), "constraint": load_constraints(), "known_item": load_known_items(),
            "mood": load_moods()}
    oscars = oscar_wins()
    _score(result, systems, sets, oscars)
    result.known_with_plot = sum(item["id"] in with_plot for item in sets["known_item"])
    _time(result, systems, sets, store, repeats)
    result.facet_quality = list(marquee.engine.snapshot.facets.quality)
    result.errors = sorted(set(marquee.errors))


def facet_calibration(quality: list) -> dict:
    """Per-facet precision/recall of "has facet" on the labels the calibration did not fit, and pooled."""
    tp, predicted = sum(q.true_positives for q in quality), sum(q.predicted_positives for q in quality)
    positives = sum(q.check_positives for q in quality)
    return {"pooled": {"precision": round(tp / predicted, 3) if predicted else None,
                       "recall": round(tp / positives, 3) if positives else None,
                       "check_positives": positives, "check_negatives": sum(q.check_negatives for q in quality)},
            "per_facet": [{**vars(q), "precision": q.precision, "recall": q.recall} for q in quality]}


def _ranked(systems: dict, query: str) -> dict[str, list[Title]]:
    return {name: system.search(query, k=10) for name, system in systems.items()}


def _score(result: SearchBenchResult, systems: dict, sets: dict, oscars: dict[str, int]) -> None:
    bar = tqdm(total=sum(map(len, sets.values())), desc="Scoring queries", unit="query")
    for q in sets["existing"]:
        got = _ranked(systems, q["query"])
        result.rows.append({"query": q["query"], "precision": precision(got["marquee"], q["expect"], oscars),
                            "baseline": precision(got["vector"], q["expect"], oscars),
                            "bm25": precision(got["bm25"], q["expect"], oscars)})
        bar.update()
    for q in sets["constraint"]:
        got = _ranked(systems, q["query"])
        result.constraint_rows.append({"query": q["query"], "split": q["split"], **{
            s: {"precision": precision(got[s], q["expect"], oscars)} for s in SYSTEMS}})
        bar.update()
    for item in sets["known_item"]:
        got = _ranked(systems, item["query"])
        ids = {s: [t.id for t in got[s]] for s in SYSTEMS}
        result.known_rows.append({"query": item["query"], "split": item["split"], "target": item["title"], **{
            s: {"hit": hit_at(ids[s], item["id"]), "rr": reciprocal_rank(ids[s], item["id"])} for s in SYSTEMS}})
        bar.update()
    labelled = labelled_titles()
    for q in sets["mood"]:
        got = _ranked(systems, q["query"])
        accepted = {a["id"] for a in q["accepted"]}
        judged_yes, judged = judged_sets(q)
        row = {"query": q["query"], "split": q["split"], **{
            s: {"share": accepted_share([t.id for t in got[s]], accepted),
                "judged_share": accepted_share([t.id for t in got[s]], accepted | judged_yes),
                "judged_coverage": accepted_share([t.id for t in got[s]], accepted | judged)} for s in SYSTEMS}}
        # How much of Marquee's share is a facet label it ships (known) rather than an estimate.
        row["marquee"]["labelled_share"] = accepted_share([t.id for t in got["marquee"]], accepted & labelled)
        result.mood_rows.append(row)
        bar.update()
    bar.close()


def _time(result: SearchBenchResult, systems: dict, sets: dict, store, repeats: int) -> None:
    """Warm model, cold query: the embedder's query cache is cleared before each system's pass, so every timed
    query embeds its text (a peer must not ride on the embedding another system just cached)."""
    kind_of = {"existing": "constraint", "constraint": "constraint", "known_item": "known_item", "mood": "mood"}
    result.latency_by_kind = {s: {k: [] for k in KINDS} for s in systems}
    bar = tqdm(total=repeats * len(systems) * sum(map(len, sets.values())), desc="Timing searches", unit="search")
    for _ in range(repeats):
        for name, system in systems.items():
            store.embedder._query_cache.clear()
            for set_name, queries in sets.items():
                for q in queries:
                    started = time.perf_counter()
                    system.search(q["query"], k=10)
                    ms = (time.perf_counter() - started) * 1000
                    result.latency_by_kind[name][kind_of[set_name]].append(ms)
                    if name == "marquee" and set_name == "existing":
                        result.latencies_ms.append(ms)
                    bar.update()
    bar.close()


def cold_cli_seconds(settings: Settings, query: str = COLD_CLI_QUERY, runs: int = 3) -> list[float]:
    """Wall time of fresh ``python -m assistant search`` processes on the already-built index."""
    env = dict(os.environ)
    if not settings.chroma_url:
        env["MARQUEE_CHROMA_PATH"] = str(settings.chroma_dir)
    env.setdefault("HF_HUB_OFFLINE", "1")
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "assistant", "search", query], env=env,
                              capture_output=True, text=True, timeout=300, check=False)
        times.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"`python -m assistant search` failed (exit {done.returncode}):\n"
                               f"{done.stderr[-2000:]}")
    return times

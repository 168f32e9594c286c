"""The search benchmark's runner measures all three systems on every set and reports the keys it promises.

Runs on the 32-title hand-written catalog (a real Chroma index and the shipped MiniLM): the labelled films are
mostly not in it, so this checks the wiring and the report, not the scores.
"""

import json

from assistant.bench.search import SYSTEMS, SearchBenchResult, _measure
from assistant.bench.search_metrics import load_constraints, load_known_items, load_moods, load_queries


def test_runner_measures_every_set_for_every_system(small_catalog):
    result = SearchBenchResult()
    _measure(result, small_catalog.store, repeats=1)
    summary = json.loads(json.dumps(result.summary()))  # --json must be able to print it

    assert len(result.rows) == len(load_queries())
    assert len(result.constraint_rows) == len(load_constraints())
    assert len(result.known_rows) == len(load_known_items())
    assert len(result.mood_rows) == len(load_moods())
    assert summary["catalog_size"] == small_catalog.store.count()
    for key in ("precision@10", "baseline_precision@10", "latency_ms", "ingest_s", "reingest_s", "queries",
                "known_item", "mood", "cold_cli_s", "constraints", "targets"):
        assert key in summary, key
    for table in (summary["constraints"], summary["known_item"]["hit@10"], summary["mood"]):
        assert set(table) >= {"tune", "heldout", "heldout2", "all"}
        assert all(table["heldout"][s] is not None for s in SYSTEMS)
    kinds = summary["latency_by_kind_ms"]
    assert set(kinds) == set(SYSTEMS)
    assert all(kinds[s][k]["n"] > 0 for s in SYSTEMS for k in ("constraint", "known_item", "mood"))
    assert summary["cold_cli_s"] is None  # not measured here: _measure does not start a CLI
    assert set(summary["mood_from_labelled_titles"]["heldout2"]) == {"marquee", "n"}
    judged = summary["mood_judged"]
    assert all(judged["heldout2"][s] is not None and judged["coverage"]["heldout2"][s] is not None for s in SYSTEMS)
    # A title judged yes counts on top of the written list, never less than the written list alone.
    assert all(judged[split][s] >= summary["mood"][split][s] for split in ("tune", "heldout2") for s in SYSTEMS)
    report = result.report()
    assert "targets (each held-out split" in report and "mood_heldout2_share" in report
    assert "judged yes (pooled judgments)" in report


def test_the_model_recall_variant_reports_beside_plain_marquee(small_settings, small_catalog):
    """``--recall`` through the real OpenAI-compatible backend and the HTTP peer (it names the film)."""
    from assistant.bench.search_recall import measure_recall, report_lines
    from tests.openai_peer import OpenAIPeer

    item = {"query": "that film where a man in a suit hangs off a giant stone face on a monument",
            "id": "tt0053125", "title": "North by Northwest", "split": "heldout"}
    plain = [{"query": item["query"], "marquee": {"hit": 0.0, "rr": 0.0}}]
    with OpenAIPeer(mode="titles", titles=("North by Northwest (1959)",)) as peer:
        variant = measure_recall(small_settings.with_(llm_base_url=peer.base_url), small_catalog.store, [item], plain)
    summary = json.loads(json.dumps(variant.summary()))
    assert summary["hit@10"]["heldout"] == {"marquee": 0.0, "marquee_recall": 1.0, "n": 1}
    assert summary["mrr@10"]["heldout"]["marquee_recall"] == 1.0
    assert summary["target_suggested"] == 1.0 and summary["per_query"][0]["proposals"] == ["North by Northwest"]
    assert summary["model"].startswith("openai") and summary["seconds_per_query"]["mean"] is not None
    assert "+ model recall 1.0" in "\n".join(report_lines(summary))

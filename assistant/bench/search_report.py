"""Text report and target check of the search benchmark (the numbers come from ``search.py``)."""

from __future__ import annotations

from assistant.bench.search_metrics import SPLITS

EXISTING_54_BEFORE = 0.982  # precision@10 of the original 54 before issue 12: must not regress
SYSTEMS = ("marquee", "vector", "bm25")
SPLIT_MARKS = {"tune": "t", "heldout": "h", "heldout2": "h2", "heldout3": "h3"}


def _get(summary: dict, *path):
    value = summary
    for key in path:
        value = (value or {}).get(key)
    return value


def _check(value, ok: bool, target: str) -> dict:
    return {"value": value, "target": target, "met": bool(ok) if value is not None else False}


HELDOUT_SPLITS = SPLITS[1:]  # every split but tune


def targets(s: dict) -> dict:
    """Issue 12's targets, judged on each held-out split where the set has one (``heldout3`` is the clean one:
    written after ``heldout``'s failures and ``heldout2``'s aggregates had been seen)."""
    out = {}
    for split in HELDOUT_SPLITS:
        if not _get(s, "constraints", split, "n"):
            continue  # a set without this split (a test's, or one written before the split was)
        cons = _get(s, "constraints", split, "marquee")
        hit, hit_bm25 = (_get(s, "known_item", "hit@10", split, k) for k in ("marquee", "bm25"))
        mood, mood_vec = (_get(s, "mood", split, k) for k in ("marquee", "vector"))
        out |= {
            f"constraint_{split}_precision@10": _check(cons, cons is not None and cons >= 0.95, ">= 0.95"),
            f"known_item_{split}_hit@10": _check(hit, hit is not None and hit >= 0.90 and hit > (hit_bm25 or 0),
                                                 f">= 0.90 and above BM25 ({hit_bm25})"),
            f"mood_{split}_share": _check(mood, mood is not None and mood >= 0.40 and mood >= 3 * (mood_vec or 0),
                                          f">= 0.40 and >= 3x vector-only ({mood_vec})"),
        }
    lat = _get(s, "latency_by_kind_ms", "marquee") or {}
    p95 = {kind: v["p95"] for kind, v in lat.items()}
    cold = s.get("cold_cli_s")
    return out | {
        "existing_54_precision@10": _check(s.get("precision@10"),
                                           (s.get("precision@10") or 0) >= EXISTING_54_BEFORE,
                                           f">= {EXISTING_54_BEFORE} (no regression)"),
        "warm_p95_ms_per_kind": _check(p95, bool(p95) and all(v is not None and v <= 50 for v in p95.values()),
                                       "<= 50 ms for every kind"),
        "cold_cli_s": _check(cold, cold is not None and cold <= 3.0, "<= 3 s"),
    }


def _fmt(value) -> str:
    return "  -  " if value is None else f"{value:5.3f}"


def _split_table(title: str, table: dict) -> list[str]:
    lines = [f"{title}", f"  {'split':9s} {'n':>3s} " + " ".join(f"{s:>8s}" for s in SYSTEMS)]
    for split in ("tune", *HELDOUT_SPLITS, "all"):
        row = table[split]
        lines.append(f"  {split:9s} {row['n']:3d} " + " ".join(f"{_fmt(row[s]):>8s}" for s in SYSTEMS))
    return lines


def _per_query(rows: list[dict], metric: str) -> list[str]:
    lines = []
    for r in rows:
        label = r["query"] if "target" not in r else f"{r['query']} -> {r['target']}"
        scores = " ".join(f"{r[s][metric]:5.2f}" for s in SYSTEMS)
        lines.append(f"  [{SPLIT_MARKS[r['split']]:2s}] {label[:72]:72s} {scores}")
    return lines


def report_text(result) -> str:
    s = result.summary()
    lines = [f"{'original 54 constraint queries':58s} {'ours':>5s} {'vec':>5s} {'bm25':>5s}"]
    lines += [f"{r['query'][:58]:58s} {r['precision']:5.2f} {r['baseline']:5.2f} {r['bm25']:5.2f}" for r in result.rows]
    lines += ["", f"per query ([t]une/[h]eldout/[h2]/[h3] fresher held-out; columns: {' '.join(SYSTEMS)})",
              "more constraint queries (precision@10)"]
    lines += _per_query(result.constraint_rows, "precision")
    lines += ["known-item descriptions (reciprocal rank within the top 10)"]
    lines += _per_query(result.known_rows, "rr")
    lines += ["mood/theme queries (share of top 10 accepted)"]
    lines += _per_query(result.mood_rows, "share")
    lines += ["", f"original 54, precision@10: ours {s['precision@10']:.3f}   vector only "
              f"{s['baseline_precision@10']:.3f}   BM25 {s['bm25_precision@10']:.3f}"]
    lines += _split_table("more constraint queries, precision@10", s["constraints"])
    lines += _split_table("known-item, hit@10", s["known_item"]["hit@10"])
    lines += _split_table("known-item, MRR@10", s["known_item"]["mrr@10"])
    lines += _split_table("mood/theme, share of top 10 accepted", s["mood"])
    if "mood_judged" in s:
        lines += _split_table("mood/theme, share of top 10 accepted or judged yes (pooled judgments)", s["mood_judged"])
        lines += _split_table("  of which top-10 slots judged at all", s["mood_judged"]["coverage"])
    known = s.get("mood_from_labelled_titles", {})
    lines.append("  of Marquee's share, titles whose facets ship as labels: " + ", ".join(
        f"{split} {known[split]['marquee']}" for split in ("tune", *HELDOUT_SPLITS) if split in known))
    lines.append("warm latency (ms, query embedding included), p50 / p95:")
    for system, kinds in s["latency_by_kind_ms"].items():
        lines.append(f"  {system:8s} " + "   ".join(f"{k} {v['p50']} / {v['p95']}" for k, v in kinds.items()))
    cov = s["plot_coverage"]
    lines += [f"plot coverage: {cov['titles_with_plot']:,} of {cov['catalog_size']:,} indexed titles carry a plot; "
              f"{cov['known_item_titles_with_plot']} of {cov['known_item_titles']} known-item targets do",
              f"cold CLI search: median {s['cold_cli_s']} s over {s['cold_cli_runs_s']}",
              f"ingest: first {s['ingest_s']} s, unchanged re-ingest {s['reingest_s']} s"]
    if "model_recall" in s:
        from assistant.bench.search_recall import report_lines

        lines += report_lines(s["model_recall"])
    if s["errors"]:
        lines += ["engine errors (counted as empty answers):"] + [f"  {e}" for e in s["errors"]]
    lines.append("targets (each held-out split; heldout3 is the clean one):")
    for name, t in s["targets"].items():
        lines.append(f"  {'met    ' if t['met'] else 'NOT met'} {name}: {t['value']} (target {t['target']})")
    return "\n".join(lines)

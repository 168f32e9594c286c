"""Ad-drafts benchmark: 30 catalog titles x every format, with the chat model the settings pick (on a CPU-only
machine, the embedded Qwen2.5-Coder-0.5B).

* pass before repair: the share of the model's drafts (its lines and the formats composed from them) that pass
  every check as written; and the same over every candidate, template drafts included.
* pass after repair: the share of returned drafts that pass every check, re-checked here independently of the
  pipeline's own report. Target: 100%.
* distinct-variant ratio: distinct drafts / drafts, per list format, averaged.
* seconds per title: wall time per title; the first title also loads the model and is reported apart.
  Target: <= 30 s per title on the CPU.

The 30 titles are picked deterministically from the default catalog: half with a Wikipedia plot, half without,
spread over decades, at most two per lead genre per half, best known first (critic review count).
"""

from __future__ import annotations

import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from knowledge.catalog import load_titles
from knowledge.settings import Settings
from knowledge.titles import Title
from tools.ads import FORMATS, AdDrafts, draft_ads
from tools.ads.checks import DraftChecker
from tools.ads.facts import Facts, has_plot

TITLE_COUNT = 30
MAX_PER_GENRE = 2
TONES = ("", "thrilling", "heartfelt", "funny", "prestige")
AUDIENCES = ("", "families", "young adults")
TARGET_SECONDS = 30.0


def pick_titles(titles: list[Title], count: int = TITLE_COUNT) -> list[Title]:
    """Alternating with-plot and without-plot titles, each half spread over decades and genres."""
    halves = [_spread([t for t in titles if has_plot(t)], count - count // 2),
              _spread([t for t in titles if not has_plot(t) and t.year], count // 2)]
    mixed = [t for pair in zip(*halves, strict=False) for t in pair]
    return mixed + halves[0][len(halves[1]):]


def _spread(titles: list[Title], count: int) -> list[Title]:
    by_decade: dict[int, list[Title]] = {}
    for t in sorted(titles, key=lambda t: (-(t.critic_review_count or 0), t.id)):
        by_decade.setdefault((t.year or 0) // 10 * 10, []).append(t)
    picked: list[Title] = []
    genres: dict[str, int] = {}
    while len(picked) < count and any(by_decade.values()):
        for decade in sorted(by_decade):
            pool = by_decade[decade]
            choice = next((t for t in pool if genres.get(_lead(t), 0) < MAX_PER_GENRE), pool[0] if pool else None)
            if choice is None or len(picked) >= count:
                continue
            pool.remove(choice)
            genres[_lead(choice)] = genres.get(_lead(choice), 0) + 1
            picked.append(choice)
    return picked


def _lead(t: Title) -> str:
    return t.genres[0] if t.genres else ""


@dataclass
class AdsBenchResult:
    rows: list[dict[str, Any]] = field(default_factory=list)
    model: str = ""

    def summary(self) -> dict[str, Any]:
        rows = self.rows
        model_total = sum(r["model_candidates"] for r in rows)
        seconds = [r["seconds"] for r in rows]
        warm = seconds[1:] or seconds
        after = sum(r["returned_passing"] for r in rows) / max(1, sum(r["returned"] for r in rows))
        return {
            "titles": len(rows),
            "with_plot": sum(r["plot"] for r in rows),
            "model": self.model,
            "model_answered": sum(r["model_used"] for r in rows),
            "titles_with_model_drafts": sum(r["from_model"] > 0 for r in rows),
            "model_failures_by_check": dict(sum((r["model_failures"] for r in rows), Counter()).most_common()),
            "pass_before_repair_model": round(sum(r["model_passing"] for r in rows) / max(1, model_total), 4),
            "pass_before_repair_all_candidates": round(
                sum(r["candidates_passing"] for r in rows) / max(1, sum(r["candidates"] for r in rows)), 4),
            "pass_after_repair": round(after, 4),
            "returned_drafts": sum(r["returned"] for r in rows),
            "model_share_of_returned": round(sum(r["from_model"] for r in rows) / max(1, sum(r["returned"]
                                                                                          for r in rows)), 4),
            "distinct_variant_ratio": round(statistics.mean(r["distinct"] for r in rows), 4) if rows else 0.0,
            "seconds_first_title": round(seconds[0], 1) if seconds else None,
            "seconds_per_title": {"mean": round(statistics.mean(warm), 1), "p50": round(statistics.median(warm), 1),
                                  "max": round(max(warm), 1)} if rows else {},
            "targets": {"pass_after_repair_100": after == 1.0,
                        "seconds_per_title_30": bool(rows) and statistics.mean(warm) <= TARGET_SECONDS},
        }

    def report(self) -> str:
        lines = [f"{'title':44s} {'plot':>4s} {'model':>5s} {'raw ok':>7s} {'after':>6s} {'dist':>5s} {'s':>6s}"]
        for r in self.rows:
            raw, plot, model = (f"{r['model_passing']}/{r['model_candidates']}", "yes" if r["plot"] else "no",
                                "yes" if r["model_used"] else "no")
            lines.append(f"{r['title'][:44]:44s} {plot:>4s} {model:>5s} {raw:>7s} "
                         f"{r['returned_passing']:>3d}/{r['returned']:<3d}{r['distinct']:5.2f} {r['seconds']:6.1f}")
        s = self.summary()
        lines += ["", f"model: {s['model']}; parsable reply for {s['model_answered']}/{s['titles']} titles, "
                  f"drafts returned for {s['titles_with_model_drafts']}",
                  f"model drafts failing, by check (before repair): {s['model_failures_by_check']}",
                  f"pass before repair: model drafts {s['pass_before_repair_model']:.1%}, all candidates "
                  f"{s['pass_before_repair_all_candidates']:.1%}",
                  f"pass after repair: {s['pass_after_repair']:.1%} of {s['returned_drafts']} returned drafts "
                  f"({s['model_share_of_returned']:.1%} from the model)",
                  f"distinct-variant ratio: {s['distinct_variant_ratio']:.3f}",
                  f"seconds per title: mean {s['seconds_per_title'].get('mean')}, p50 "
                  f"{s['seconds_per_title'].get('p50')}, max {s['seconds_per_title'].get('max')} "
                  f"(first title, with model load: {s['seconds_first_title']})",
                  f"targets: 100% after repair {'met' if s['targets']['pass_after_repair_100'] else 'NOT met'}; "
                  f"<= {TARGET_SECONDS:.0f} s per title {'met' if s['targets']['seconds_per_title_30'] else 'NOT met'}"]
        return "\n".join(lines)


def run(settings: Settings, limit: int | None = None) -> AdsBenchResult:
    from assistant.llm import resolve_llm

    titles = load_titles(settings.catalog_path)  # the records are enough: no index needed to write ads
    picked = pick_titles(titles)[: limit or TITLE_COUNT]
    llm = resolve_llm(settings)
    result = AdsBenchResult(model=getattr(llm, "model_name", "") or type(llm).__name__)
    for n, t in enumerate(picked):
        started = time.perf_counter()
        ads = draft_ads(titles, t.id, llm=llm, tone=TONES[n % len(TONES)], audience=AUDIENCES[n % len(AUDIENCES)])
        result.rows.append(_row(t, ads, time.perf_counter() - started))
        print(f"[{n + 1}/{len(picked)}] {t.label}: {result.rows[-1]['seconds']:.1f} s", file=sys.stderr, flush=True)
    return result


def _row(t: Title, ads: AdDrafts, seconds: float) -> dict[str, Any]:
    checker = DraftChecker(Facts.from_title(t))
    returned = ads.all_drafts()
    model_attempts = [a for a in ads.attempts if a.source == "model"]
    lists = [ads.texts(fmt) for fmt in FORMATS if len(ads.texts(fmt)) > 1]
    return {
        "title": t.label, "plot": has_plot(t), "model_used": ads.model_used, "seconds": seconds,
        "model_candidates": len(model_attempts), "model_passing": sum(a.passed for a in model_attempts),
        "candidates": len(ads.attempts), "candidates_passing": sum(a.passed for a in ads.attempts),
        "returned": len(returned), "returned_passing": sum(checker.passes(d.format, d.text) for d in returned),
        "from_model": sum(d.source.startswith("model") for d in returned),
        "model_failures": Counter(name for a in model_attempts for name in a.failed_checks),
        "distinct": statistics.mean(len({x.lower() for x in texts}) / len(texts) for texts in lists) if lists else 1.0,
    }

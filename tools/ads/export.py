"""Drafts to files marketers open: Markdown for review, CSV for spreadsheets and ad-manager uploads."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from tools.ads.checks import CHECKS
from tools.ads.result import PLATFORMS, AdDrafts

HEADINGS = {
    "tagline": "Taglines", "logline": "Loglines", "x_post": "X posts", "instagram": "Instagram captions",
    "video_hook": "Short-video hooks", "spot_15s": "15-second spots", "spot_30s": "30-second spots",
    "search_headlines": "Search-ad headlines", "search_descriptions": "Search-ad descriptions",
    "key_art_prompt": "Key-art prompt",
}
CSV_COLUMNS = ("title_id", "title", "format", "platform", "variant", "text", "characters", "words", "source", "fixes",
               "checks_passed")
BLOCK_FORMATS = ("spot_15s", "spot_30s", "instagram")


def to_markdown(ads: AdDrafts) -> str:
    lines = [f"# Ad drafts: {ads.title}", "",
             f"Title id `{ads.title_id}` · tone: {ads.tone} · audience: {ads.audience or 'general'} · "
             f"language: {ads.language} · all checks passed: {'yes' if ads.passed else 'NO'}", ""]
    if ads.lead_genre:
        lines += [f"Lead genre: **{ads.lead_genre}** ({ads.lead_genre_reason})", ""]
    lines += [f"> **Warning:** {w}" for w in ads.warnings] + ([""] if ads.warnings else [])
    lines += [f"> {notice}" for notice in ads.notices] + ([""] if ads.notices else [])
    if ads.key_art:
        lines += ["## Key art", ""] + [f"- {shape}: `{path}`" for shape, path in ads.key_art.items()] + [""]
    for fmt in ads.formats:
        lines += [f"## {HEADINGS[fmt]}", ""]
        for n, draft in enumerate(ads.drafts.get(fmt, []), start=1):
            origin = f"*{draft.source}*" + (f" ({'; '.join(draft.fixes)})" if draft.fixes else "")
            if fmt in BLOCK_FORMATS:
                lines += [f"**{n}.** {origin}", "", "```", draft.text, "```", ""]
            else:
                lines.append(f"{n}. {draft.text} — {origin}")
        lines.append("")
    lines += ["## Checks", "", "| check | passed | failed before repair | note |", "|---|---|---|---|"]
    for name in CHECKS:
        c = ads.checks[name]
        lines.append(f"| {name} | {'yes' if c.passed else 'NO'} | {c.failed_before_repair} | {c.note} |")
    fixes = [fix for name in CHECKS for fix in ads.checks[name].fixes]
    if fixes:
        lines += ["", "What was repaired or replaced:", ""] + [f"- {fix}" for fix in dict.fromkeys(fixes)]
    if ads.dropped:
        lines += ["", "Dropped (failed a check and could not be repaired):", ""]
        lines += [f"- {fmt}: “{' '.join(text.split())[:90]}” ({reason})" for fmt, text, reason in ads.dropped]
    return "\n".join(lines).rstrip() + "\n"


def to_csv(ads: AdDrafts) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for fmt in ads.formats:
        for n, draft in enumerate(ads.drafts.get(fmt, []), start=1):
            writer.writerow({
                "title_id": ads.title_id, "title": ads.title, "format": fmt, "platform": PLATFORMS.get(fmt, ""),
                "variant": n, "text": draft.text, "characters": len(draft.text), "words": len(draft.text.split()),
                "source": draft.source, "fixes": "; ".join(draft.fixes), "checks_passed": ads.passed,
            })
    return buffer.getvalue()


def export(ads: AdDrafts, directory: Path | str) -> list[Path]:
    """Write ``<title>-ads.md`` and ``<title>-ads.csv`` into ``directory`` (created if missing)."""
    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^a-z0-9]+", "-", f"{ads.title_id}-{ads.title}".lower()).strip("-")[:80] + "-ads"
    paths = [folder / f"{stem}.md", folder / f"{stem}.csv"]
    paths[0].write_text(to_markdown(ads), encoding="utf-8")
    paths[1].write_text(to_csv(ads), encoding="utf-8", newline="")
    return paths

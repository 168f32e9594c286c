"""HTML and table rendering shared by the studio tabs: notice cards, check badges, shot-list rows, the CSS.

Everything user- or model-written goes through ``html.escape``: titles, drafts and scene text are data.
"""

from __future__ import annotations

import html
from collections.abc import Sequence

from tools.ads import AdDrafts
from tools.ads.checks import CHECKS
from tools.ads.export import HEADINGS
from tools.storyboard import Storyboard

SHOT_COLUMNS = ["#", "Size", "Angle", "Lens", "Movement", "Action", "Sound", "Seconds"]
CHECK_LABELS = {"length": "Length", "grounding": "Grounded", "spoilers": "No spoilers", "brand_safety": "Brand safe",
                "genre": "Genre", "specificity": "About this title", "filler": "No filler", "cast_list": "No cast list",
                "audience": "Fits audience"}
# Formats whose drafts are multi-line scripts: shown in a preformatted block, not a one-line quote.
SCRIPT_FORMATS = ("spot_15s", "spot_30s", "instagram")

STUDIO_CSS = """
.mq-hero {display:flex; align-items:baseline; gap:14px; flex-wrap:wrap; margin-bottom:2px}
.mq-hero h1 {margin:0; font-size:1.7rem} .mq-hero p {margin:0; opacity:.75}
.mq-panel {border:1px solid var(--border-color-primary); border-radius:12px; padding:12px 14px;
           background:var(--background-fill-secondary)}
.mq-notice {border-radius:10px; padding:10px 14px; margin:4px 0; border:1px solid var(--border-color-primary)}
.mq-notice.mq-ok {border-left:5px solid #16a34a} .mq-notice.mq-warn {border-left:5px solid #d97706}
.mq-notice.mq-error {border-left:5px solid #dc2626} .mq-notice h4 {margin:0 0 4px 0}
.mq-notice ul {margin:4px 0 0 18px; padding:0}
.mq-badges {display:flex; flex-wrap:wrap; gap:6px; margin:6px 0 10px 0}
.mq-badge {display:inline-flex; align-items:center; gap:4px; padding:2px 10px; border-radius:999px;
           font-size:.8rem; font-weight:600; border:1px solid transparent}
.mq-badge.mq-pass {background:#dcfce7; color:#166534; border-color:#86efac}
.mq-badge.mq-fail {background:#fee2e2; color:#991b1b; border-color:#fca5a5}
.mq-badge.mq-info {background:var(--color-accent-soft); color:var(--body-text-color)}
.mq-drafts {display:grid; grid-template-columns:repeat(auto-fill,minmax(300px,1fr)); gap:12px}
.mq-draft-group {border:1px solid var(--border-color-primary); border-radius:12px; padding:10px 14px;
                 background:var(--background-fill-primary)}
.mq-draft-group h4 {margin:0 0 6px 0; font-size:.95rem; text-transform:uppercase; letter-spacing:.04em;
                    opacity:.8}
.mq-draft {padding:6px 0; border-top:1px dashed var(--border-color-primary)}
.mq-draft:first-of-type {border-top:none}
.mq-draft pre {white-space:pre-wrap; font-size:.85rem; margin:0}
.mq-draft .mq-src {font-size:.72rem; opacity:.65; margin-left:6px}
.mq-draft-group.mq-wide {grid-column:1 / -1}
.mq-wide .mq-draft-list {display:grid; grid-template-columns:repeat(auto-fill,minmax(280px,1fr)); gap:10px}
.mq-wide .mq-draft {border-top:none; border-left:3px solid var(--color-accent-soft); padding-left:10px}
.mq-suggest {display:inline-block; margin:3px 4px 0 0; padding:2px 9px; border-radius:999px;
             background:var(--color-accent-soft); font-size:.85rem}
.mq-summary {display:flex; gap:18px; flex-wrap:wrap; font-size:.9rem}
.mq-summary b {font-size:1.05rem}
#mq-sb-gallery .thumbnail-item {border-radius:8px}
"""


def notice_card(title: str, lines: Sequence[str] = (), kind: str = "warn") -> str:
    """A bordered message card: ``kind`` is "ok", "warn" or "error"."""
    items = "".join(f"<li>{html.escape(line)}</li>" for line in lines)
    body = f"<ul>{items}</ul>" if items else ""
    return f'<div class="mq-notice mq-{kind}"><h4>{html.escape(title)}</h4>{body}</div>'


def badge(label: str, passed: bool | None) -> str:
    """A pill: green ✓ when passed, red ✗ when not, neutral when ``None``."""
    kind, mark = {True: ("pass", "✓"), False: ("fail", "✗"), None: ("info", "")}[passed]
    return f'<span class="mq-badge mq-{kind}">{mark} {html.escape(label)}</span>'


# -- storyboards -------------------------------------------------------------------------------------------
def shot_rows(board: Storyboard) -> list[list[object]]:
    """The shot list as table rows, in ``SHOT_COLUMNS`` order."""
    return [[s.number, s.size, s.angle, f"{s.lens_mm}mm", s.movement, s.action, s.sound, s.duration_s]
            for s in board.shots]


def gallery_items(board: Storyboard) -> list[tuple[str, str]]:
    return [(str(path), f"{shot.number}. {shot.spec}") for path, shot in zip(board.frames, board.shots, strict=True)]


def storyboard_summary(board: Storyboard, headline: str = "Storyboard ready") -> str:
    renderer = "AI image model" if board.renderer == "diffusion" else "blocking sketches"
    facts = [("Shots", str(len(board.shots))), ("Running time", f"{board.total_seconds:g} s"),
             ("Aspect", board.aspect), ("Frames", renderer), ("Seed", str(board.seed))]
    summary = "".join(f"<span>{html.escape(k)}: <b>{html.escape(v)}</b></span>" for k, v in facts)
    notes = "".join(notice_card("Note", [n], "warn") for n in board.notices)
    return f'<div class="mq-notice mq-ok"><h4>{html.escape(headline)}</h4><div class="mq-summary">{summary}</div>' \
           f"</div>{notes}"


# -- ad drafts ---------------------------------------------------------------------------------------------
def check_badges(ads: AdDrafts) -> str:
    return check_badges_from_data(ads.to_dict())


def check_badges_from_data(data: dict) -> str:
    """The badges from ``AdDrafts.to_dict()`` (what the chat's ``draft_ads`` tool result carries)."""
    checks = data.get("checks") or {}
    pills = [badge(CHECK_LABELS.get(name, name), bool(checks[name].get("passed"))) for name in CHECKS
             if name in checks]
    pills.append(badge("Model-written" if data.get("model_used") else "Templates", None))
    return f'<div class="mq-badges">{"".join(pills)}</div>'


def ads_html(ads: AdDrafts) -> str:
    """The drafts grouped by format, with one badge per check and each draft's source."""
    head = (f'<div class="mq-notice mq-{"ok" if ads.passed else "warn"}"><h4>Ad drafts: {html.escape(ads.title)}'
            f'</h4><div class="mq-summary"><span>Tone: <b>{html.escape(ads.tone or "default")}</b></span>'
            f'<span>Audience: <b>{html.escape(ads.audience or "general")}</b></span>'
            f'<span>Language: <b>{html.escape(ads.language)}</b></span>'
            f'<span>Lead genre: <b>{html.escape(ads.lead_genre or "none")}</b></span></div>{check_badges(ads)}</div>')
    warnings = "".join(notice_card("Audience and tone", [w], "warn") for w in ads.warnings)
    notes = "".join(notice_card("Note", [n], "warn") for n in ads.notices)
    groups = [_draft_group(ads, fmt) for fmt in ads.formats if ads.drafts.get(fmt)]
    return f'{head}{warnings}{notes}{_key_art_strip(ads)}<div class="mq-drafts">{"".join(groups)}</div>'


def _key_art_strip(ads: AdDrafts) -> str:
    """The poster, row tile and square card as small inline thumbnails (the files are in the export list)."""
    import base64
    import io

    from PIL import Image

    cells = []
    for shape, path in ads.key_art.items():
        with Image.open(path) as image:
            thumb = image.convert("RGB")
            thumb.thumbnail((360, 240))
            buffer = io.BytesIO()
            thumb.save(buffer, format="JPEG", quality=85)
        data = base64.b64encode(buffer.getvalue()).decode()
        cells.append(f'<figure class="mq-key-art"><img alt="{html.escape(shape)} key art" '
                     f'src="data:image/jpeg;base64,{data}"><figcaption>{html.escape(shape)}</figcaption></figure>')
    return f'<div class="mq-drafts">{"".join(cells)}</div>' if cells else ""


def _draft_group(ads: AdDrafts, fmt: str) -> str:
    items = []
    for draft in ads.drafts[fmt]:
        text = html.escape(draft.text)
        body = f"<pre>{text}</pre>" if fmt in SCRIPT_FORMATS else f"<span>{text}</span>"
        items.append(f'<div class="mq-draft">{body}<span class="mq-src">{html.escape(draft.source)}</span></div>')
    wide = " mq-wide" if fmt in SCRIPT_FORMATS else ""
    return (f'<div class="mq-draft-group{wide}"><h4>{html.escape(HEADINGS.get(fmt, fmt))}</h4>'
            f'<div class="mq-draft-list">{"".join(items)}</div></div>')


def unknown_title_html(message: str, candidates: Sequence[str]) -> str:
    """The did-you-mean card for a title the catalog does not have."""
    card = notice_card("Title not found", [message], "error")
    if not candidates:
        return card
    chips = "".join(f'<span class="mq-suggest">{html.escape(name)}</span>' for name in candidates)
    return f'{card}<div class="mq-panel">Did you mean: {chips}</div>'

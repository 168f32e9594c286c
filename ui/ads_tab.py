"""The ad studio: pick a title (search as you type), tone, audience, formats -> checked drafts, exports.

Named API endpoint: ``/ads`` (title, tone, audience, formats, variants, use_model) -> (HTML, export files: Markdown,
CSV and the key-art PNGs: poster 2:3, row tile 16:9, square card).
"""

from __future__ import annotations

import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import gradio as gr

from assistant import Assistant
from knowledge.titles import Title
from tools.ads import FORMATS, MAX_VARIANTS, UnknownTitleError, export
from tools.ads.export import HEADINGS
from tools.ads.lexicon import TONES
from ui.render import ads_html, notice_card, unknown_title_html

DEFAULT_FORMATS = ["tagline", "logline", "x_post", "video_hook", "spot_15s"]
SUGGESTIONS = 8
# Below this many characters a semantic search is noise ("ja"); names are matched alone.
MIN_SEARCH_CHARS = 4


@dataclass(frozen=True)
class AdsView:
    html: str
    files: list[str] = field(default_factory=list)

    def outputs(self) -> tuple:
        return self.html, self.files or None


class AdStudio:
    """The studio's handlers: title suggestions while typing, and the drafts themselves."""

    def __init__(self, assistant: Assistant, export_root: Path | None = None):
        self.assistant = assistant
        self.export_root = export_root or Path(tempfile.gettempdir()) / "marquee-ads"

    def suggestions(self, typed: str) -> list[tuple[str, str]]:
        """Up to ``SUGGESTIONS`` (label, id) pairs: names containing what was typed first (best known
        first), then the catalog search's hits for it as a description ("shark movie")."""
        text = " ".join((typed or "").split())
        if len(text) < 2:
            return []
        needle = text.casefold()
        titles = self.assistant.catalog.search_engine.index.titles
        named = sorted((t for t in titles if needle in t.title.casefold()),
                       key=lambda t: (not t.title.casefold().startswith(needle), -(t.critic_review_count or 0)))
        found: dict[str, Title] = {t.id: t for t in named[:SUGGESTIONS]}
        if len(found) < SUGGESTIONS and len(text) >= MIN_SEARCH_CHARS:
            for hit in self.assistant.search(text, k=SUGGESTIONS):
                found.setdefault(hit.title.id, hit.title)
        return [(t.label, t.id) for t in list(found.values())[:SUGGESTIONS]]

    def suggest(self, key_up: gr.KeyUpData) -> gr.Dropdown:
        return gr.Dropdown(choices=self.suggestions(key_up.input_value))

    def draft(self, title: str, tone: str, audience: str, formats: list[str], variants: float,
              use_model: bool) -> AdsView:
        if not formats:
            return AdsView(notice_card("Pick at least one format", ["Tick the formats to write, e.g. Taglines."]))
        # A folder per request: two sessions drafting the same title must not overwrite each other's files.
        folder = Path(tempfile.mkdtemp(prefix="ads-", dir=_ensure(self.export_root)))
        try:
            ads = self.assistant.ad_drafts(title or "", formats=formats, tone=tone or "", audience=audience or "",
                                           variants=int(variants or 3), use_model=bool(use_model),
                                           key_art_dir=folder / "key_art")
        except UnknownTitleError as error:
            return AdsView(unknown_title_html(str(error), [t.label for t in error.candidates[:5]]))
        except ValueError as error:  # a bad format or variant count from an API caller
            return AdsView(notice_card("Cannot write those drafts", [str(error)], "error"))
        return AdsView(ads_html(ads), [*(str(p) for p in export(ads, folder)), *ads.key_art.values()])


    def ads(self, title: str, tone: str, audience: str, formats: list[str], variants: float,
            use_model: bool) -> tuple:
        """The ``/ads`` event handler (its parameter names are the API's)."""
        return self.draft(title, tone, audience, formats, variants, use_model).outputs()


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def ads_tab(assistant: Assistant) -> None:
    """Lay out the studio inside the current ``gr.Tab``."""
    studio = AdStudio(assistant)
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, elem_classes="mq-panel"):
            title = gr.Dropdown(choices=[], value=None, allow_custom_value=True, filterable=True, label="Title",
                                info="Type a name or a description; pick a match", elem_id="mq-ads-title")
            with gr.Row():
                tone = gr.Dropdown([("Auto (from the genres)", ""), *sorted(TONES)], value="",
                                   allow_custom_value=True, label="Tone")
                audience = gr.Textbox(label="Audience", placeholder="families, horror fans…")
            formats = gr.CheckboxGroup([(HEADINGS[f], f) for f in FORMATS], value=DEFAULT_FORMATS, label="Formats")
            with gr.Row():
                variants = gr.Slider(1, MAX_VARIANTS, value=3, step=1, label="Variants per format")
                use_model = gr.Checkbox(value=True, label="Write with the chat model",
                                        info="Off: instant template drafts")
            write = gr.Button("📣 Write drafts", variant="primary", elem_id="mq-ads-generate")
        with gr.Column(scale=3):
            result = gr.HTML(elem_id="mq-ads-result")
            files = gr.File(label="Export: Markdown, CSV and key art (PNG)", file_count="multiple",
                            elem_id="mq-ads-files")
    title.key_up(studio.suggest, None, title, queue=False, show_progress="hidden", api_visibility="private",
                 trigger_mode="always_last")
    write.click(studio.ads, [title, tone, audience, formats, variants, use_model], [result, files], api_name="ads")

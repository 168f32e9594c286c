"""Ad drafts for marketers: grounded, length-checked, spoiler-safe copy in every format they use.

>>> ads = draft_ads(catalog.search_engine, "write ad copy for Jaws aimed at families", llm=chat_model)
>>> ads.texts("tagline"), ads.checks["spoilers"].passed, ads.to_dict()

Formats: tagline, logline, X post, Instagram caption, short-video hook, 15 s and 30 s spot scripts, search-ad
headlines and descriptions, and a key-art prompt. Each draft passes four checks (length, grounding in the catalog
record, spoilers, brand safety) or is repaired or replaced by a template draft built from the record; the result
says which. ``llm=None`` writes template drafts only: instant and deterministic.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from langchain_core.language_models import BaseChatModel

from knowledge.titles import Title
from tools.ads.brief import audience_in, tone_in
from tools.ads.export import export, to_csv, to_markdown
from tools.ads.facts import Facts
from tools.ads.formats import FORMAT_GROUPS, FORMATS, LIMITS
from tools.ads.key_art.for_title import key_art_for
from tools.ads.pipeline import MAX_VARIANTS, AdWriter
from tools.ads.plot_elements import plot_elements
from tools.ads.resolve import TitleFinder, UnknownTitleError
from tools.ads.result import AdDrafts, CheckOutcome, Draft
from tools.search.engine import CatalogSearch

__all__ = [
    "FORMATS", "FORMAT_GROUPS", "LIMITS", "MAX_VARIANTS", "AdDrafts", "AdWriter", "CheckOutcome", "Draft",
    "TitleFinder", "UnknownTitleError", "agent_draft_ads", "draft_ads", "export", "finder_for", "to_csv",
    "to_markdown",
]

TitleSource = CatalogSearch | Sequence[Title] | TitleFinder
# A few finders, by the identity of the title list they index: building one for 17k titles takes a moment.
_FINDERS: list[tuple[object, TitleFinder]] = []
_MAX_FINDERS = 2


def finder_for(source: TitleSource) -> TitleFinder:
    """A (cached) ``TitleFinder`` over a search engine's catalog or a list of titles."""
    if isinstance(source, TitleFinder):
        return source
    # The catalog mirror is replaced on re-ingest, so its identity keys the cache.
    key: object = source.index if isinstance(source, CatalogSearch) else source
    for cached_key, finder in _FINDERS:
        if cached_key is key:
            return finder
    finder = TitleFinder.from_engine(source) if isinstance(source, CatalogSearch) else TitleFinder(list(source))
    _FINDERS.insert(0, (key, finder))
    del _FINDERS[_MAX_FINDERS:]
    return finder


def draft_ads(source: TitleSource, title: str, *, llm: BaseChatModel | None = None,
              formats: Iterable[str] | str | None = None, tone: str = "", audience: str = "", variants: int = 3,
              language: str = "English", brief: str = "", key_art_dir: str | Path | None = None,
              image_renderer: Any = None) -> AdDrafts:
    """Ad drafts for ``title``: a catalog id, a name ("Heat 1995"), or a request that names one.

    ``key_art_dir`` also draws the poster, row tile and square card there (``.key_art`` lists them), painted by
    ``image_renderer`` (a storyboard ``DiffusionRenderer``) when given, else procedurally.
    Raises ``UnknownTitleError`` (with did-you-mean candidates) when no catalog title is meant, and
    ``ValueError`` for an unknown format or a variant count outside 1-10. Model mistakes never raise.
    """
    finder = finder_for(source)
    found = finder.find(title)
    request = " ".join(filter(None, [found.brief, brief]))
    tone = tone or (tone_in(found.brief) if found.brief else "")
    audience = audience or (audience_in(found.brief) if found.brief else "")
    leads = finder.leads(found.title)
    ads = AdWriter(llm).write(found.title, formats=formats, tone=tone, audience=audience, variants=variants,
                              language=language, brief=request, notices=filter(None, [found.notice]), leads=leads)
    if key_art_dir is not None:
        threat = plot_elements(Facts.from_title(found.title, leads)).threat
        key_art_for(ads, found.title, key_art_dir, image_renderer, leads=leads, threat=threat)
    return ads


def agent_draft_ads(source: TitleSource, title: str, tone: str = "", audience: str = "",
                    llm: BaseChatModel | None = None,
                    export_dir: str | Path | None = None) -> tuple[str, dict[str, Any]]:
    """For the chat agent's ``draft_ads`` tool: short text for the model, and the full result as data.

    Never raises for an unknown title (the text says so, with did-you-mean). ``llm=None`` keeps the turn fast
    (template drafts only); ``export_dir`` also writes the Markdown and CSV files, listed in ``data["files"]``.
    """
    try:
        ads = draft_ads(source, title, llm=llm, tone=tone, audience=audience, variants=2,
                        key_art_dir=Path(export_dir) / "key_art" if export_dir else None)
    except UnknownTitleError as error:
        names = [t.label for t in error.candidates[:3]]
        return (f"{error} Tell the user; do not write ads for a title that is not in the catalog.",
                {"query": title, "found": False, "candidates": names})
    lines = [f"Ad drafts for {ads.title}, pitched as a {ads.lead_genre} (tone: {ads.tone}; all checks passed: "
             f"{ads.passed}):"]
    lines += [f"Warning: {w}" for w in ads.warnings]
    for fmt in ("tagline", "logline", "x_post", "video_hook"):
        lines += [f"- {fmt}: {text}" for text in ads.texts(fmt)[:2]]
    lines += [f"Note: {n}" for n in ads.notices]
    lines.append("The full set (spots, search ads, key art images) goes to the user with this result; present these "
                 "lines as drafts for review.")
    files = [str(path) for path in export(ads, export_dir)] if export_dir else []
    files += list(ads.key_art.values())
    return "\n".join(lines), {"query": title, "found": True, **ads.to_dict(), "files": files}

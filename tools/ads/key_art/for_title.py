"""Key art for a set of ad drafts: the copy from the checked drafts, credits from the record, the look from the
lead genre and the tone the drafts were written in. The image model is the storyboard renderer's, from the same
settings (``MARQUEE_IMAGE_MODEL``); without one the backgrounds are drawn procedurally."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from knowledge.titles import Title
from tools.ads.key_art.compose import KeyArt, draw_key_art
from tools.ads.lead_genre import COPY_NAMES, GENRE_WORDS
from tools.ads.result import AdDrafts

log = logging.getLogger(__name__)
CREDITED_STARS = 3


def credits_line(title: Title, leads: list[str] | None = None) -> str:
    """"Directed by … · Starring … · 1975 · PG": only what the record has."""
    stars = (leads if leads is not None else title.cast)[:CREDITED_STARS]
    parts = [f"Directed by {', '.join(title.directors[:2])}" if title.directors else "",
             f"Starring {', '.join(stars)}" if stars else "", str(title.year or ""), title.maturity_rating]
    return "  ·  ".join(p for p in parts if p)


def genre_name(word: str) -> str:
    """"animated comedy" -> "Comedy"; "science fiction" -> "Science Fiction" (the palette's key)."""
    word = word.removeprefix("animated ").strip()
    for genre, name in COPY_NAMES.items():
        if name == word:
            return genre
    return next((g for g, words in GENRE_WORDS.items() if word in words), word.title())


def key_art_for(ads: AdDrafts, title: Title, folder: Path | str, renderer: Any = None,
                leads: list[str] | None = None, threat: str = "") -> dict[str, str]:
    """Draws the poster, row tile and square card for ``ads`` into ``folder``; sets and returns ``ads.key_art``.

    A renderer that fails (out of memory, a broken model) costs the painted backgrounds, not the art: the
    procedural ones take over and a notice says so.
    """
    taglines = ads.texts("tagline")
    # The title is already the treatment: a tagline that does not repeat it reads better under it.
    tagline = next((t for t in taglines if not t.lower().startswith(title.title.lower())), next(iter(taglines), ""))
    art = KeyArt(title.id, title.title, tagline, credits_line(title, leads),
                 genre_name(ads.lead_genre), ads.template_tone or ads.tone, ads.key_art_prompt or title.title, threat)
    try:
        paths = draw_key_art(art, Path(folder), renderer)
    except Exception as error:  # noqa: BLE001 - the image model is optional; its failure must not cost the art
        if renderer is None:
            raise
        log.warning("Key-art image model failed, drawing procedurally: %s", error)
        ads.notices.append(f"The image model failed ({type(error).__name__}); key art is drawn procedurally.")
        paths = draw_key_art(art, Path(folder), None)
    ads.key_art = {shape: str(path) for shape, path in paths.items()}
    return ads.key_art


def image_renderer(settings: Any) -> Any:
    """The storyboard's diffusion renderer for ``settings`` when an image model is configured, else None."""
    from tools.storyboard.diffusion import DiffusionRenderer, check_model_source, default_image_model

    model = default_image_model(getattr(settings, "image_model", ""), getattr(settings, "device", "auto"))
    if not model:
        return None
    check_model_source(model)
    return DiffusionRenderer(model, getattr(settings, "device", "auto"))

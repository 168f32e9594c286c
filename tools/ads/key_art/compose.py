"""Composing key art: background, title treatment, tagline and credits block, inside each shape's safe area.

Safe areas follow the usual delivery specs: a poster keeps type 6% in from every edge; a row tile keeps it in
the left 60% (the right side sits under the row's focus and badges) and 8% from the edges; a square social card
keeps 8%. Type is fitted to the safe box (shrunk, then wrapped), never cut.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image, ImageDraw, ImageFilter, ImageFont

from tools.ads.key_art.backgrounds import background
from tools.storyboard.draw import font
from tools.storyboard.files import provenance, safe_slug, save_png

PROCEDURAL_MODEL = "marquee-key-art (procedural drawing, no image model)"


@dataclass(frozen=True)
class Shape:
    name: str
    size: tuple[int, int]
    #: The safe box as fractions of width and height: (left, top, right, bottom).
    safe: tuple[float, float, float, float]


SHAPES = (
    Shape("poster", (800, 1200), (0.06, 0.06, 0.94, 0.94)),
    Shape("tile", (1280, 720), (0.08, 0.1, 0.6, 0.9)),
    Shape("square", (1080, 1080), (0.08, 0.08, 0.92, 0.92)),
)


@dataclass(frozen=True)
class KeyArt:
    """What goes on the art: copy from the checked drafts, the record's credits, the look."""

    title_id: str
    title: str
    tagline: str
    credits: str
    genre: str
    tone: str
    prompt: str
    threat: str = ""


def draw_key_art(art: KeyArt, folder: Path, renderer: Any = None) -> dict[str, Path]:
    """The three shapes as PNGs in ``folder``; ``renderer`` (a storyboard ``DiffusionRenderer``) paints the
    backgrounds, else they are drawn procedurally. Returns {shape name: path}."""
    seed = zlib.crc32(art.title_id.encode()) % 2**31
    paths: dict[str, Path] = {}
    for shape in SHAPES:
        ai = renderer is not None
        back = _painted(renderer, art.prompt, seed, shape.size) if ai else \
            background(art.genre, art.tone, shape.size, seed, art.threat)
        image = compose(back, art, shape)
        chunks = provenance(model=renderer.model if ai else PROCEDURAL_MODEL, seed=seed, prompt=art.prompt,
                            ai_generated=ai, extra={"title_id": art.title_id, "shape": shape.name,
                                                    "tagline": art.tagline})
        path = folder / f"{safe_slug(art.title, default='title')}_{shape.name}.png"
        paths[shape.name] = save_png(image, path, chunks)
    return paths


def _painted(renderer: Any, prompt: str, seed: int, size: tuple[int, int]) -> Image.Image:
    """The model's background at its working size (long side 512, multiples of 8), scaled to the shape."""
    long_side = renderer.options.long_side
    scale = long_side / max(size)
    multiple = renderer.size_multiple
    work = tuple(max(multiple, round(s * scale / multiple) * multiple) for s in size)
    image = renderer.render_with_retries(prompt, seed, work)
    return image.convert("RGB").resize(size, Image.Resampling.LANCZOS)


def compose(back: Image.Image, art: KeyArt, shape: Shape) -> Image.Image:
    """Type over ``back``: title treatment, tagline and credits in the safe box, on a scrim for legibility."""
    image = back.convert("RGB").resize(shape.size)
    w, h = shape.size
    box = (shape.safe[0] * w, shape.safe[1] * h, shape.safe[2] * w, shape.safe[3] * h)
    _scrim(image, box, shape)
    draw = ImageDraw.Draw(image)
    width = box[2] - box[0]
    title_face, title_lines = _fit(art.title.upper(), width, start=round(h * 0.12), bold=True, max_lines=3)
    tag_face, tag_lines = _fit(art.tagline, width, start=round(h * 0.045), bold=False, max_lines=2)
    credit_face, credit_lines = _fit(art.credits.upper(), width, start=round(h * 0.026), bold=False, max_lines=3)
    # The title sits in the lower half of a poster (the image carries the top), mid-left on a tile.
    title_height = _height(title_lines, title_face)
    top = box[1] + (box[3] - box[1]) * (0.5 if shape.name == "poster" else 0.2)
    y = _lines(draw, title_lines, title_face, box[0], top, width, shape, (255, 255, 255))
    y = _lines(draw, tag_lines, tag_face, box[0], y + title_height * 0.08, width, shape, (235, 225, 200))
    credit_top = box[3] - _height(credit_lines, credit_face)
    _lines(draw, credit_lines, credit_face, box[0], max(y + 8, credit_top), width, shape, (200, 200, 200))
    return image


def _scrim(image: Image.Image, box: tuple[float, float, float, float], shape: Shape) -> None:
    """A soft dark band behind the type: legible over any background."""
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    d = ImageDraw.Draw(layer)
    w, h = image.size
    if shape.name == "tile":
        d.rectangle((0, 0, box[2] + w * 0.05, h), fill=(0, 0, 0, 120))
    else:
        d.rectangle((0, box[1] + (box[3] - box[1]) * 0.4, w, h), fill=(0, 0, 0, 130))
    layer = layer.filter(ImageFilter.GaussianBlur(min(w, h) / 12))
    image.paste(layer, (0, 0), layer)


def _fit(text: str, width: float, start: int, bold: bool, max_lines: int) -> tuple[ImageFont.ImageFont, list[str]]:
    """The largest face (from ``start`` down) at which ``text`` wraps into ``max_lines`` lines of ``width``."""
    size = max(10, start)
    while True:
        face = font(size, bold=bold)
        lines = _wrap(text, face, width)
        if (len(lines) <= max_lines and all(face.getlength(line) <= width for line in lines)) or size <= 10:
            return face, lines
        size = max(10, round(size * 0.9))


def _wrap(text: str, face: ImageFont.ImageFont, width: float) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and face.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _height(lines: list[str], face: ImageFont.ImageFont) -> float:
    return len(lines) * _line_height(face)


def _line_height(face: ImageFont.ImageFont) -> float:
    top, bottom = face.getbbox("ÅGjy")[1::2]
    return (bottom - top) * 1.2


def _lines(draw: ImageDraw.ImageDraw, lines: list[str], face: ImageFont.ImageFont, left: float, top: float,
           width: float, shape: Shape, fill: tuple[int, int, int]) -> float:
    """Draws ``lines`` (centred on poster and square, left-aligned on a tile); returns the y below them."""
    y = top
    for line in lines:
        x = left if shape.name == "tile" else left + (width - face.getlength(line)) / 2
        draw.text((x + 2, y + 2), line, font=face, fill=(0, 0, 0))
        draw.text((x, y), line, font=face, fill=fill)
        y += _line_height(face)
    return y

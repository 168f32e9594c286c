"""Procedural key-art backgrounds: a gradient in the lead genre's colours, lit by the tone, with the genre's motif.

Deterministic per seed; no model, no files. Motifs are shapes a designer would block out first (a fin in dark
water, a desert sun, a starfield and a planet, rain on a city skyline), not illustrations.
"""

from __future__ import annotations

import random
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFilter

RGB = tuple[int, int, int]
# (top, bottom, accent) per lead genre.
PALETTES: dict[str, tuple[RGB, RGB, RGB]] = {
    "Horror": ((8, 10, 12), (40, 52, 38), (170, 190, 120)),
    "Thriller": ((6, 18, 40), (10, 60, 90), (200, 40, 40)),
    "Science Fiction": ((4, 4, 20), (30, 20, 70), (90, 200, 255)),
    "Fantasy": ((30, 10, 60), (90, 60, 140), (250, 210, 120)),
    "Western": ((250, 150, 60), (120, 50, 20), (255, 230, 150)),
    "War": ((50, 48, 42), (110, 100, 80), (220, 120, 50)),
    "Crime": ((10, 12, 20), (40, 44, 60), (230, 190, 80)),
    "Mystery": ((15, 20, 35), (60, 70, 90), (200, 200, 220)),
    "Comedy": ((255, 200, 40), (255, 110, 60), (40, 120, 230)),
    "Romance": ((250, 170, 180), (180, 90, 120), (255, 230, 180)),
    "Action": ((30, 20, 20), (200, 80, 20), (255, 200, 80)),
    "Adventure": ((90, 150, 200), (40, 90, 60), (250, 220, 140)),
    "Drama": ((60, 50, 45), (150, 120, 90), (250, 220, 170)),
    "Musical": ((40, 10, 60), (150, 30, 90), (255, 230, 150)),
    "Documentary": ((90, 80, 60), (170, 150, 120), (240, 230, 210)),
    "Family": ((120, 200, 255), (255, 220, 120), (255, 100, 100)),
    "Sport": ((20, 60, 30), (60, 140, 70), (255, 255, 255)),
}
PALETTES["Biography"] = PALETTES["History"] = PALETTES["Documentary"]
PALETTES["Animation"] = PALETTES["Family"]
PALETTES["Music"] = PALETTES["Musical"]
DEFAULT = ((25, 25, 35), (80, 80, 100), (230, 210, 160))
# Tones that lighten or darken the genre's colours.
TONE_LIGHT = {"playful": 1.25, "funny": 1.25, "romantic": 1.1, "heartfelt": 1.05, "epic": 1.0, "nostalgic": 0.95,
              "prestige": 0.9, "thrilling": 0.9, "dark": 0.7}


def background(genre: str, tone: str, size: tuple[int, int], seed: int, threat: str = "") -> Image.Image:
    """A background of ``size`` for the lead ``genre`` and ``tone``; ``threat`` picks a plot motif (a shark)."""
    top, bottom, accent = PALETTES.get(genre, DEFAULT)
    light = TONE_LIGHT.get(tone, 1.0)
    image = _gradient(size, _lit(top, light), _lit(bottom, light))
    rng = random.Random(seed)
    motif = MOTIFS.get(genre, _glow)
    if "shark" in threat:
        motif = _fin
    motif(image, accent, rng)
    return _vignette(image, 0.55 if tone == "dark" or genre == "Horror" else 0.35)


def _lit(colour: RGB, light: float) -> RGB:
    return tuple(max(0, min(255, round(c * light))) for c in colour)  # type: ignore[return-value]


def _gradient(size: tuple[int, int], top: RGB, bottom: RGB) -> Image.Image:
    w, h = size
    column = Image.new("RGB", (1, h))
    for y in range(h):
        t = y / max(1, h - 1)
        column.putpixel((0, y), tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)))
    return column.resize((w, h))


def _vignette(image: Image.Image, strength: float) -> Image.Image:
    w, h = image.size
    mask = Image.new("L", (w, h), 0)
    ImageDraw.Draw(mask).ellipse((-w * 0.2, -h * 0.15, w * 1.2, h * 1.15), fill=255)
    mask = mask.filter(ImageFilter.GaussianBlur(min(w, h) / 6))
    dark = Image.new("RGB", (w, h), (0, 0, 0))
    return Image.composite(image, Image.blend(image, dark, strength), mask)


def _overlay(image: Image.Image, draw_on: Callable[[ImageDraw.ImageDraw, int, int], None], blur: float = 0) -> None:
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw_on(ImageDraw.Draw(layer), *image.size)
    if blur:
        layer = layer.filter(ImageFilter.GaussianBlur(blur))
    image.paste(layer, (0, 0), layer)


def _glow(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        r = min(w, h) * 0.45
        d.ellipse((w / 2 - r, h * 0.35 - r, w / 2 + r, h * 0.35 + r), fill=(*accent, 90))
    _overlay(image, draw, blur=min(image.size) / 8)


def _fin(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    """Dark water with a single fin cutting the surface: the shark film's poster grammar."""
    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        sea = h * 0.5
        d.rectangle((0, sea, w, h), fill=(2, 12, 30, 200))
        for n in range(14):
            y = sea + (h - sea) * (n / 14) ** 1.5
            d.line((0, y, w, y + rng.uniform(-4, 4)), fill=(120, 170, 210, 40), width=2)
        x = w * rng.uniform(0.35, 0.6)
        fin = h * 0.11
        d.polygon([(x, sea - fin), (x + fin * 0.75, sea + 2), (x - fin * 0.2, sea + 2)], fill=(10, 14, 20, 255))
        d.ellipse((w * 0.4, h * 0.08, w * 0.6, h * 0.08 + w * 0.2), fill=(*accent, 60))
    _overlay(image, draw)


def _stars(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        for _ in range(w * h // 2500):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.choice((1, 1, 1, 2))
            d.ellipse((x - r, y - r, x + r, y + r), fill=(255, 255, 255, rng.randint(90, 255)))
        r = min(w, h) * 0.3
        d.ellipse((w * 0.7 - r, h * 0.3 - r, w * 0.7 + r, h * 0.3 + r), fill=(*accent, 110))
    _overlay(image, draw)


def _desert(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        r = min(w, h) * 0.16
        d.ellipse((w / 2 - r, h * 0.42 - r, w / 2 + r, h * 0.42 + r), fill=(*accent, 230))
        points = [(0, h * 0.6)] + [(x, h * (0.55 + rng.uniform(-0.04, 0.03))) for x in range(0, w + 1, max(1, w // 8))]
        d.polygon([*points, (w, h), (0, h)], fill=(60, 25, 10, 255))
    _overlay(image, draw)


def _skyline(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        x = 0.0
        while x < w:
            bw, bh = rng.uniform(w * 0.05, w * 0.12), rng.uniform(h * 0.15, h * 0.45)
            d.rectangle((x, h * 0.75 - bh, x + bw, h), fill=(5, 6, 10, 255))
            for _ in range(int(bh // 30)):
                wx, wy = rng.uniform(x + 4, x + bw - 8), rng.uniform(h * 0.75 - bh + 6, h * 0.75)
                d.rectangle((wx, wy, wx + 4, wy + 6), fill=(*accent, 160))
            x += bw + rng.uniform(2, 10)
        for _ in range(w // 6):
            rx, ry = rng.uniform(0, w), rng.uniform(0, h)
            d.line((rx, ry, rx - 6, ry + 30), fill=(200, 210, 230, 50), width=1)
    _overlay(image, draw)


def _door(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        dw, dh = w * 0.22, h * 0.42
        d.rectangle((w / 2 - dw / 2, h * 0.5 - dh / 2, w / 2 + dw / 2, h * 0.5 + dh / 2), fill=(*accent, 120))
        d.ellipse((w / 2 - dw * 0.12, h * 0.5 - dh * 0.1, w / 2 + dw * 0.12, h * 0.5 + dh / 2),
                  fill=(0, 0, 0, 230))
    _overlay(image, draw, blur=3)


def _peaks(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        for layer, shade in enumerate((90, 60, 30)):
            base = h * (0.55 + layer * 0.12)
            points = [(x, base - rng.uniform(0, h * 0.18)) for x in range(0, w + 1, max(1, w // 6))]
            d.polygon([(0, h), *points, (w, h)], fill=(shade // 3, shade // 2, shade // 2, 255))
    _overlay(image, draw)


def _confetti(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    colours = ((255, 255, 255), accent, (255, 80, 120), (80, 220, 140))

    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        for _ in range(120):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(4, 14)
            d.ellipse((x - r, y - r, x + r, y + r), fill=(*rng.choice(colours), 150))
    _overlay(image, draw)


def _bokeh(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        for _ in range(40):
            x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(min(w, h) * 0.03, min(w, h) * 0.1)
            d.ellipse((x - r, y - r, x + r, y + r), fill=(*accent, 70))
    _overlay(image, draw, blur=6)


def _smoke(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        for _ in range(30):
            x, y, r = rng.uniform(0, w), rng.uniform(h * 0.3, h), rng.uniform(w * 0.1, w * 0.3)
            d.ellipse((x - r, y - r / 2, x + r, y + r / 2), fill=(200, 190, 170, 40))
        d.rectangle((0, h * 0.8, w, h), fill=(20, 18, 14, 255))
    _overlay(image, draw, blur=12)


def _spotlight(image: Image.Image, accent: RGB, rng: random.Random) -> None:
    def draw(d: ImageDraw.ImageDraw, w: int, h: int) -> None:
        d.polygon([(w * 0.45, 0), (w * 0.55, 0), (w * 0.8, h), (w * 0.2, h)], fill=(*accent, 80))
    _overlay(image, draw, blur=10)


MOTIFS: dict[str, Callable[[Image.Image, RGB, random.Random], None]] = {
    "Horror": _door, "Thriller": _skyline, "Crime": _skyline, "Mystery": _skyline, "Science Fiction": _stars,
    "Fantasy": _stars, "Western": _desert, "War": _smoke, "Comedy": _confetti, "Family": _confetti,
    "Animation": _confetti, "Romance": _bokeh, "Drama": _bokeh, "Adventure": _peaks, "Action": _smoke,
    "Musical": _spotlight, "Music": _spotlight, "Sport": _spotlight,
}

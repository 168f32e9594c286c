"""Light and weather over a drawn set: the night grade with its practical lights, rain, fire and dust.

Night is drawn the way a board artist tones it: the whole set pushed to a dark blue-grey, then the practicals
(lit windows, street lamps) put back warm, and the figures drawn on top as silhouettes. Rain is streaks over
the frame; fire is flames and glow; a collapse or blast leaves a dust cloud rolling along the ground.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from PIL import Image, ImageChops, ImageDraw

from tools.storyboard.draw import INK, PAPER, PENCIL, mix

NIGHT_TINT = (66, 76, 108)
WARM_LIGHT = (252, 214, 140)
FLAME = (236, 120, 46)


@dataclass
class Lights:
    """Practical lights the set recorded while it was drawn, lit after the night grade."""

    windows: list[list[tuple[float, float]]] = field(default_factory=list)
    lamps: list[tuple[float, float, float]] = field(default_factory=list)  # x, y, radius in pixels
    flames: list[tuple[float, float, float]] = field(default_factory=list)


def grade_night(image: Image.Image) -> None:
    """Darken ``image`` in place to a moonlit blue-grey (multiply, so lines stay lines)."""
    image.paste(ImageChops.multiply(image, Image.new("RGB", image.size, NIGHT_TINT)))


def light_practicals(image: Image.Image, lights: Lights) -> None:
    """Warm windows and lamp pools, added after the grade so they glow against it."""
    draw = ImageDraw.Draw(image)
    for polygon in lights.windows:
        if len(polygon) >= 3:
            draw.polygon(polygon, fill=WARM_LIGHT)
    glow = Image.new("RGBA", image.size, (0, 0, 0, 0))
    halo = ImageDraw.Draw(glow)
    for x, y, r in lights.lamps:
        for step in range(6, 0, -1):  # a soft pool: wider rings, fainter
            radius = r * (1 + step * 1.6)
            halo.ellipse((x - radius, y - radius, x + radius, y + radius), fill=(*WARM_LIGHT, 22))
        halo.ellipse((x - r, y - r, x + r, y + r), fill=(*WARM_LIGHT, 255))
    image.paste(Image.alpha_composite(image.convert("RGBA"), glow).convert("RGB"))


def draw_rain(draw: ImageDraw.ImageDraw, size: tuple[int, int], seed: int, stroke: float, night: bool) -> None:
    """Slanted streaks over the whole frame."""
    w, h = size
    rng = random.Random(seed)
    color = mix(PAPER, PENCIL, 0.55) if not night else (150, 160, 186)
    for _ in range(int(w * h / 2200)):
        x, y = rng.uniform(-0.1 * w, w), rng.uniform(0, h)
        length = rng.uniform(0.03, 0.07) * h
        draw.line([(x, y), (x + length * 0.25, y + length)], fill=color, width=max(1, round(stroke * 0.6)))


def draw_flames(draw: ImageDraw.ImageDraw, base: tuple[float, float], height: float, seed: int) -> None:
    """Tongues of flame rising from ``base`` (pixels), ``height`` pixels tall."""
    rng = random.Random(seed)
    x0, y0 = base
    for k in range(7):
        cx = x0 + (k - 3) * height * 0.16 + rng.uniform(-0.05, 0.05) * height
        tall = height * rng.uniform(0.45, 1.0)
        half = height * 0.11
        draw.polygon([(cx - half, y0), (cx - half * 0.3, y0 - tall * 0.6), (cx + rng.uniform(-half, half),
                      y0 - tall), (cx + half * 0.4, y0 - tall * 0.55), (cx + half, y0)], fill=FLAME, outline=INK)
        draw.polygon([(cx - half * 0.45, y0), (cx, y0 - tall * 0.5), (cx + half * 0.45, y0)], fill=WARM_LIGHT)


def dust_billows(rng: random.Random, count: int, spread_x: tuple[float, float], z_range: tuple[float, float],
                 heights: tuple[float, float]) -> list[tuple[float, float, float, float]]:
    """Points of a dust cloud in metres: (x, y, z, radius)."""
    return [(rng.uniform(*spread_x), rng.uniform(*heights), rng.uniform(*z_range), rng.uniform(0.9, 2.4))
            for _ in range(count)]

"""Drawing primitives for the blocking sketches: palette, fonts, limbs, arrows and the figure.

Coordinates are pixels on the (supersampled) canvas. Figures are measured in head heights (``unit``), the way
figure drawing is taught: a standing adult is about eight heads tall.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from PIL import ImageDraw, ImageFont

PAPER = (250, 248, 243)
INK = (34, 35, 40)
PENCIL = (120, 124, 134)
GUIDE = (158, 182, 206)  # blue construction pencil: horizon, perspective, safe area
SKY_NIGHT = (226, 228, 234)
ACCENT = (206, 58, 48)  # camera moves, red as on paper boards
TONES = ((112, 118, 130), (168, 174, 184), (86, 92, 104), (196, 198, 204))

Point = tuple[float, float]

_FONT_FILES = {
    False: ("DejaVuSans.ttf", "LiberationSans-Regular.ttf", "Arial.ttf", "Helvetica.ttc"),
    True: ("DejaVuSans-Bold.ttf", "LiberationSans-Bold.ttf", "Arial Bold.ttf", "Arialbd.ttf"),
}
_FONT_DIRS = ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype/liberation", "/usr/share/fonts",
              "/Library/Fonts", "/System/Library/Fonts", "C:/Windows/Fonts")


@lru_cache(maxsize=64)
def font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A clean sans-serif: DejaVu or Liberation where installed, else Pillow's bundled scalable font."""
    for name in _FONT_FILES[bold]:
        for folder in _FONT_DIRS:
            path = Path(folder) / name
            if path.is_file():
                return ImageFont.truetype(str(path), size)
    return ImageFont.load_default(size=size)


def text_width(text: str, face: ImageFont.ImageFont) -> float:
    return face.getlength(text)


def wrap(text: str, face: ImageFont.ImageFont, width: float, max_lines: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels; the last line ends in an ellipsis when text is left over."""
    words, lines, current = text.split(), [], ""
    for word in words:
        trial = f"{current} {word}".strip()
        if text_width(trial, face) <= width or not current:
            current = trial
            continue
        lines.append(current)
        current = word
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", face) > width:
            last = last[:-1]
        lines[-1] = last.rstrip(" ,.;") + "…"
    return lines


def limb(draw: ImageDraw.ImageDraw, points: list[Point], width: float, fill: tuple[int, ...]) -> None:
    """A thick polyline with round caps and joints (PIL lines have square ends)."""
    draw.line(points, fill=fill, width=max(1, round(width)), joint="curve")
    radius = width / 2
    for x, y in points:
        draw.ellipse((x - radius, y - radius, x + radius, y + radius), fill=fill)


def arrow(draw: ImageDraw.ImageDraw, points: list[Point], width: float, fill: tuple[int, ...],
          head: float | None = None) -> None:
    """A polyline ending in a solid arrowhead."""
    head = head or width * 4
    (x0, y0), (x1, y1) = points[-2], points[-1]
    angle = math.atan2(y1 - y0, x1 - x0)
    base = (x1 - head * 0.8 * math.cos(angle), y1 - head * 0.8 * math.sin(angle))
    limb(draw, [*points[:-1], base], width, fill)
    left = (x1 - head * math.cos(angle - 0.45), y1 - head * math.sin(angle - 0.45))
    right = (x1 - head * math.cos(angle + 0.45), y1 - head * math.sin(angle + 0.45))
    draw.polygon([(x1, y1), left, right], fill=fill)


def hollow_arrow(draw: ImageDraw.ImageDraw, start: Point, end: Point, width: float, outline: float) -> None:
    """A subject-movement arrow: outlined and paper-filled, so it reads apart from the red camera arrows."""
    arrow(draw, [start, end], width + 2 * outline, INK, head=(width + 2 * outline) * 2.6)
    angle = math.atan2(end[1] - start[1], end[0] - start[0])
    inset = (end[0] - outline * 2.2 * math.cos(angle), end[1] - outline * 2.2 * math.sin(angle))
    arrow(draw, [start, inset], width, PAPER, head=width * 2.6)


def dashed(draw: ImageDraw.ImageDraw, start: Point, end: Point, fill: tuple[int, ...], width: int,
           dash: float) -> None:
    length = math.dist(start, end)
    steps = max(1, int(length // (dash * 2)))
    for i in range(steps + 1):
        a, b = i * 2 * dash / length, min((i * 2 + 1) * dash / length, 1.0)
        if a >= 1:
            break
        draw.line([_lerp(start, end, a), _lerp(start, end, b)], fill=fill, width=width)


def _lerp(a: Point, b: Point, t: float) -> Point:
    return (a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t)


def boxes_overlap(a: tuple[float, ...], b: tuple[float, ...], pad: float) -> bool:
    """Whether two (left, top, right, bottom) boxes come within ``pad`` of each other."""
    return a[0] < b[2] + pad and b[0] < a[2] + pad and a[1] < b[3] + pad and b[1] < a[3] + pad


def mix(color: tuple[int, ...], other: tuple[int, ...], t: float) -> tuple[int, ...]:
    """``color`` moved ``t`` of the way to ``other`` (atmospheric perspective fades far things to paper)."""
    return tuple(round(c + (o - c) * t) for c, o in zip(color, other, strict=True))


@dataclass(frozen=True)
class Look:
    """What a figure drawing can show of a character's description."""

    hair: str = "short"  # short | long | bald | ponytail | curly
    dark_hair: bool = True
    hood: bool = False

    @classmethod
    def from_text(cls, text: str) -> Look:
        lowered = text.lower()
        hair = next((style for style, words in (("bald", ("bald", "shaved")), ("ponytail", ("ponytail", "bun")),
                                                 ("curly", ("curly", "afro", "curls")), ("long", ("long",)))
                     if any(w in lowered for w in words)), "short")
        light = re.search(r"\b(blond|blonde|grey|gray|white|silver|platinum)\b", lowered) is not None
        return cls(hair=hair, dark_hair=not light, hood=bool(re.search(r"\bhood(ie|ed)?\b", lowered)))


@dataclass(frozen=True)
class Pose:
    """Joint positions of a figure in head units, origin at the top of the head, x toward where it faces."""

    shoulders: tuple[Point, Point]
    hips: tuple[Point, Point]
    arms: tuple[list[Point], list[Point]]
    legs: tuple[list[Point], list[Point]]
    lean: float = 0.0

    @classmethod
    def standing(cls) -> Pose:
        return cls(shoulders=((-0.98, 1.62), (0.98, 1.62)), hips=((-0.58, 3.9), (0.58, 3.9)),
                   arms=([(-0.82, 1.8), (-1.1, 2.95), (-1.02, 4.1)], [(0.82, 1.8), (1.1, 2.95), (1.02, 4.1)]),
                   legs=([(-0.42, 3.8), (-0.46, 5.9), (-0.44, 7.7)], [(0.42, 3.8), (0.46, 5.9), (0.44, 7.7)]))

    @classmethod
    def running(cls) -> Pose:
        return cls(shoulders=((-0.85, 1.62), (0.9, 1.55)), hips=((-0.5, 3.9), (0.5, 3.9)),
                   arms=([(-0.7, 1.8), (-1.25, 2.9), (-0.75, 3.6)], [(0.75, 1.75), (1.35, 2.7), (1.75, 2.0)]),
                   legs=([(-0.35, 3.8), (-0.9, 5.5), (-1.75, 6.6)], [(0.35, 3.8), (1.2, 5.2), (0.95, 7.2)]),
                   lean=0.45)


def figure(draw: ImageDraw.ImageDraw, top: Point, unit: float, tone: tuple[int, ...], *, facing: int = 1,
           pose: Pose | None = None, look: Look | None = None, face: bool = False, mood: str = "neutral") -> None:
    """A person seen from the front-ish: ink outline pass first, tone pass on top, so only the edge stays ink."""
    pose, look = pose or Pose.standing(), look or Look()
    x0, y0 = top
    outline = min(max(1.5, unit * 0.07), 2.5 + unit * 0.012)  # heavy enough to read, never a cartoon border

    def at(p: Point, lean: bool = True) -> Point:
        # Leaning rotates the upper body forward about the hips; x is mirrored for figures facing left.
        shift = pose.lean * max(0.0, 3.9 - p[1]) / 3.9 if lean else 0.0
        return (x0 + facing * (p[0] + shift) * unit, y0 + p[1] * unit)

    (lx, ly), (rx, ry) = pose.shoulders
    # Neck to shoulders slopes like a trapezius, then the shoulder rounds into the arm.
    torso = [at((-0.22, 1.05)), at((lx * 0.85, ly - 0.12)), at((lx, ly + 0.18)), at(pose.hips[0]),
             at(pose.hips[1]), at((rx, ry + 0.18)), at((rx * 0.85, ry - 0.12)), at((0.22, 1.05))]
    head_c = at((0, 0.5))
    head = (head_c[0] - 0.4 * unit, head_c[1] - 0.5 * unit, head_c[0] + 0.4 * unit, head_c[1] + 0.5 * unit)
    neck = [at((0, 0.9)), at((0, 1.5))]
    limbs = [([at(p) for p in arm], 0.42 * unit) for arm in pose.arms]
    limbs += [([at(p, lean=False) for p in leg], 0.55 * unit) for leg in pose.legs]
    hair_tone = INK if look.dark_hair else mix(tone, PAPER, 0.55)
    for color, grow in ((INK, outline), (tone, 0.0)):
        if look.hair == "long" or look.hood:
            back = (head[0] - 0.12 * unit - grow, head[1] + 0.2 * unit - grow, head[2] + 0.12 * unit + grow,
                    head[3] + 0.75 * unit + grow)
            draw.rounded_rectangle(back, radius=0.35 * unit, fill=color if grow else hair_tone)
        for points, width in limbs:
            limb(draw, points, width + 2 * grow, color)
        limb(draw, neck, 0.34 * unit + 2 * grow, color)
        draw.polygon(torso, fill=color)
        if grow:
            draw.line([*torso, torso[0]], fill=color, width=round(2 * grow), joint="curve")
        draw.ellipse((head[0] - grow, head[1] - grow, head[2] + grow, head[3] + grow), fill=color)
    _hair(draw, head, unit, look, hair_tone, facing)
    if face:
        _face(draw, head, unit, facing, outline, mood)


def _hair(draw: ImageDraw.ImageDraw, head: tuple[float, ...], unit: float, look: Look, tone: tuple[int, ...],
          facing: int) -> None:
    if look.hair == "bald":
        return
    if look.hair == "curly":
        for i in range(5):
            cx = head[0] + (0.1 + i * 0.15) * unit
            r = 0.16 * unit
            draw.ellipse((cx - r, head[1] - r * 0.6, cx + r, head[1] + r * 1.4), fill=tone)
        return
    draw.chord((head[0], head[1], head[2], head[3] - 0.25 * unit), start=180, end=360, fill=tone)
    if look.hair == "ponytail":
        tail_x = head[0] if facing > 0 else head[2]
        draw.ellipse((tail_x - 0.2 * unit, head[1] + 0.25 * unit, tail_x + 0.2 * unit, head[1] + 0.75 * unit),
                     fill=tone)


def _face(draw: ImageDraw.ImageDraw, head: tuple[float, ...], unit: float, facing: int, outline: float,
          mood: str = "neutral") -> None:
    """Eyes, brows, nose and mouth: only drawn where the head is big enough to read them. No smile: a board
    does not know the scene's emotion beat by beat, so the mouth is neutral, or open with raised inner brows
    in a tense scene (a disaster, a fight)."""
    cx = (head[0] + head[2]) / 2 + facing * 0.07 * unit
    eye_y = head[1] + 0.52 * unit
    width = max(1, round(outline * 0.6))
    for side in (-1, 1):
        ex = cx + side * 0.15 * unit
        draw.ellipse((ex - 0.06 * unit, eye_y - 0.025 * unit, ex + 0.06 * unit, eye_y + 0.025 * unit), fill=INK)
        if mood == "tense":  # brows pulled up toward the middle: fear, effort
            inner, outer = ex - side * 0.08 * unit, ex + side * 0.09 * unit
            draw.line([(outer, eye_y - 0.08 * unit), (inner, eye_y - 0.15 * unit)], fill=INK, width=width)
        else:
            draw.line([(ex - 0.09 * unit, eye_y - 0.11 * unit), (ex + 0.09 * unit, eye_y - 0.11 * unit)], fill=INK,
                      width=width)
    nose_x = cx + facing * 0.03 * unit
    draw.line([(nose_x, eye_y + 0.06 * unit), (nose_x + facing * 0.04 * unit, eye_y + 0.2 * unit),
               (nose_x - facing * 0.01 * unit, eye_y + 0.22 * unit)], fill=PENCIL, width=width, joint="curve")
    mouth_y = eye_y + 0.3 * unit
    if mood == "tense":
        draw.ellipse((cx - 0.06 * unit, mouth_y - 0.03 * unit, cx + 0.06 * unit, mouth_y + 0.05 * unit), fill=INK)
    else:
        draw.line([(cx - 0.09 * unit, mouth_y), (cx + 0.09 * unit, mouth_y)], fill=INK, width=width)

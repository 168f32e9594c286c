"""Overhead shots drawn as a plan: the set from above, figures as heads and shoulders with cast shadows."""

from __future__ import annotations

import random

from PIL import ImageDraw

from tools.storyboard.coverage import stable_seed
from tools.storyboard.draw import GUIDE, INK, PAPER, PENCIL, dashed, mix
from tools.storyboard.overlay import Marker
from tools.storyboard.schema import Shot
from tools.storyboard.sets import FACADE_X, STREET_HALF_WIDTH, SetInfo
from tools.storyboard.subjects import Subject

# Metres of ground across the frame at each shot size.
SPAN_M = {"ELS": 90.0, "LS": 26.0, "MLS": 13.0, "MS": 7.0, "MCU": 4.5, "CU": 3.0, "ECU": 1.6}


def draw_plan(draw: ImageDraw.ImageDraw, shot: Shot, subjects: list[Subject], info: SetInfo,
              size: tuple[int, int], stroke: float) -> list[Marker]:
    w, h = size
    ppm = w / SPAN_M[shot.size]
    origin = (w * (1 / 3 if shot.number % 2 else 2 / 3), h * 0.55)  # the main subject, in pixels

    def to_px(x: float, z: float) -> tuple[float, float]:
        return origin[0] + x * ppm, origin[1] - z * ppm

    rng = random.Random(stable_seed(info.seed, shot.number, "plan"))
    if info.kind == "street":
        _street_plan(draw, to_px, ppm, w, h, info, rng, stroke)
    else:
        _grid(draw, w, h, ppm, origin, stroke, room=info.kind == "room")
    return _figures(draw, subjects, to_px, ppm, rng, info, stroke)


def _street_plan(draw, to_px, ppm: float, w: int, h: int, info: SetInfo, rng: random.Random, stroke: float) -> None:
    offset = 1.5  # the subject walks the left lane
    left, right = to_px(offset - STREET_HALF_WIDTH, 0)[0], to_px(offset + STREET_HALF_WIDTH, 0)[0]
    draw.rectangle((left, 0, right, h), fill=mix(PAPER, PENCIL, 0.14))
    for x in (left, right):
        draw.line([(x, 0), (x, h)], fill=PENCIL, width=max(1, round(stroke)))
    center = to_px(offset, 0)[0]
    dashed(draw, (center, 0), (center, h), mix(PAPER, PENCIL, 0.5), max(1, round(stroke)), dash=stroke * 8)
    for side in (-1, 1):
        edge = to_px(offset + side * FACADE_X, 0)[0]
        y = -rng.uniform(0, 10) * ppm
        while y < h:
            length = rng.uniform(9, 20) * ppm
            outer = edge + side * 30 * ppm
            box = (min(edge, outer), y, max(edge, outer), y + length)
            draw.rectangle(box, fill=mix(PAPER, PENCIL, 0.3), outline=INK, width=max(1, round(stroke * 1.4)))
            draw.line([(box[0], box[1]), (box[2], box[3])], fill=PENCIL, width=max(1, round(stroke)))
            y += length + rng.uniform(0.3, 1.5) * ppm
    if "collapse" in info.effects and w / ppm > 20:  # rubble reads at street scale, not in a close plan
        for _ in range(40):
            x = to_px(offset + rng.uniform(-FACADE_X, FACADE_X), 0)[0]
            y = rng.uniform(0.1, 0.6) * h
            r = min(rng.uniform(0.4, 2.2) * ppm, 0.05 * w)
            draw.ellipse((x - r, y - r, x + r, y + r), fill=mix(PAPER, PENCIL, 0.22), outline=PENCIL)


def _grid(draw: ImageDraw.ImageDraw, w: int, h: int, ppm: float, origin: tuple[float, float], stroke: float,
          room: bool) -> None:
    step = max(ppm, 12.0)
    x = origin[0] % step
    while x < w:
        draw.line([(x, 0), (x, h)], fill=mix(PAPER, GUIDE, 0.5), width=1)
        x += step
    y = origin[1] % step
    while y < h:
        draw.line([(0, y), (w, y)], fill=mix(PAPER, GUIDE, 0.5), width=1)
        y += step
    if room:
        wall = (origin[0] - 4.5 * ppm, origin[1] - 6 * ppm, origin[0] + 4.5 * ppm, origin[1] + 2.5 * ppm)
        draw.rectangle(wall, outline=INK, width=max(2, round(stroke * 4)))
        table = (origin[0] + 1.2 * ppm, origin[1] - 2.5 * ppm, origin[0] + 2.6 * ppm, origin[1] - 1.1 * ppm)
        draw.rectangle(table, fill=mix(PAPER, PENCIL, 0.25), outline=INK, width=max(1, round(stroke * 1.4)))


def _figures(draw: ImageDraw.ImageDraw, subjects: list[Subject], to_px, ppm: float, rng: random.Random,
             info: SetInfo, stroke: float) -> list[Marker]:
    markers = []
    running = "run" in info.effects
    for i, subject in enumerate(subjects):
        if subject.kind in ("structure", "prop"):
            continue
        spots = [(0.0, 0.0)] if i == 0 else [(1.3 * i, 0.9 * i)]
        if subject.kind == "group":
            spots += [(rng.uniform(-3, 5), rng.uniform(-2, 6)) for _ in range(4)]
        for x, z in spots:
            cx, cy = to_px(x, z)
            if subject.kind == "vehicle":
                _car_top(draw, cx, cy, ppm, subject.tone, stroke)
                continue
            _person_top(draw, cx, cy, ppm, subject, stroke)
            unit = 0.22 * ppm
            markers.append(Marker(cx, cy - 3.2 * unit, unit, 1, subject.name if subject.kind == "person" else None,
                                  running))
    return markers


def _person_top(draw: ImageDraw.ImageDraw, cx: float, cy: float, ppm: float, subject: Subject,
                stroke: float) -> None:
    """Shoulders, arms and head seen from above, the nose showing which way the figure faces."""
    width = max(1, round(stroke * 1.5))
    shadow = (cx + 0.18 * ppm, cy + 0.14 * ppm)
    draw.ellipse((shadow[0] - 0.3 * ppm, shadow[1] - 0.14 * ppm, shadow[0] + 0.3 * ppm, shadow[1] + 0.14 * ppm),
                 fill=mix(PAPER, PENCIL, 0.3))
    for side in (-1, 1):  # forearms reaching forward
        arm = (cx + side * 0.3 * ppm, cy - 0.02 * ppm)
        draw.ellipse((arm[0] - 0.07 * ppm, arm[1] - 0.2 * ppm, arm[0] + 0.07 * ppm, arm[1] + 0.06 * ppm),
                     fill=subject.tone, outline=INK, width=width)
    draw.ellipse((cx - 0.3 * ppm, cy - 0.1 * ppm, cx + 0.3 * ppm, cy + 0.1 * ppm), fill=subject.tone,
                 outline=INK, width=width)
    hair = INK if subject.look.dark_hair else mix(subject.tone, PAPER, 0.5)
    draw.polygon([(cx - 0.04 * ppm, cy - 0.12 * ppm), (cx + 0.04 * ppm, cy - 0.12 * ppm), (cx, cy - 0.17 * ppm)],
                 fill=INK)
    draw.ellipse((cx - 0.09 * ppm, cy - 0.13 * ppm, cx + 0.09 * ppm, cy + 0.05 * ppm), fill=hair, outline=INK,
                 width=width)


def _car_top(draw: ImageDraw.ImageDraw, cx: float, cy: float, ppm: float, tone: tuple[int, ...],
             stroke: float) -> None:
    body = (cx - 0.9 * ppm, cy - 2.2 * ppm, cx + 0.9 * ppm, cy + 2.2 * ppm)
    draw.rounded_rectangle(body, radius=0.4 * ppm, fill=tone, outline=INK, width=max(1, round(stroke * 1.5)))
    draw.rectangle((cx - 0.7 * ppm, cy - 1.1 * ppm, cx + 0.7 * ppm, cy + 0.6 * ppm), fill=mix(tone, PAPER, 0.4),
                   outline=INK, width=max(1, round(stroke)))

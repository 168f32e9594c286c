"""What a board artist writes over the drawing: frame lines, shot number, spec, camera and subject arrows.

Drawn at the final resolution, after the art is scaled down, so type and arrows stay crisp.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

from PIL import Image, ImageDraw

from tools.storyboard.draw import (
    ACCENT,
    GUIDE,
    INK,
    PAPER,
    PENCIL,
    arrow,
    boxes_overlap,
    dashed,
    font,
    hollow_arrow,
)
from tools.storyboard.schema import Shot


@dataclass(frozen=True)
class Marker:
    """Where a drawn subject ended up: top of its head, its head height in pixels, the way it faces."""

    x: float
    y: float
    unit: float
    facing: int
    label: str | None
    moving: bool

    def scaled(self, factor: float) -> Marker:
        return replace(self, x=self.x * factor, y=self.y * factor, unit=self.unit * factor)

    def shifted(self, dx: float, dy: float) -> Marker:
        return replace(self, x=self.x + dx, y=self.y + dy)

    def rotated(self, degrees: float, center: tuple[float, float]) -> Marker:
        # PIL rotates counter-clockwise on screen (y down), so the point turns by -degrees in maths terms.
        a = math.radians(-degrees)
        dx, dy = self.x - center[0], self.y - center[1]
        return replace(self, x=center[0] + dx * math.cos(a) - dy * math.sin(a),
                       y=center[1] + dx * math.sin(a) + dy * math.cos(a))


def annotate_frame(image: Image.Image, shot: Shot, markers: list[Marker]) -> None:
    draw = ImageDraw.Draw(image)
    w, h = image.size
    scale = min(w, h) / 432
    _safe_area(draw, w, h, scale)
    labels: list[tuple[float, float, float, float]] = []  # names already written, so no two collide
    for index, marker in enumerate(markers):
        _marker(draw, replace(marker, moving=marker.moving and index == 0), w, h, scale, labels)
    _camera_move(draw, shot, w, h, scale, markers[0].facing if markers else 1)
    _badge(draw, shot, scale)
    _spec_tag(draw, shot, w, scale)
    draw.rectangle((0, 0, w - 1, h - 1), outline=INK, width=max(2, round(2 * scale)))


def _safe_area(draw: ImageDraw.ImageDraw, w: int, h: int, scale: float) -> None:
    inset, tick = 0.05, 14 * scale
    x0, y0, x1, y1 = w * inset, h * inset, w * (1 - inset), h * (1 - inset)
    for (x, y), (dx, dy) in (((x0, y0), (1, 1)), ((x1, y0), (-1, 1)), ((x0, y1), (1, -1)), ((x1, y1), (-1, -1))):
        draw.line([(x + dx * tick, y), (x, y), (x, y + dy * tick)], fill=GUIDE, width=max(1, round(scale)))


def _marker(draw: ImageDraw.ImageDraw, marker: Marker, w: int, h: int, scale: float,
            labels: list[tuple[float, float, float, float]]) -> None:
    if marker.moving and marker.unit < h * 0.2:
        length = max(22 * scale, marker.unit * 3.0)
        y = marker.y + marker.unit * 3.2
        start = (marker.x + marker.facing * marker.unit * 2.4, y)  # clear of the outstretched arm
        end = (start[0] + marker.facing * length, y)
        if 0 < end[0] < w and 0 < y < h:
            hollow_arrow(draw, start, end, max(3.0, 4 * scale), max(1.0, scale))
    if marker.label and marker.unit < h * 0.16 and 0.08 * h < marker.y < h * 0.9 and 0 < marker.x < w:
        face = font(max(9, round(10 * scale)), bold=True)
        text = marker.label.upper()[:18]
        box = _free_label_box(draw.textbbox((0, 0), text, font=face), marker, scale, labels)
        if box is not None:  # figures packed too tight for another name: leave it out rather than overprint
            labels.append(box)
            draw.text((box[0], box[1]), text, font=face, fill=PENCIL)


def _free_label_box(size: tuple[float, float, float, float], marker: Marker, scale: float,
                    labels: list[tuple[float, float, float, float]]) -> tuple[float, float, float, float] | None:
    """Above the head, stepping further up while it would overlap a name already written."""
    width, height = size[2] - size[0], size[3] - size[1]
    pad = 3 * scale
    for step in range(4):
        x, y = marker.x - width / 2, marker.y - 16 * scale - step * (height + 2 * pad)
        box = (x, y, x + width, y + size[3])
        if y > 0 and not any(boxes_overlap(box, other, pad) for other in labels):
            return box
    return None


def _camera_move(draw: ImageDraw.ImageDraw, shot: Shot, w: int, h: int, scale: float, facing: int) -> None:
    width = max(3.0, 4.5 * scale)
    label_face = font(max(9, round(11 * scale)), bold=True)
    if shot.movement == "pan":
        y = h * 0.2
        xs = (w * 0.3, w * 0.7) if facing > 0 else (w * 0.7, w * 0.3)
        arrow(draw, [(xs[0], y), (xs[1], y)], width, ACCENT)
        _label(draw, "PAN", (min(xs) + 4 * scale, y + 8 * scale), label_face)
    elif shot.movement == "tilt":
        x = w * 0.92
        ys = (h * 0.7, h * 0.3) if shot.angle != "high" else (h * 0.3, h * 0.7)
        arrow(draw, [(x, ys[0]), (x, ys[1])], width, ACCENT)
        _label(draw, "TILT UP" if ys[1] < ys[0] else "TILT DOWN", (x - 70 * scale, h * 0.5), label_face)
    elif shot.movement == "dolly":
        _dolly(draw, w, h, scale, width, label_face)
    elif shot.movement == "handheld":
        x0, y0 = w * 0.07, h * 0.86
        zigzag = [(x0 + i * 7 * scale, y0 + (5 * scale if i % 2 else -5 * scale)) for i in range(9)]
        draw.line(zigzag, fill=ACCENT, width=max(2, round(2.5 * scale)), joint="curve")
        _label(draw, "HANDHELD", (zigzag[-1][0] + 8 * scale, y0 - 7 * scale), label_face)
    elif shot.movement == "crane":
        cx, cy, r = w * 0.9, h * 0.9, h * 0.32
        points = [(cx + r * math.cos(math.radians(a)), cy - r * math.sin(math.radians(a))) for a in range(185, 95, -8)]
        arrow(draw, points, width, ACCENT)
        _label(draw, "CRANE UP", (cx - r - 4 * scale, cy - 20 * scale), label_face)


def _dolly(draw: ImageDraw.ImageDraw, w: int, h: int, scale: float, width: float, face) -> None:
    """The end frame as a dashed rectangle, with arrows from the corners: the board convention for a push in."""
    inner = (w * 0.2, h * 0.2, w * 0.8, h * 0.8)
    corners = [(inner[0], inner[1]), (inner[2], inner[1]), (inner[2], inner[3]), (inner[0], inner[3])]
    for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
        dashed(draw, a, b, ACCENT, max(2, round(2 * scale)), dash=9 * scale)
    outer = [(w * 0.07, h * 0.09), (w * 0.93, h * 0.09), (w * 0.93, h * 0.91), (w * 0.07, h * 0.91)]
    for (ox, oy), (ix, iy) in zip(outer, corners, strict=True):
        arrow(draw, [(ox, oy), (ox + (ix - ox) * 0.8, oy + (iy - oy) * 0.8)], width * 0.8, ACCENT)
    _label(draw, "DOLLY IN", (inner[0] + 6 * scale, inner[3] - 20 * scale), face)


def _label(draw: ImageDraw.ImageDraw, text: str, at: tuple[float, float], face) -> None:
    x, y = at
    box = draw.textbbox((x, y), text, font=face)
    draw.rounded_rectangle((box[0] - 4, box[1] - 3, box[2] + 4, box[3] + 3), radius=3, fill=PAPER)
    draw.text((x, y), text, font=face, fill=ACCENT)


def _badge(draw: ImageDraw.ImageDraw, shot: Shot, scale: float) -> None:
    face = font(max(12, round(20 * scale)), bold=True)
    text = str(shot.number)
    pad = 8 * scale
    box = draw.textbbox((0, 0), text, font=face)
    size = max(box[2] - box[0], box[3] - box[1]) + 2 * pad
    x0 = y0 = 10 * scale
    draw.rounded_rectangle((x0, y0, x0 + size, y0 + size), radius=6 * scale, fill=INK)
    draw.text((x0 + size / 2, y0 + size / 2), text, font=face, fill=PAPER, anchor="mm")


def _spec_tag(draw: ImageDraw.ImageDraw, shot: Shot, w: int, scale: float) -> None:
    face = font(max(9, round(12 * scale)), bold=True)
    text = f"{shot.size}  ·  {shot.angle.upper()}  ·  {shot.lens_mm}MM"
    box = draw.textbbox((0, 0), text, font=face)
    pad = 6 * scale
    x1, y0 = w - 10 * scale, 10 * scale
    x0 = x1 - (box[2] - box[0]) - 2 * pad
    y1 = y0 + (box[3] - box[1]) + 2 * pad
    draw.rounded_rectangle((x0, y0, x1, y1), radius=5 * scale, fill=PAPER, outline=INK, width=max(1, round(scale)))
    draw.text(((x0 + x1) / 2, (y0 + y1) / 2), text, font=face, fill=INK, anchor="mm")


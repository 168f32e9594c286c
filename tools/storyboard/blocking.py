"""The scene's overhead blocking plan: subjects on the action line, and every shot's camera with its field of view.

Drawn from the same shot list as the frames: the camera of each shot stands on its side of the 180° line
(``Shot.side``), as far from the subjects as its size needs, and its wedge opens as wide as its lens.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw

from tools.storyboard.camera import SENSOR_WIDTH_MM
from tools.storyboard.continuity import Finding
from tools.storyboard.draw import ACCENT, GUIDE, INK, PAPER, PENCIL, boxes_overlap, dashed, font, mix, wrap
from tools.storyboard.schema import Bible, Shot

# Metres from the subjects at each size (a plan, not a survey: enough to read the coverage).
DISTANCE_M = {"ELS": 14.0, "LS": 10.0, "MLS": 8.0, "MS": 6.5, "MCU": 5.0, "CU": 4.0, "ECU": 3.0}
SIZE = (1200, 900)
PPM = 24.0  # pixels per metre


def field_of_view(lens_mm: int) -> float:
    """Horizontal angle of view in radians on a full-frame sensor."""
    return 2 * math.atan(SENSOR_WIDTH_MM / (2 * lens_mm))


def subject_spots(bible: Bible) -> list[tuple[str, float]]:
    """Each character's place along the action line, in metres from the centre."""
    names = [c.name for c in bible.characters] or ["subject"]
    gap = 2.2
    return [(name, (i - (len(names) - 1) / 2) * gap) for i, name in enumerate(names)]


def camera_spot(shot: Shot, index: int, count: int) -> tuple[float, float, float]:
    """(x, y, heading) of the shot's camera in metres: y > 0 (below the line on the plan) is side A, y < 0 side
    B; it looks at the subjects. An overhead camera stands on the line."""
    distance = DISTANCE_M[shot.size]
    spread = (index - (count - 1) / 2) / max(1, count - 1)  # fan the cameras out along their side
    x = spread * 16.0
    y = distance * (-1 if shot.side == "B" else 1)
    if shot.angle == "overhead":
        return x, 0.0, 0.0 if x < 0 else math.pi
    return x, y, math.atan2(-y, -x)


def draw_blocking_plan(shots: Sequence[Shot], bible: Bible, findings: Sequence[Finding], path: Path,
                       title: str) -> Path:
    image = Image.new("RGB", SIZE, PAPER)
    draw = ImageDraw.Draw(image)
    w, h = SIZE
    cx, cy = w * 0.5, h * 0.45

    def px(x: float, y: float) -> tuple[float, float]:
        return cx + x * PPM, cy + y * PPM

    for k, line in enumerate(wrap(f"Overhead plan: {title}", font(22, bold=True), w - 48, 2)):
        draw.text((24, 16 + 28 * k), line, font=font(22, bold=True), fill=INK)
    dashed(draw, (30, cy), (w - 30, cy), ACCENT, 3, dash=14)
    draw.text((34, cy - 26), "180° action line", font=font(15), fill=ACCENT)
    draw.text((34, cy + 12 * PPM), "side A (cameras stay here)", font=font(15, bold=True), fill=PENCIL)
    draw.text((34, cy - 12 * PPM), "side B (across the line)", font=font(15, bold=True), fill=PENCIL)
    crossed = {n for f in findings if f.kind == "line_cross" for n in f.shots[1:]}
    # Every wedge first, then the cameras and their labels, so no later wedge covers an earlier label.
    for marks in (False, True):
        for index, shot in enumerate(shots):
            _camera(draw, shot, index, len(shots), px, shot.number in crossed, marks)
    spots = [(name[:18], px(x, 0)) for name, x in subject_spots(bible)]
    for _name, (sx, sy) in spots:
        draw.ellipse((sx - 14, sy - 14, sx + 14, sy + 14), fill=mix(PAPER, PENCIL, 0.5), outline=INK, width=3)
    face = font(15, bold=True)
    for name, box in label_boxes(spots, lambda text: draw.textbbox((0, 0), text, font=face)):
        draw.rectangle((box[0] - 3, box[1] - 2, box[2] + 3, box[3] + 2), fill=PAPER)  # readable over a wedge
        left, top, _, _ = draw.textbbox((0, 0), name, font=face)
        draw.text((box[0] - left, box[1] - top), name, font=face, fill=INK)
    _findings(draw, findings, w, h)
    image.save(path)
    return path


def label_boxes(spots: Sequence[tuple[str, tuple[float, float]]], measure) -> list[tuple[str, tuple]]:
    """A box for each subject's name, centred under (or over) its mark, in the first row where it collides with
    no other name: subjects 2.2 m apart are closer than "survivors" is wide."""
    placed: list[tuple[str, tuple]] = []
    for name, (sx, sy) in spots:
        left, top, right, bottom = measure(name)
        width, height = right - left, bottom - top
        for row in range(8):
            # Rows alternate below and above the mark, each further out: 18 px clears the mark itself.
            offset = 18 + (row // 2) * (height + 8)
            y = sy + offset if row % 2 == 0 else sy - offset - height
            box = (sx - width / 2, y, sx + width / 2, y + height)
            if not any(boxes_overlap(box, other, pad=6) for _, other in placed):
                break
        placed.append((name, box))
    return placed


def _camera(draw: ImageDraw.ImageDraw, shot: Shot, index: int, count: int, px, crossed: bool, marks: bool) -> None:
    x, y, heading = camera_spot(shot, index, count)
    half = field_of_view(shot.lens_mm) / 2
    reach = DISTANCE_M[shot.size] * 0.9
    color = ACCENT if crossed else INK
    origin = px(x, y)
    left = px(x + reach * math.cos(heading - half), y + reach * math.sin(heading - half))
    right = px(x + reach * math.cos(heading + half), y + reach * math.sin(heading + half))
    if not marks:
        draw.polygon([origin, left, right], fill=mix(PAPER, GUIDE, 0.35) if not crossed else mix(PAPER, ACCENT, 0.2))
        draw.line([origin, left], fill=color, width=2)
        draw.line([origin, right], fill=color, width=2)
        return
    body = 10
    draw.rectangle((origin[0] - body, origin[1] - body, origin[0] + body, origin[1] + body), fill=color)
    draw.text((origin[0] - 8, origin[1] - 9), str(shot.number), font=font(14, bold=True), fill=PAPER)
    draw.text((origin[0] + 14, origin[1] + 4), f"{shot.size} {shot.lens_mm}mm", font=font(12), fill=PENCIL)


def _findings(draw: ImageDraw.ImageDraw, findings: Sequence[Finding], w: int, h: int) -> None:
    face = font(15)
    lines = [f"! {f.message}" for f in findings] or ["Continuity: no line crossings, no direction flips, "
                                                     "coverage complete."]
    y = h - 24 - 20 * min(6, sum(len(wrap(t, face, w - 60, 2)) for t in lines))
    for text in lines[:6]:
        for line in wrap(text, face, w - 60, 2):
            draw.text((30, y), line, font=face, fill=ACCENT if findings else PENCIL)
            y += 20

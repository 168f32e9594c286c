"""Blocking sketches: each shot drawn as a previs artist would, with no image model.

The set and the figures are placed in metres and seen through the shot's camera (``camera.py``); an overhead
shot is drawn as a plan. ``annotate=False`` leaves out the shot number, the spec and the arrows: that version
guides an image model (image-to-image), which would otherwise paint the arrows and the type into the frame.
"""

from __future__ import annotations

import math
import random

from PIL import Image, ImageDraw

from tools.storyboard.camera import CLOSE_SIZES, DUTCH_DEGREES, HEAD_M, PERSON_M, Camera, Vec, frame_camera
from tools.storyboard.coverage import stable_seed
from tools.storyboard.draw import INK, PAPER, PENCIL, Pose, figure, mix
from tools.storyboard.light import draw_flames, draw_rain, grade_night, light_practicals
from tools.storyboard.overlay import Marker, annotate_frame
from tools.storyboard.plan_view import draw_plan
from tools.storyboard.schema import Bible, Shot
from tools.storyboard.sets import ROOM_CEILING_M, SetInfo, cloud, describe_set, draw_set
from tools.storyboard.subjects import Subject, cast

ASPECTS = {"16:9": 16 / 9, "2.39:1": 2.39, "1.85:1": 1.85, "9:16": 9 / 16, "4:3": 4 / 3, "1:1": 1.0}
SUPERSAMPLE = 2

class AspectError(ValueError):
    """An aspect ratio the storyboard cannot frame."""


def parse_aspect(aspect: str) -> tuple[str, float]:
    """``"16:9"`` -> ("16:9", 1.777...); also "2.39", "16x9"; anything else raises AspectError."""
    text = str(aspect).strip().lower().replace("x", ":").replace(" ", "")
    if text in ASPECTS:
        return text, ASPECTS[text]
    for name, ratio in ASPECTS.items():
        if text == name.split(":")[0] and name.endswith(":1"):
            return name, ratio
    raise AspectError(f"Unsupported aspect ratio {aspect!r}; use one of: {', '.join(ASPECTS)}.")


def frame_size(aspect: str, long_side: int = 768, multiple: int = 8) -> tuple[int, int]:
    """Width and height for ``aspect`` with the long side ``long_side``, both multiples of ``multiple``."""
    _, ratio = parse_aspect(aspect)
    width, height = (long_side, long_side / ratio) if ratio >= 1 else (long_side * ratio, long_side)
    return max(multiple, round(width / multiple) * multiple), max(multiple, round(height / multiple) * multiple)


def render_sketch(shot: Shot, bible: Bible, aspect: str = "16:9", long_side: int = 768, *, annotate: bool = True,
                  seed: int = 0) -> Image.Image:
    """The frame of ``shot`` as line art, ``aspect`` wide; ``seed`` fixes the set's random details."""
    width, height = frame_size(aspect, long_side)
    w, h = width * SUPERSAMPLE, height * SUPERSAMPLE
    roll = (DUTCH_DEGREES if shot.number % 2 else -DUTCH_DEGREES) if shot.angle == "dutch" else 0.0
    canvas_size = _rolled_canvas(w, h, roll)
    image = Image.new("RGB", canvas_size, PAPER)
    draw = ImageDraw.Draw(image)
    stroke = max(1.0, h / 360)
    info = describe_set(bible.location, bible.time_of_day, shot.action, seed, bible.events, bible.weather)
    subjects = cast(shot, bible)
    if shot.angle == "overhead":
        markers = draw_plan(draw, shot, subjects, info, (w, h), stroke)
        if info.night:
            grade_night(image)
    else:
        camera, feet = frame_camera(shot, w, h, canvas_size, ceiling=ROOM_CEILING_M if info.kind == "room" else None)
        draw_set(draw, camera, info, feet, stroke)
        if info.night:  # the set darkens, its practicals glow, and the figures go on top as silhouettes
            grade_night(image)
            light_practicals(image, info.lights)
        if _is_event_insert(shot, info):
            markers = [_event_detail(draw, camera, info, stroke)]
        else:
            markers = _draw_subjects(draw, camera, shot, subjects, info, feet, stroke, bible.mood)
    if "rain" in info.effects:
        draw_rain(draw, canvas_size, info.seed + shot.number, stroke, info.night)
    if roll:
        image, markers = _apply_roll(image, markers, roll, (w, h))
    image = image.reduce(SUPERSAMPLE)
    markers = [m.scaled(1 / SUPERSAMPLE) for m in markers]
    if annotate:
        annotate_frame(image, shot, markers)
    return image


def _rolled_canvas(w: int, h: int, roll: float) -> tuple[int, int]:
    if not roll:
        return w, h
    a = math.radians(abs(roll))
    return math.ceil(w * math.cos(a) + h * math.sin(a)), math.ceil(w * math.sin(a) + h * math.cos(a))


def _apply_roll(image: Image.Image, markers: list[Marker], roll: float, size: tuple[int, int]
                ) -> tuple[Image.Image, list[Marker]]:
    rotated = image.rotate(roll, resample=Image.Resampling.BICUBIC, fillcolor=PAPER)
    left, top = (image.width - size[0]) // 2, (image.height - size[1]) // 2
    center = (image.width / 2, image.height / 2)
    moved = [m.rotated(roll, center).shifted(-left, -top) for m in markers]
    return rotated.crop((left, top, left + size[0], top + size[1])), moved


def _is_event_insert(shot: Shot, info: SetInfo) -> bool:
    return shot.size == "ECU" and shot.action.lower().startswith("insert") and bool(
        info.effects & {"collapse", "smoke"})


def _event_detail(draw: ImageDraw.ImageDraw, camera: Camera, info: SetInfo, stroke: float) -> Marker:
    """The insert of a disaster: debris falling through dust (a collapse), or flames (a fire)."""
    w, h = camera.width, camera.height
    rng = random.Random(stable_seed(info.seed, "insert"))
    if "smoke" in info.effects and "collapse" not in info.effects:
        draw_flames(draw, (w * 0.5, h * 0.95), h * 0.8, info.seed)
        return Marker(w * 0.5, h * 0.2, h / 8, 1, None, False)
    billows = [((rng.uniform(0, w), rng.uniform(h * 0.35, h)), rng.uniform(0.08, 0.2) * h) for _ in range(26)]
    cloud(draw, billows, mix(PAPER, PENCIL, 0.25 if not info.night else 0.4), max(1.0, stroke * 1.4))
    for _ in range(22):
        x, y, size = rng.uniform(0, w), rng.uniform(0, h * 0.9), rng.uniform(0.02, 0.07) * h
        turn = rng.uniform(0, math.pi)
        corners = [(x + size * math.cos(turn + k * math.pi / 2), y + size * math.sin(turn + k * 1.6)) for k in range(4)]
        draw.polygon(corners, fill=mix(PENCIL, INK, 0.5), outline=INK)
        draw.line([(x, y - size * 3), (x, y - size * 1.3)], fill=PENCIL, width=max(1, round(stroke)))  # falling
    return Marker(w * 0.5, h * 0.2, h / 8, 1, None, False)


def _draw_subjects(draw: ImageDraw.ImageDraw, camera: Camera, shot: Shot, subjects: list[Subject], info: SetInfo,
                   feet: Vec, stroke: float, mood: str = "neutral") -> list[Marker]:
    main = subjects[0]
    if shot.size in CLOSE_SIZES | {"MS"} and main.kind in ("structure", "prop"):
        return [_detail(draw, camera, main, info, stroke)]
    facing = 1 if feet[0] <= 0 else -1  # look room: face the centre of the frame
    running = "run" in info.effects
    placed = _place(shot, subjects, feet, facing, info.seed)
    placed.sort(key=lambda item: -camera.depth(item[1]))  # far first: nearer figures overlap farther ones
    main_depth = camera.depth(feet)
    main_spot = min((p for _, p, _ in placed), key=lambda p: p[2], default=None)
    markers: list[Marker] = []
    for subject, position, face_dir in placed:
        fade = min(0.55, max(0.0, (camera.depth(position) - main_depth) / 25)) if subject.kind == "group" else 0.0
        marker = _draw_one(draw, camera, shot, subject, position, face_dir, running, info, stroke, fade, mood)
        if marker is None:
            continue
        # The main subject's marker goes first: only it gets a movement arrow; the others keep their labels.
        if position == main_spot:
            markers.insert(0, marker)
        else:
            markers.append(marker)
    return markers


def _place(shot: Shot, subjects: list[Subject], feet: Vec, facing: int, seed: int
           ) -> list[tuple[Subject, Vec, int]]:
    """Where each subject stands, in metres: the main one framed, the others beside and behind it."""
    rng = random.Random(stable_seed(seed, shot.number))
    x, _, z = feet
    placed: list[tuple[Subject, Vec, int]] = []
    # Structures belong to the set (the street's buildings): the first other subject is the framed one.
    for i, subject in enumerate(s for s in subjects if s.kind != "structure"):
        if i == 0:
            spot: Vec = (x, 0.0, z)
        elif subject.kind == "vehicle":
            spot = (-x * 0.5 - facing * 2.0, 0.0, z + 5.0)
        elif shot.size in CLOSE_SIZES and subject.stature < 1:
            # A child in a close two-shot is held up beside the adult, its head a little lower.
            near = z
            half_width = near * 18 / shot.lens_mm  # half the frame's width in metres at that distance
            spot = (x + half_width * (0.55 if x <= 0 else -0.55), 0.0, near)
        elif shot.size in CLOSE_SIZES:
            # The other side of the frame at the same distance: a two-shot (a centred frame puts them aside).
            spot = (-x * 0.9 if abs(x) > 0.15 else x - facing * 0.7, 0.0, z)
        else:
            spot = (x + facing * (1.2 + i * 0.9), 0.0, z + 0.8 * i)
        if subject.kind == "group":
            count = 2 if shot.size in CLOSE_SIZES else (3 if shot.size in ("MS", "MLS") else 6)
            for k in range(count):
                depth = 8.0 if shot.size == "ELS" else 2.2
                spread = (rng.uniform(-3.0, 3.0), rng.uniform(-1.0, depth)) if k else (0.0, 0.0)
                placed.append((subject, (spot[0] + spread[0], 0.0, spot[2] + spread[1]), facing))
        else:
            placed.append((subject, spot, facing if i == 0 or shot.size not in CLOSE_SIZES else -facing))
    return placed


def _draw_one(draw: ImageDraw.ImageDraw, camera: Camera, shot: Shot, subject: Subject, feet: Vec, facing: int,
              running: bool, info: SetInfo, stroke: float, fade: float, mood: str = "neutral") -> Marker | None:
    if subject.kind == "vehicle":
        return _car(draw, camera, subject, feet, facing, stroke)
    # In a close two-shot a child is held or crouched to: drawn at nearly the adult's eye line, or off frame.
    tall = PERSON_M * (max(subject.stature, 0.88) if shot.size in CLOSE_SIZES else subject.stature)
    head_top = camera.project((feet[0], tall, feet[2]))
    if head_top is None:
        return None
    unit = tall / 8 * camera.scale_at((feet[0], tall, feet[2]))
    tone = mix(subject.tone, PAPER, fade)
    if info.night:  # silhouettes against the graded set; close faces keep enough tone to read
        tone = mix(tone, INK, 0.5 if shot.size in CLOSE_SIZES else 0.75)
    pose = Pose.running() if running and shot.size not in CLOSE_SIZES else Pose.standing()
    _contact_shadow(draw, camera, feet, info.night)
    figure(draw, head_top, unit, tone, facing=facing, pose=pose, look=subject.look,
           face=unit > camera.height * 0.09, mood=mood)
    label = subject.name if subject.kind == "person" and subject.name.lower() != "figure" else None
    return Marker(head_top[0], head_top[1], unit, facing, label, running and subject.kind != "vehicle")


def _contact_shadow(draw: ImageDraw.ImageDraw, camera: Camera, feet: Vec, night: bool = False) -> None:
    """A soft ellipse on the ground: figures without one float above the street."""
    left, right = camera.project((feet[0] - 0.45, 0.0, feet[2])), camera.project((feet[0] + 0.45, 0.0, feet[2]))
    back, front = camera.project((feet[0], 0.0, feet[2] + 0.3)), camera.project((feet[0], 0.0, feet[2] - 0.3))
    if left and right and back and front:
        box = (left[0], min(back[1], front[1]), right[0], max(back[1], front[1]) + 1)
        draw.ellipse(box, fill=mix(INK, PAPER, 0.12) if night else mix(PAPER, PENCIL, 0.35))


def _car(draw: ImageDraw.ImageDraw, camera: Camera, subject: Subject, feet: Vec, facing: int,
         stroke: float) -> Marker | None:
    base = camera.project(feet)
    if base is None:
        return None
    m = camera.scale_at(feet)
    x, y = base
    length, body_h = 4.4 * m, 0.8 * m
    body = (x - length / 2, y - 0.35 * m - body_h, x + length / 2, y - 0.35 * m)
    cabin = [(x - length * 0.28, body[1]), (x - length * 0.18, body[1] - 0.6 * m),
             (x + length * 0.15, body[1] - 0.6 * m), (x + length * 0.3, body[1])]
    width = max(1, round(stroke * 1.5))
    draw.polygon(cabin, fill=mix(subject.tone, PAPER, 0.3), outline=INK, width=width)
    draw.rounded_rectangle(body, radius=0.25 * m, fill=subject.tone, outline=INK, width=width)
    for wheel_x in (x - length * 0.3, x + length * 0.3):
        r = 0.36 * m
        draw.ellipse((wheel_x - r, y - 2 * r, wheel_x + r, y), fill=INK)
    return Marker(x, body[1] - 0.6 * m, m * HEAD_M, facing, None, False)


def _detail(draw: ImageDraw.ImageDraw, camera: Camera, subject: Subject, info: SetInfo, stroke: float) -> Marker:
    """An insert or close shot of a thing: a wall of windows for a building, an outlined object for a prop."""
    w, h = camera.width, camera.height
    width = max(1, round(stroke * 1.6))
    if subject.kind == "structure":
        draw.rectangle((0, 0, w, h), fill=mix(PAPER, PENCIL, 0.12))
        cols, rows = 5, 4
        for r in range(rows):
            for c in range(cols):
                x0, y0 = (c + 0.22) * w / cols, (r + 0.2) * h / rows
                draw.rectangle((x0, y0, x0 + 0.56 * w / cols, y0 + 0.55 * h / rows),
                               fill=mix(PAPER, INK, 0.5 if info.night else 0.3), outline=INK, width=width)
        if "collapse" in info.effects:
            crack = [(w * 0.55, 0), (w * 0.5, h * 0.3), (w * 0.6, h * 0.45), (w * 0.52, h * 0.7), (w * 0.58, h)]
            draw.line(crack, fill=INK, width=width * 3, joint="curve")
        return Marker(w * 0.5, h * 0.2, h / 8, 1, subject.name, False)
    box = (w * 0.3, h * 0.28, w * 0.7, h * 0.78)
    draw.rounded_rectangle((box[0] + h * 0.03, box[1] + h * 0.04, box[2] + h * 0.03, box[3] + h * 0.04),
                           radius=h * 0.06, fill=mix(PAPER, PENCIL, 0.3))
    draw.rounded_rectangle(box, radius=h * 0.06, fill=mix(PAPER, PENCIL, 0.1), outline=INK, width=width * 2)
    return Marker(w * 0.5, box[1], h / 8, 1, subject.name, False)


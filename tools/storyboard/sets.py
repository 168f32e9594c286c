"""The set behind the figures, built in metres and projected: a street, a room or open ground, plus effects.

Which set and which effects come from plain words in the bible's location and the shot's action; the random
details (block heights, debris) come from the scene's seed, so every frame of a scene shows the same street.
"""

from __future__ import annotations

import math
import random
import re
from dataclasses import dataclass, field

from PIL import ImageDraw

from tools.storyboard.camera import Camera, Vec
from tools.storyboard.draw import GUIDE, INK, PAPER, PENCIL, SKY_NIGHT, dashed, mix
from tools.storyboard.light import Lights, draw_flames, dust_billows

_ROOM_WORDS = r"room|kitchen|office|bar|apartment|flat|bedroom|corridor|hallway|hall|interior|inside|restaurant|" \
              r"caf[eé]|lab|classroom|studio|cell|basement|attic|library|hospital ward|elevator|diner"
_OPEN_WORDS = r"beach|desert|field|forest|woods|sea|ocean|mountain|lake|river|park|meadow|countryside|prairie|" \
              r"snow|tundra|valley|hill|farm|shore|coast|space|sky|jungle"
EFFECTS = {
    "collapse": r"collaps|crumbl|topple|earthquake|rubble|cave[sd]? in|destroy|demolish",
    "explosion": r"explo|blast|bomb|detonat",
    "smoke": r"fire|burn|flame|smok|blaze",
    "rain": r"rain|storm|downpour|drizzl",
    "run": r"\brun|\bran\b|flee|fled|chase|escape|sprint|race|rush|dash",
}
STREET_HALF_WIDTH = 4.5
FACADE_X = 7.5
ROOM_CEILING_M = 3.0


@dataclass(frozen=True)
class SetInfo:
    kind: str  # "street" | "room" | "open"
    night: bool
    effects: frozenset[str]
    seed: int
    #: Practical lights found while drawing (lit after the night grade).
    lights: Lights = field(default_factory=Lights, compare=False)


# The bible's scene events (read from the whole text) that a set draws in every frame.
_EVENT_EFFECTS = {"collapse": "collapse", "explosion": "collapse", "fire": "smoke", "rain": "rain",
                  "vehicles": "vehicles"}


def describe_set(location: str, time_of_day: str, action: str, seed: int,
                 events: tuple[str, ...] | list[str] = (), weather: str = "") -> SetInfo:
    text = f"{location} {action}".lower()
    if re.search(rf"\b({_ROOM_WORDS})\b", text):
        kind = "room"
    elif re.search(rf"\b({_OPEN_WORDS})\b", text) and not re.search(r"\b(street|city|building)", text):
        kind = "open"
    else:
        kind = "street"
    night = bool(re.search(r"night|midnight|dark|moon", f"{time_of_day} {location}".lower()))
    effects = {name for name, pattern in EFFECTS.items() if re.search(pattern, action.lower())}
    effects |= {_EVENT_EFFECTS[e] for e in events if e in _EVENT_EFFECTS}
    if weather == "rain":
        effects.add("rain")
    return SetInfo(kind, night, frozenset(effects), seed)


def draw_set(draw: ImageDraw.ImageDraw, camera: Camera, info: SetInfo, focus: Vec, stroke: float) -> None:
    """Sky, ground and architecture; ``focus`` is the main subject's feet (where the action is)."""
    if info.kind == "room":
        _room(draw, camera, focus, stroke)
        return
    _sky_and_ground(draw, camera, info, stroke)
    if info.kind == "street":
        _street(draw, camera, info, focus, stroke)
    else:
        _open_ground(draw, camera, info, stroke)


def _sky_and_ground(draw: ImageDraw.ImageDraw, camera: Camera, info: SetInfo, stroke: float) -> None:
    horizon = camera.horizon_y
    w, h = camera.width, camera.height
    if info.night and horizon > 0:
        draw.rectangle((0, 0, w, min(horizon, h)), fill=SKY_NIGHT)
        gap = max(10.0, stroke * 7)
        for i in range(int((w + h) / gap) + 1):  # diagonal hatching: the classic pencil night sky
            x = i * gap
            draw.line([(x, 0), (x - min(horizon, h), min(horizon, h))], fill=mix(SKY_NIGHT, PENCIL, 0.25),
                      width=max(1, round(stroke * 0.5)))
    if 0 < horizon < h:
        draw.rectangle((0, horizon, w, h), fill=mix(PAPER, PENCIL, 0.06))
        draw.line([(0, horizon), (w, horizon)], fill=GUIDE, width=max(1, round(stroke)))


def _street(draw: ImageDraw.ImageDraw, camera: Camera, info: SetInfo, focus: Vec, stroke: float) -> None:
    far = 260.0
    road = [(-STREET_HALF_WIDTH, 0, 0.2), (STREET_HALF_WIDTH, 0, 0.2), (STREET_HALF_WIDTH, 0, far),
            (-STREET_HALF_WIDTH, 0, far)]
    _poly(draw, camera, road, mix(PAPER, PENCIL, 0.14), None, stroke)
    for x in (-STREET_HALF_WIDTH, STREET_HALF_WIDTH):
        _line(draw, camera, (x, 0, 0.2), (x, 0, far), PENCIL, stroke)
    lane = camera.segment((0, 0, 0.5), (0, 0, 60))
    if lane:
        dashed(draw, lane[0], lane[1], mix(PAPER, PENCIL, 0.5), max(1, round(stroke)), dash=stroke * 8)
    rng = random.Random(info.seed)
    collapsing = "collapse" in info.effects
    hero_side = 1 if focus[0] <= 0 else -1  # the building that falls stands across the street from the subject
    for side in (-1, 1):
        z = -4.0
        while z < far:
            length, height = rng.uniform(9, 20), rng.uniform(11, 34)
            hero = collapsing and side == hero_side and z <= focus[2] + 14 < z + length + 8
            _facade(draw, camera, side, z, z + length, height, stroke, lean=0.3 if hero else 0.0, info=info)
            if hero:
                _rubble(draw, camera, side, (z, z + length), height, rng, stroke)
            if "smoke" in info.effects and side == hero_side and z <= focus[2] + 10 < z + length + 8:
                _burning(draw, camera, side, z, height, info)
            z += length + rng.uniform(0.0, 1.5)
        _lamps(draw, camera, side * (FACADE_X - 1.1), stroke, info)
    if collapsing:
        _street_dust(draw, camera, focus, rng, stroke)


def _facade(draw: ImageDraw.ImageDraw, camera: Camera, side: int, z0: float, z1: float, height: float,
            stroke: float, lean: float, info: SetInfo) -> None:
    night = info.night
    x = side * FACADE_X
    top = x - side * lean * height  # a leaning facade tips its top over the street

    def at(v: float, z: float) -> Vec:  # v: 0 at the ground, 1 at the roof line
        return (x + (top - x) * v, height * v, z)

    _poly(draw, camera, [at(0, z0), at(0, z1), at(1, z1), at(1, z0)], mix(PAPER, PENCIL, 0.1), INK, stroke)
    if camera.depth((x, 0, z0)) > 140:
        return
    floors = max(2, int(height // 3.3))
    bays = max(2, int((z1 - z0) // 2.6))
    window = mix(PAPER, INK, 0.55) if night else mix(PAPER, PENCIL, 0.35)
    for f in range(1, floors):
        v0, v1 = (f * 3.3 - 0.2) / height, (f * 3.3 + 1.5) / height
        for b in range(bays):
            za, zb = z0 + (b + 0.3) * (z1 - z0) / bays, z0 + (b + 0.75) * (z1 - z0) / bays
            pane = [at(v0, za), at(v0, zb), at(v1, zb), at(v1, za)]
            _poly(draw, camera, pane, window, None, stroke)
            if night and not lean and (f * 7 + b * 3 + int(z0)) % 5 == 0:  # some flats have their lights on
                info.lights.windows.append(camera.polygon(pane))
    if lean:  # cracks running up the failing wall
        for za in (z0 + (z1 - z0) * 0.3, z0 + (z1 - z0) * 0.7):
            points = [at(0.1 + 0.16 * i, za + (1.2 if i % 2 else -1.2)) for i in range(6)]
            projected = [camera.project(p) for p in points]
            if all(projected):
                draw.line(projected, fill=INK, width=max(1, round(stroke * 1.4)), joint="curve")


def _rubble(draw: ImageDraw.ImageDraw, camera: Camera, side: int, span: tuple[float, float], height: float,
            rng: random.Random, stroke: float) -> None:
    """Falling chunks between the leaning wall and the street, and dust rolling out at its foot."""
    for _ in range(26):
        point = (side * rng.uniform(1.5, FACADE_X - 1), rng.uniform(1.0, height * 0.8), rng.uniform(*span))
        center = camera.project(point)
        if center is None:
            continue
        size = rng.uniform(0.3, 1.2) * camera.scale_at(point)
        turn = rng.uniform(0, math.pi)
        corners = [(center[0] + size * math.cos(turn + k * math.pi / 2), center[1] + size * math.sin(turn + k * 1.6))
                   for k in range(4)]
        draw.polygon(corners, fill=mix(PENCIL, INK, 0.4))
    billows = []
    for _ in range(22):
        point = (side * rng.uniform(2.0, FACADE_X), rng.uniform(0.3, 2.2), rng.uniform(*span))
        center = camera.project(point)
        if center is not None and camera.depth(point) > 6:
            billows.append((center, rng.uniform(0.9, 1.8) * camera.scale_at(point)))
    cloud(draw, billows, mix(PAPER, PENCIL, 0.2), max(1.0, stroke * 1.2))


def cloud(draw: ImageDraw.ImageDraw, billows: list[tuple[tuple[float, float], float]], fill: tuple[int, ...],
          edge: float) -> None:
    """Overlapping circles merged into one cloud: all outlines first, then all fills, so only the rim is inked."""
    for (x, y), r in billows:
        draw.ellipse((x - r - edge, y - r - edge, x + r + edge, y + r + edge), fill=PENCIL)
    for (x, y), r in billows:
        draw.ellipse((x - r, y - r, x + r, y + r), fill=fill)


def _burning(draw: ImageDraw.ImageDraw, camera: Camera, side: int, z: float, height: float, info: SetInfo) -> None:
    """Flames out of the lower windows of the building by the action."""
    base = camera.project((side * FACADE_X, 3.0, z + 4.0))
    if base is not None:
        tall = 4.0 * camera.scale_at((side * FACADE_X, 3.0, z + 4.0))
        draw_flames(draw, base, tall, info.seed)
        info.lights.flames.append((base[0], base[1] - tall / 2, tall))


def _street_dust(draw: ImageDraw.ImageDraw, camera: Camera, focus: Vec, rng: random.Random, stroke: float) -> None:
    """A dust cloud rolling down the street from the collapse, behind the figures at the action."""
    points = dust_billows(rng, 38, (-FACADE_X, FACADE_X), (focus[2] + 3.0, focus[2] + 30.0), (0.2, 5.0))
    billows = []
    for x, y, z, r in sorted(points, key=lambda p: -p[2]):
        center = camera.project((x, y, z))
        if center is not None:
            billows.append((center, r * camera.scale_at((x, y, z))))
    cloud(draw, billows, mix(PAPER, PENCIL, 0.16), max(1.0, stroke * 1.2))
    for _ in range(30):  # chunks on the road
        point = (rng.uniform(-STREET_HALF_WIDTH, STREET_HALF_WIDTH), 0.0, rng.uniform(focus[2] + 1, focus[2] + 14))
        center = camera.project(point)
        if center is not None:
            size = rng.uniform(0.15, 0.5) * camera.scale_at(point)
            draw.polygon([(center[0] - size, center[1]), (center[0] - size * 0.3, center[1] - size * 0.8),
                          (center[0] + size, center[1] - size * 0.2), (center[0] + size * 0.6, center[1])],
                         fill=mix(PENCIL, INK, 0.5))


def _lamps(draw: ImageDraw.ImageDraw, camera: Camera, x: float, stroke: float, info: SetInfo) -> None:
    night = info.night
    for z in range(6, 120, 18):
        foot, head = (x, 0.0, float(z)), (x, 5.5, float(z))
        pole = camera.segment(foot, head)
        if not pole or camera.depth(head) < 5:
            continue
        draw.line(pole, fill=INK, width=max(1, round(stroke * 1.2)))
        lamp = camera.project((x - math.copysign(0.8, x), 5.5, float(z)))
        if lamp is None:
            continue
        draw.line([pole[1], lamp], fill=INK, width=max(1, round(stroke * 1.2)))
        r = max(2.0, 0.28 * camera.scale_at(head))
        if r > camera.height * 0.015:  # a lamp right over the camera only clutters the frame's edge
            continue
        if night:
            info.lights.lamps.append((lamp[0], lamp[1], r))
        draw.ellipse((lamp[0] - r, lamp[1] - r, lamp[0] + r, lamp[1] + r), fill=PAPER, outline=INK,
                     width=max(1, round(stroke)))


def _open_ground(draw: ImageDraw.ImageDraw, camera: Camera, info: SetInfo, stroke: float) -> None:
    tone = mix(PAPER, GUIDE, 0.6)
    for x in range(-60, 61, 6):
        _line(draw, camera, (float(x), 0, 1.0), (float(x), 0, 300.0), tone, stroke * 0.6)
    for z in (2, 4, 8, 16, 32, 64, 128):
        _line(draw, camera, (-80.0, 0, float(z)), (80.0, 0, float(z)), tone, stroke * 0.6)
    rng = random.Random(info.seed)
    ridge = [(x, rng.uniform(8, 40), 500.0) for x in range(-700, 701, 70)]
    points = [camera.project(p) for p in ridge]
    points = [p for p in points if p]
    if len(points) > 1:
        draw.line(points, fill=PENCIL, width=max(1, round(stroke)), joint="curve")


def _room(draw: ImageDraw.ImageDraw, camera: Camera, focus: Vec, stroke: float) -> None:
    half, ceiling, back = 4.5, ROOM_CEILING_M, focus[2] + 5.0
    wall, floor = mix(PAPER, PENCIL, 0.08), mix(PAPER, PENCIL, 0.16)
    near = 0.2
    faces = [
        ([(-half, 0, near), (half, 0, near), (half, 0, back), (-half, 0, back)], floor),
        ([(-half, ceiling, near), (half, ceiling, near), (half, ceiling, back), (-half, ceiling, back)], wall),
        ([(-half, 0, near), (-half, 0, back), (-half, ceiling, back), (-half, ceiling, near)], wall),
        ([(half, 0, near), (half, 0, back), (half, ceiling, back), (half, ceiling, near)], wall),
        ([(-half, 0, back), (half, 0, back), (half, ceiling, back), (-half, ceiling, back)], mix(PAPER, PENCIL, 0.04)),
    ]
    for face, fill in faces:
        _poly(draw, camera, face, fill, INK, stroke)
    window = [(-1.6, 1.0, back), (0.4, 1.0, back), (0.4, 2.3, back), (-1.6, 2.3, back)]
    _poly(draw, camera, window, PAPER, INK, stroke)
    _line(draw, camera, (-0.6, 1.0, back), (-0.6, 2.3, back), INK, stroke)
    door = [(half, 0, back - 2.5), (half, 0, back - 1.5), (half, 2.1, back - 1.5), (half, 2.1, back - 2.5)]
    _poly(draw, camera, door, mix(PAPER, PENCIL, 0.25), INK, stroke)
    for x in range(-4, 5):  # floorboards lead the eye to the back wall
        _line(draw, camera, (float(x), 0, near), (float(x), 0, back), mix(floor, PENCIL, 0.3), stroke * 0.6)


def _poly(draw: ImageDraw.ImageDraw, camera: Camera, points: list[Vec], fill: tuple[int, ...] | None,
          outline: tuple[int, ...] | None, stroke: float) -> None:
    projected = camera.polygon(points)
    if len(projected) < 3:
        return
    draw.polygon(projected, fill=fill)
    if outline:
        draw.line([*projected, projected[0]], fill=outline, width=max(1, round(stroke)), joint="curve")


def _line(draw: ImageDraw.ImageDraw, camera: Camera, a: Vec, b: Vec, fill: tuple[int, ...], stroke: float) -> None:
    segment = camera.segment(a, b)
    if segment:
        draw.line(segment, fill=fill, width=max(1, round(stroke)))

"""A pinhole camera that frames the shot: lens -> focal length, shot size -> distance, angle -> height and tilt.

Placing the set and the figures in metres and projecting them gives the sketches what a previs artist draws by
eye: a 24mm lens stretches the street, an 85mm flattens it, a high angle looks down with verticals converging
below the frame, a low angle puts the horizon at the subject's knees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from tools.storyboard.schema import Shot

PERSON_M = 1.75
HEAD_M = PERSON_M / 8
SENSOR_WIDTH_MM = 36.0  # full frame: a lens in mm means what a cinematographer expects
NEAR_M = 0.15

# Head height as a share of the frame height, and where the top of the head sits (None: size-specific).
FRAMING = {"ELS": (0.009, None), "LS": (0.074, 0.16), "MLS": (0.150, 0.10), "MS": (0.27, 0.10),
           "MCU": (0.38, 0.08), "CU": (0.56, 0.07), "ECU": (1.45, None)}
CLOSE_SIZES = {"MCU", "CU", "ECU"}
DUTCH_DEGREES = 12.0

Vec = tuple[float, float, float]


@dataclass(frozen=True)
class Camera:
    width: float
    height: float
    focal_px: float
    cam_height: float
    pitch: float  # radians, positive looks up
    #: Centre of projection; a canvas padded for a dutch roll keeps the frame's centre.
    cx: float
    cy: float

    def depth(self, point: Vec) -> float:
        _x, y, z = point
        dy = y - self.cam_height
        return dy * math.sin(self.pitch) + z * math.cos(self.pitch)

    def project(self, point: Vec) -> tuple[float, float] | None:
        x, y, z = point
        dy = y - self.cam_height
        y_c = dy * math.cos(self.pitch) - z * math.sin(self.pitch)
        z_c = dy * math.sin(self.pitch) + z * math.cos(self.pitch)
        if z_c < NEAR_M:
            return None
        return self.cx + self.focal_px * x / z_c, self.cy - self.focal_px * y_c / z_c

    def scale_at(self, point: Vec) -> float:
        """Pixels per metre at ``point`` (for sprites: figures, cars)."""
        return self.focal_px / max(self.depth(point), NEAR_M)

    @property
    def horizon_y(self) -> float:
        return self.cy + self.focal_px * math.tan(self.pitch)

    def polygon(self, points: list[Vec]) -> list[tuple[float, float]]:
        """Projected polygon, clipped at the near plane (parts behind the camera must not wrap around)."""
        clipped = _clip_near(points, self)
        projected = [self.project(p) for p in clipped]
        return [p for p in projected if p is not None]

    def segment(self, a: Vec, b: Vec) -> list[tuple[float, float]] | None:
        da, db = self.depth(a) - NEAR_M * 1.01, self.depth(b) - NEAR_M * 1.01
        if da < 0 and db < 0:
            return None
        if da < 0 or db < 0:
            t = da / (da - db)
            cut = tuple(pa + (pb - pa) * t for pa, pb in zip(a, b, strict=True))
            a, b = (cut, b) if da < 0 else (a, cut)  # type: ignore[assignment]
        pa, pb = self.project(a), self.project(b)
        return [pa, pb] if pa and pb else None


def _clip_near(points: list[Vec], camera: Camera) -> list[Vec]:
    """Sutherland-Hodgman against the plane depth == NEAR_M."""
    out: list[Vec] = []
    limit = NEAR_M * 1.01
    for i, current in enumerate(points):
        previous = points[i - 1]
        dc, dp = camera.depth(current) - limit, camera.depth(previous) - limit
        if (dc >= 0) != (dp >= 0):
            t = dp / (dp - dc)
            out.append(tuple(p + (c - p) * t for p, c in zip(previous, current, strict=True)))  # type: ignore[arg-type]
        if dc >= 0:
            out.append(current)
    return out


def focal_px(lens_mm: int, width: float, height: float | None = None) -> float:
    """Pixels of focal length; the sensor's long side spans the frame's long side (a vertical frame is a
    camera turned on its side, not a wider lens)."""
    return lens_mm / SENSOR_WIDTH_MM * max(width, height or 0.0)


def subject_screen_x(shot: Shot, width: float, height: float) -> float:
    """Rule of thirds, alternating sides shot to shot like coverage cut together; tall frames stay centred."""
    if width < height:
        return width * 0.5
    return width * (1 / 3 if shot.number % 2 else 2 / 3)


def frame_camera(shot: Shot, width: float, height: float, canvas: tuple[float, float] | None = None,
                 ceiling: float | None = None) -> tuple[Camera, Vec]:
    """The camera that frames the main subject as the shot asks, and the subject's feet in metres.

    Indoors (``ceiling`` in metres) the camera stays under the ceiling and an extreme long shot becomes a
    long shot: no room is deep enough for one.
    """
    if ceiling is not None and shot.size == "ELS":
        shot = shot.model_copy(update={"size": "LS"})
    canvas_w, canvas_h = canvas or (width, height)
    focal = focal_px(shot.lens_mm, width, height)
    head_share, top_share = FRAMING[shot.size]
    reference = min(height, width * 1.2)  # a vertical frame is framed by its width, not its tall height
    distance = max(focal * HEAD_M / (head_share * reference), 0.35)
    # High: above the subject by enough to look down about 30 degrees; a close shot only needs a step-ladder.
    cam_height = {"high": PERSON_M + max(0.6, distance * math.tan(math.radians(32))),
                  "low": 0.4, "overhead": PERSON_M}.get(shot.angle, 1.6)
    if ceiling is not None:
        cam_height = min(cam_height, ceiling - 0.25)
    if shot.size == "ELS":
        target_y, target_v = 0.0, height * (0.82 if shot.angle != "low" else 0.9)
    elif shot.size == "ECU":
        target_y, target_v = PERSON_M - HEAD_M * 0.52, height * 0.46
    else:
        target_y, target_v = PERSON_M, height * top_share
    pitch = math.atan2(target_y - cam_height, distance) - math.atan((height / 2 - target_v) / focal)
    camera = Camera(canvas_w, canvas_h, focal, cam_height, pitch, canvas_w / 2, canvas_h / 2)
    x_px = subject_screen_x(shot, width, height) - width / 2
    subject_x = x_px / focal * camera.depth((0.0, target_y, distance))
    return camera, (subject_x, 0.0, distance)

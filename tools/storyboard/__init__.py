"""Storyboards and previs frames: scene -> shot list -> one frame per shot -> sheet PNG, PDF, CSV and JSON.

>>> from tools.storyboard import Storyboarder
>>> board = Storyboarder().create("a building collapses on a Buenos Aires street at night while survivors run")
>>> board.sheet_png, board.renderer
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tools.storyboard.board import Storyboard
from tools.storyboard.diffusion import DEFAULT_IMAGE_MODEL, DiffusionOptions, ImageModelError, build_prompt
from tools.storyboard.files import read_png_text, safe_slug
from tools.storyboard.planner import Plan, plan_shots
from tools.storyboard.schema import ANGLES, MAX_SHOTS, MOVEMENTS, SHOT_SIZES, Bible, Character, Shot, ShotList
from tools.storyboard.script import Script, ScriptError, parse_script, read_script
from tools.storyboard.script_boards import ScriptBoards, storyboard_script
from tools.storyboard.shots import RepairResult, loads_lenient, repair_shot_list
from tools.storyboard.sketch import ASPECTS, AspectError, frame_size, parse_aspect, render_sketch
from tools.storyboard.storyboarder import DEFAULT_SHOTS, MAX_SCENE_CHARS, Storyboarder, StoryboardInputError

__all__ = [
    "ANGLES", "ASPECTS", "DEFAULT_IMAGE_MODEL", "DEFAULT_SHOTS", "MAX_SCENE_CHARS", "MAX_SHOTS", "MOVEMENTS",
    "SHOT_SIZES", "AspectError", "Bible", "Character", "DiffusionOptions", "ImageModelError", "Plan",
    "RepairResult", "Script", "ScriptBoards", "ScriptError",
    "Shot", "ShotList", "Storyboard", "StoryboardInputError", "StoryboardToolResult",
    "Storyboarder", "build_prompt", "frame_size", "generate_storyboard", "loads_lenient", "parse_aspect",
    "parse_script", "plan_shots", "read_png_text", "read_script", "render_sketch", "repair_shot_list", "safe_slug",
    "storyboard_script",
]

@dataclass(frozen=True)
class StoryboardToolResult:
    """What the ``generate_storyboard`` agent tool hands back: text for the model, data and files for the UI."""

    text: str
    data: dict[str, Any]
    attachments: list[dict[str, str]]
    storyboard: Storyboard


def generate_storyboard(scene: str, shots: int = DEFAULT_SHOTS, aspect: str = "16:9", *,
                        storyboarder: Storyboarder) -> StoryboardToolResult:
    """The agent tool's body. Raises ``StoryboardInputError`` (a ValueError) for an empty scene or a bad aspect.

    The caller keeps ``storyboarder`` between calls, so that an image model loads once.
    """
    board = storyboarder.create(scene, shots=shots, aspect=aspect)
    return StoryboardToolResult(board.summary(), board.to_dict(), board.attachments(), board)

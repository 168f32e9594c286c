"""The shot list: pydantic models, the vocabulary of shot sizes, angles and moves, and the LLM-facing schema."""

from __future__ import annotations

from typing import Any, Literal, get_args

from pydantic import BaseModel, Field

ShotSize = Literal["ECU", "CU", "MCU", "MS", "MLS", "LS", "ELS"]
Angle = Literal["eye", "high", "low", "overhead", "dutch"]
Movement = Literal["static", "pan", "tilt", "dolly", "handheld", "crane"]

SHOT_SIZES: tuple[str, ...] = get_args(ShotSize)
ANGLES: tuple[str, ...] = get_args(Angle)
MOVEMENTS: tuple[str, ...] = get_args(Movement)

SHOT_SIZE_NAMES = {
    "ECU": "extreme close-up", "CU": "close-up", "MCU": "medium close-up", "MS": "medium shot",
    "MLS": "medium long shot", "LS": "long shot", "ELS": "extreme long shot",
}
ANGLE_NAMES = {
    "eye": "eye-level", "high": "high angle", "low": "low angle", "overhead": "overhead, top-down",
    "dutch": "dutch angle, tilted horizon",
}
# A lens a camera operator would reach for at each size; used to fill a missing lens.
DEFAULT_LENS_MM = {"ECU": 100, "CU": 85, "MCU": 50, "MS": 35, "MLS": 32, "LS": 24, "ELS": 18}
# Wide shots hold longer so the audience can read them; inserts are quick.
DEFAULT_SECONDS = {"ECU": 2.0, "CU": 3.0, "MCU": 3.0, "MS": 4.0, "MLS": 4.0, "LS": 4.0, "ELS": 5.0}

MAX_SHOTS = 24
MIN_LENS_MM, MAX_LENS_MM = 8, 300
MIN_SECONDS, MAX_SECONDS = 0.5, 60.0
MAX_CHARACTERS = 4


class Character(BaseModel):
    """A character whose look is fixed for the whole scene, so every frame draws the same person."""

    name: str
    look: str = ""


class Bible(BaseModel):
    """What every shot of the scene shares."""

    characters: list[Character] = Field(default_factory=list)
    location: str = ""
    time_of_day: str = ""
    lighting: str = ""
    palette: str = ""
    style: str = ""
    #: Read from the text (``scene.read_scene``), never from the model: "rain", "snow", "fog" or "".
    weather: str = ""
    #: The scene's key events ("collapse", "fire", "rain", "vehicles"...): drawn in every frame they belong to.
    events: list[str] = Field(default_factory=list)
    #: "tense" (a disaster, a fight: no smiles) or "neutral".
    mood: str = "neutral"


class Shot(BaseModel):
    number: int = Field(ge=1)
    size: ShotSize
    angle: Angle
    lens_mm: int = Field(ge=MIN_LENS_MM, le=MAX_LENS_MM)
    movement: Movement
    subjects: list[str] = Field(default_factory=list)
    action: str
    sound: str = ""
    duration_s: float = Field(ge=MIN_SECONDS, le=MAX_SECONDS)
    #: Set by a revision: the frame's own seed and image prompt instead of the scene's.
    seed: int | None = None
    prompt: str | None = None
    #: Which side of the action line (the 180° line) the camera stands: "A" (the scene's side) or "B" (across).
    side: Literal["A", "B"] = "A"
    #: Where the main subject moves or looks on screen: "left", "right" or "" (static, toward camera).
    direction: Literal["left", "right", ""] = ""
    #: A screenplay's lines spoken in this shot ("ANA: Get down!"), for the animatic's subtitles.
    dialogue: list[str] = Field(default_factory=list)

    @property
    def spec(self) -> str:
        """``MS · low · 35mm · dolly``: the line a storyboard panel carries."""
        return f"{self.size} · {self.angle} · {self.lens_mm}mm · {self.movement}"


class ShotList(BaseModel):
    bible: Bible
    shots: list[Shot]


#: What a compact shot list asks the model for; the rest is derived (``shots.repair_shot_list(compact=True)``).
COMPACT_SHOT_FIELDS = ("action", "subjects", "size", "angle", "movement")


def shot_list_tool(count: int, compact: bool = False) -> dict[str, Any]:
    """The OpenAI-format tool the chat model must call: a bible and exactly ``count`` shots.

    ``compact``: only the shots, each with :data:`COMPACT_SHOT_FIELDS` (about 40 tokens instead of 90, and no
    bible): the bible comes from the text, the lens and the seconds from the size, the number from the order.

    Written by hand rather than taken from the pydantic models: no ``$ref`` for grammar compilers to resolve,
    integer seconds (a small model writes ``3`` more reliably than ``3.0``), action before framing so the model
    decides what happens before how to frame it. No ``maxLength``: xgrammar unrolls it, and compiling this
    schema then takes 7 s instead of 0.1 s; the prompt asks for short text and the repair step trims it.
    """
    text = {"type": "string"}
    character = {
        "type": "object",
        "properties": {"name": text, "look": text},
        "required": ["name", "look"],
        "additionalProperties": False,
    }
    bible = {
        "type": "object",
        "properties": {
            "characters": {"type": "array", "items": character, "maxItems": 3},
            **{key: text for key in ("location", "time_of_day", "lighting", "palette")},
        },
        "required": ["characters", "location", "time_of_day", "lighting", "palette"],
        "additionalProperties": False,
    }
    shot = {
        "type": "object",
        "properties": {
            "number": {"type": "integer", "minimum": 1, "maximum": MAX_SHOTS},
            "action": text,
            "subjects": {"type": "array", "items": text, "maxItems": 3},
            "size": {"type": "string", "enum": list(SHOT_SIZES)},
            "angle": {"type": "string", "enum": list(ANGLES)},
            "lens_mm": {"type": "integer", "minimum": 12, "maximum": 200},
            "movement": {"type": "string", "enum": list(MOVEMENTS)},
            "sound": text,
            "duration_s": {"type": "integer", "minimum": 1, "maximum": 15},
        },
        "required": ["number", "action", "subjects", "size", "angle", "lens_mm", "movement", "sound", "duration_s"],
        "additionalProperties": False,
    }
    if compact:
        shot = {**shot, "properties": {key: shot["properties"][key] for key in COMPACT_SHOT_FIELDS},
                "required": list(COMPACT_SHOT_FIELDS)}
    shots = {"type": "array", "items": shot, "minItems": count, "maxItems": count}
    parameters = {
        "type": "object",
        "properties": {"shots": shots} if compact else {"bible": bible, "shots": shots},
        "required": ["shots"] if compact else ["bible", "shots"],
        "additionalProperties": False,
    }
    return {
        "type": "function",
        "function": {
            "name": "storyboard",
            "description": f"Record the shot list of the scene: exactly {count} shots in order."
            if compact else f"Record the shot list of the scene: its bible and exactly {count} shots in order.",
            "parameters": parameters,
        },
    }

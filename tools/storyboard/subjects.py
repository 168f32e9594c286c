"""Who a shot's frame draws: its subjects as kinds (person, group, vehicle, structure, prop) with the looks,
tones and statures their characters keep in every frame of the scene. Shared by the perspective sketches
(``sketch.py``) and the overhead frames (``plan_view.py``), so neither imports the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.storyboard.coverage import subject_kind
from tools.storyboard.draw import TONES, Look
from tools.storyboard.schema import Bible, Shot


@dataclass
class Subject:
    kind: str  # "person" | "group" | "vehicle" | "structure" | "prop"
    name: str
    look: Look
    tone: tuple[int, ...]
    #: Height as a share of an adult's: a child is drawn smaller.
    stature: float = 1.0


_CHILD_WORDS = r"child|children|kid|kids|girl|boy|baby|toddler|son|daughter"


def _stature(name: str) -> float:
    return 0.62 if re.search(rf"\b({_CHILD_WORDS})\b", name.lower()) else 1.0


def cast(shot: Shot, bible: Bible) -> list[Subject]:
    """The shot's subjects with the looks and tones their characters keep in every frame of the scene."""
    subjects = []
    for name in shot.subjects[:4] or ["figure"]:
        index = next((i for i, c in enumerate(bible.characters)
                      if c.name.lower() in name.lower() or name.lower() in c.name.lower()), None)
        if index is not None:
            character = bible.characters[index]
            kind = "group" if subject_kind(character.name) == "group" else "person"
            subjects.append(Subject(kind, character.name, Look.from_text(character.look),
                                    TONES[index % len(TONES)], _stature(character.name)))
        else:
            subjects.append(Subject(subject_kind(name), name, Look(), TONES[1], _stature(name)))
    return subjects



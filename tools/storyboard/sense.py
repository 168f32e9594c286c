"""Does a value the chat model wrote make sense? Catches what a 0.5B model echoes from its instructions.

Constrained decoding guarantees the JSON's shape, not its sense: a small model fills ``lighting`` with "MCU",
names a character "age", or writes "establish" as every action. Values made only of the prompt's own jargon,
or too thin to draw from, are replaced by the repair step (and each replacement is noted).
"""

from __future__ import annotations

import re

from tools.storyboard.coverage import subject_kind
from tools.storyboard.schema import ANGLES, MOVEMENTS, SHOT_SIZES

_JARGON = {w.lower() for w in (*SHOT_SIZES, *ANGLES, *MOVEMENTS)} | {
    "previs", "graphite", "sketch", "cinematic", "cine", "charcoal", "style", "name", "age", "hair", "look",
    "clothes", "character", "characters", "bible", "shot", "shots", "action", "subjects", "subject", "sound",
    "establish", "establishing", "insert", "reaction", "close", "wide", "medium", "detail", "lens", "mm", "none",
    "null", "n", "a", "screencapture", "beats", "beat", "csm", "ecsm", "uc", "tool", "storyboard", "scene",
}
_TIME_WORDS = ("night", "midnight", "dawn", "sunrise", "dusk", "sunset", "twilight", "morning", "noon",
               "afternoon", "evening", "day", "daytime", "daylight", "golden hour")
_STOPWORDS = {"the", "and", "with", "from", "into", "onto", "over", "under", "while", "when", "then", "her", "his",
              "their", "its", "for", "at", "on", "in", "of", "to", "a", "an"}


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def is_jargon(text: str) -> bool:
    """Nothing but the instructions' own vocabulary ("ELS", "previs", "crane"), or no words at all."""
    words = _words(text)
    return not words or all(w in _JARGON for w in words)


def plausible_time(text: str) -> bool:
    return any(re.search(rf"\b{w}\b", text.lower()) for w in _TIME_WORDS)


def plausible_location(text: str, scene: str) -> bool:
    """A place the scene mentions: it shares a content word with the scene text."""
    if is_jargon(text) or (plausible_time(text) and len(_words(text)) < 2):
        return False
    scene_words = {w for w in _words(scene) if len(w) > 2 and w not in _STOPWORDS}
    return bool(scene_words & set(_words(text)))


def plausible_description(text: str) -> bool:
    """Lighting, palette or a look: at least two words, not all jargon."""
    return len(_words(text)) >= 2 and not is_jargon(text)


def plausible_character(name: str, scene: str) -> bool:
    """A person's name of at most three words: not jargon, not a prop or a time of day."""
    words = name.split()
    if not 1 <= len(words) <= 3 or is_jargon(name) or plausible_time(name):
        return False
    if subject_kind(name) not in ("person", "group"):
        return False
    return name.lower() in scene.lower() or name[:1].isupper()


def plausible_action(text: str) -> bool:
    """Something happening: two words or more ("Lucia runs"), not all jargon ("MS", "establish")."""
    return len(_words(text)) >= 2 and not is_jargon(text)


def plausible_subject(text: str) -> bool:
    return not is_jargon(text) and not (plausible_time(text) and len(_words(text)) == 1)

"""The deterministic fallback: split a scene into beats and cover them the way a director would.

Used when the chat model's shot list is missing, broken or thin, and to fill the fields and shots a repaired
list lacks. Everything here is a pure function of the scene text, so the same scene always gets the same list.
"""

from __future__ import annotations

import hashlib
import re

from tools.storyboard.schema import DEFAULT_LENS_MM, DEFAULT_SECONDS, Bible, Character, Shot, ShotList

# (size, angle, movement, role): establish, come in, get close, react, detail, then vary; the last shot pulls out.
COVERAGE_PATTERN: tuple[tuple[str, str, str, str], ...] = (
    ("ELS", "high", "crane", "establishing"),
    ("MS", "eye", "handheld", "medium"),
    ("CU", "low", "static", "close"),
    ("MCU", "eye", "static", "reaction"),
    ("ECU", "eye", "static", "insert"),
    ("LS", "eye", "dolly", "wide"),
    ("MLS", "dutch", "handheld", "medium wide"),
    ("CU", "high", "static", "reaction"),
    ("MS", "low", "pan", "medium"),
    ("LS", "overhead", "static", "wide"),
)
CLOSING = ("LS", "high", "crane", "closing wide")

_BEAT_SPLIT = re.compile(
    r"(?<=[.!?;])\s+|\s*[,;]?\s+\b(?:while|as|then|and then|when|until|before|after|but|meanwhile)\b\s+",
    re.IGNORECASE,
)
_DETERMINERS = {"a", "an", "the", "some", "her", "his", "their", "its", "our", "my", "this", "that", "these"}
_VERBS = {
    "run", "walk", "fall", "flee", "chase", "fight", "look", "stand", "sit", "wait", "watch", "hide", "burn",
    "scream", "shout", "cry", "kiss", "talk", "say", "turn", "open", "close", "enter", "leave", "jump", "climb",
    "drive", "ride", "race", "crash", "explode", "rise", "come", "go", "is", "are", "was", "were", "has", "have",
    "collapse", "crumble", "dance", "sing", "reach", "grab", "hold", "pull", "push", "escape", "arrive", "stare",
}
_OPENERS = _DETERMINERS | {
    "she", "he", "they", "it", "we", "i", "you", "in", "on", "at", "as", "when", "while", "then", "after", "before",
    "there", "inside", "outside", "meanwhile", "suddenly", "later", "int", "ext", "night", "day", "dawn", "dusk",
}
_TIMES = (
    ("night", ("night", "midnight", "nocturnal", "moonlit", "dark street")),
    ("dawn", ("dawn", "sunrise", "daybreak", "first light")),
    ("dusk", ("dusk", "sunset", "twilight", "golden hour", "evening")),
    ("morning", ("morning",)),
    ("day", ("noon", "afternoon", "daytime", "day")),
)
_LIGHT_AND_PALETTE = {
    "night": ("hard streetlights and practicals, deep shadows", "teal shadows, sodium orange highlights"),
    "dawn": ("soft low sun, cool ambient fill", "pale blue and peach"),
    "dusk": ("warm low sun, long shadows", "amber and violet"),
    "morning": ("clean side light", "soft neutrals with warm accents"),
    "day": ("natural daylight, overcast soft", "desaturated naturals"),
}
_HAIR = ("short black hair", "long dark hair", "cropped grey hair", "curly auburn hair", "blond ponytail",
         "shaved head", "wavy brown hair")
_WARDROBE = ("a worn leather jacket", "a red raincoat", "a grey suit", "a denim jacket", "a white shirt",
             "a dark hoodie", "a green field coat")
DEFAULT_STYLE = "graphite previs sketch, cinematic"

_KIND_WORDS = (
    ("structure", r"building|tower|house|bridge|church|wall|skyscraper|facade|ruins|hotel|station|castle|temple|"
                  r"warehouse|factory|block"),
    ("vehicle", r"car|taxi|truck|bus|van|train|motorcycle|motorbike|cab|jeep|ambulance|tram|vehicle"),
    ("prop", r"phone|letter|gun|pistol|key|keys|door|hand|hands|watch|photo|photograph|glass|bottle|book|knife|"
             r"sign|clock|cup|ring|bag|map|screen|rubble|debris|dust|fire|window|note|envelope|badge"),
    ("group", r"crowd|people|survivors|soldiers|police|children|kids|family|team|gang|passengers|pedestrians|"
              r"men|women|villagers|officers|firefighters|neighbours|neighbors|onlookers|friends|others|everyone"),
)


def subject_kind(name: str) -> str:
    """"person", "group", "vehicle", "structure" or "prop": how a subject is drawn and who can react."""
    lowered = name.lower()
    for kind, pattern in _KIND_WORDS:
        if re.search(rf"\b({pattern})\b", lowered):
            return kind
    return "person"


def stable_seed(*parts: object) -> int:
    """A 31-bit seed from text: the same scene or character always gets the same seed, in any process."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") & 0x7FFFFFFF


def split_beats(scene: str, limit: int = 12) -> list[str]:
    """The scene's actions in order: sentences and clauses joined by while/as/then/when..."""
    beats = [b.strip(" ,.;:-") for b in _BEAT_SPLIT.split(scene.strip())]
    beats = [b for b in beats if b and b.lower() not in {"and", "then"}]
    return (beats or [scene.strip()])[:limit]


def subject_of(beat: str) -> str:
    """The doer of a beat, roughly: the words before its first verb ("a building collapses" -> "building")."""
    words = re.findall(r"[A-Za-z][\w'-]*", beat)
    while words and words[0].lower() in _DETERMINERS:
        words = words[1:]
    subject: list[str] = []
    for word in words[:4]:
        lowered = word.lower()
        verbish = lowered in _VERBS or lowered.rstrip("s") in _VERBS or (subject and lowered.endswith(("es", "ed")))
        if verbish and subject:
            break
        subject.append(word)
    return " ".join(subject[:3]) or "figure"


def time_of_day(scene: str) -> str:
    lowered = scene.lower()
    for name, words in _TIMES:
        if any(re.search(rf"\b{re.escape(w)}\b", lowered) for w in words):
            return name
    return "day"


def location_of(scene: str) -> str:
    match = re.search(
        r"\b(?:on|in|at|inside|across|through|over|along)\s+(?:a|an|the)?\s*([^,.;]+?)"
        r"(?=\s+(?:at|during|while|as|when|in the|under|before|after)\b|[,.;]|$)",
        scene,
        re.IGNORECASE,
    )
    return match.group(1).strip()[:60] if match else "the scene's location"


def names_in(scene: str) -> list[str]:
    """Capitalised words that are not sentence openers or the location: likely names ("Ana", "Detective Ruiz")."""
    location = location_of(scene)
    found: list[str] = []
    for match in re.finditer(r"\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\b", scene):
        words = [w for w in match.group(1).split() if w.lower() not in _OPENERS]
        name = " ".join(words)
        if name and name not in location and name not in found:
            found.append(name)
    return found[:3]


def seeded_look(name: str, scene_seed: int) -> str:
    """A fixed look for a character the model left undescribed, picked by the character's seed."""
    seed = stable_seed(scene_seed, name)
    return f"{_HAIR[seed % len(_HAIR)]}, {_WARDROBE[(seed // 7) % len(_WARDROBE)]}"


def fallback_bible(scene: str, style: str | None = None) -> Bible:
    when = time_of_day(scene)
    lighting, palette = _LIGHT_AND_PALETTE[when]
    seed = stable_seed(scene)
    characters = [Character(name=name, look=seeded_look(name, seed)) for name in names_in(scene)]
    return Bible(characters=characters, location=location_of(scene), time_of_day=when, lighting=lighting,
                 palette=palette, style=style or DEFAULT_STYLE)


def coverage_slot(index: int, count: int) -> tuple[str, str, str, str]:
    """The pattern's (size, angle, movement, role) for shot ``index`` of ``count``."""
    if count >= 4 and index == count - 1:
        return CLOSING
    return COVERAGE_PATTERN[index % len(COVERAGE_PATTERN)]


def fallback_shot(scene: str, index: int, count: int, beats: list[str] | None = None) -> Shot:
    beats = beats or split_beats(scene)
    beat = beats[min(index * len(beats) // count, len(beats) - 1)]
    size, angle, movement, role = coverage_slot(index, count)
    subject = subject_of(beat)
    everyone = list(dict.fromkeys(subject_of(b) for b in beats))[:3]
    # Medium and close shots are about people: a beat done by a thing (a building falls) is covered on whoever
    # is there to see it.
    people = [s for s in everyone if subject_kind(s) in ("person", "group")]
    reactor = subject if subject in people else (people[0] if people else subject)
    action = {
        "establishing": f"Establishing: {beat}",
        "reaction": f"Reaction: {reactor}, as {beat}" if reactor != subject else f"Reaction: {beat}",
        "insert": f"Insert: detail of {subject}",
        "closing wide": f"Pull out: {'; '.join(beats[-2:])}",
    }.get(role, beat[0].upper() + beat[1:])
    if role not in ("insert", "establishing") and size not in ("ELS", "LS") and reactor != subject:
        action = f"On {reactor} as {beat}"[:200] if role != "reaction" else action
    subjects = everyone if size in ("ELS", "LS") else [subject if role == "insert" else reactor]
    return Shot(number=index + 1, size=size, angle=angle, lens_mm=DEFAULT_LENS_MM[size], movement=movement,
                subjects=subjects, action=action[:200], sound="", duration_s=DEFAULT_SECONDS[size])


def fallback_shot_list(scene: str, count: int, style: str | None = None) -> ShotList:
    beats = split_beats(scene)
    shots = [fallback_shot(scene, i, count, beats) for i in range(count)]
    return ShotList(bible=fallback_bible(scene, style), shots=shots)

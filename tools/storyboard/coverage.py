"""The deterministic fallback: split a scene into beats and cover them the way a director would.

Used when the chat model's shot list is missing, broken or thin, and to fill the fields and shots a repaired
list lacks. Everything here is a pure function of the scene text, so the same scene always gets the same list.
"""

from __future__ import annotations

import hashlib
import math
import re

from tools.storyboard.scene import SceneFacts, mentioned, proper_names, read_scene
from tools.storyboard.schema import DEFAULT_LENS_MM, DEFAULT_SECONDS, MAX_CHARACTERS, Bible, Character, Shot, ShotList

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
_GROUP_LOOK = "a mixed group in everyday clothes"
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
    return read_scene(scene).time_of_day


def location_of(scene: str) -> str:
    match = re.search(
        r"\b(?:on|in|at|inside|across|through|over|along)\s+(?:a|an|the)?\s*([^,.;]+?)"
        r"(?=\s+(?:at|during|while|as|when|in the|under|before|after)\b|[,.;]|$)",
        scene,
        re.IGNORECASE,
    )
    return match.group(1).strip()[:60] if match else "the scene's location"


def names_in(scene: str) -> list[str]:
    """Proper names in the scene ("Ana", "Detective Ruiz"); places after "in"/"on" are left out."""
    return proper_names(scene)[:3]


def seeded_look(name: str, scene_seed: int) -> str:
    """A fixed look for a character the model left undescribed, picked by the character's seed."""
    seed = stable_seed(scene_seed, name)
    return f"{_HAIR[seed % len(_HAIR)]}, {_WARDROBE[(seed // 7) % len(_WARDROBE)]}"


def fallback_bible(scene: str, style: str | None = None, facts: SceneFacts | None = None) -> Bible:
    """The bible as the text states it: its people (never invented names), its time, weather and events."""
    facts = facts or read_scene(scene)
    lighting, palette = _LIGHT_AND_PALETTE.get(facts.time_of_day, _LIGHT_AND_PALETTE["day"])
    if facts.weather == "rain":
        lighting += ", wet reflections"
    seed = stable_seed(scene)
    characters = [Character(name=name, look=_GROUP_LOOK if subject_kind(name) == "group" else seeded_look(name, seed))
                  for name in facts.characters[:MAX_CHARACTERS]]
    return Bible(characters=characters, location=location_of(scene), time_of_day=facts.time_of_day,
                 lighting=lighting, palette=palette, style=style or DEFAULT_STYLE, weather=facts.weather,
                 events=list(facts.events), mood=facts.mood)


def coverage_slot(index: int, count: int) -> tuple[str, str, str, str]:
    """The pattern's (size, angle, movement, role) for shot ``index`` of ``count``."""
    if count >= 4 and index == count - 1:
        return CLOSING
    return COVERAGE_PATTERN[index % len(COVERAGE_PATTERN)]


def beat_people(beat: str, characters: tuple[str, ...] | list[str]) -> list[str]:
    """The characters a beat names, in the scene's order."""
    return [name for name in characters if mentioned(name, beat)]


def fallback_shot(scene: str, index: int, count: int, beats: list[str] | None = None,
                  facts: SceneFacts | None = None) -> Shot:
    """Shot ``index`` of the text-derived plan: its beat, framed by the coverage pattern, showing the people
    the beat names (a beat done by a thing, "a building collapses", is covered on the scene's people)."""
    beats = beats or split_beats(scene)
    facts = facts or read_scene(scene)
    # The first shot establishes the first beat; the close coverage lands on the later beats, where a scene's
    # people usually are (the climax), instead of spreading shots evenly.
    covering = count - 1 if count >= 4 else count  # the closing wide has its own action
    beat_index = min(len(beats) - 1, math.ceil(index * len(beats) / max(1, covering)))
    beat = _lower_article(beats[beat_index])
    size, angle, movement, role = coverage_slot(index, count)
    people = beat_people(beat, facts.characters) or _nearest_people(beats, beat_index, facts)
    thing = subject_of(beat)
    thing = thing if subject_kind(thing) in ("structure", "vehicle") else ""
    wide = size in ("ELS", "LS")
    if wide:
        subjects = [*([thing] if thing else []), *(facts.characters[:3] or people)]
    else:
        subjects = people[:2] or ([thing] if thing else ["figure"])
    action = _action(role, beat, beats, people, facts)
    return Shot(number=index + 1, size=size, angle=angle, lens_mm=DEFAULT_LENS_MM[size], movement=movement,
                subjects=list(dict.fromkeys(subjects))[:4], action=action[:200], sound="",
                duration_s=DEFAULT_SECONDS[size])


def _lower_article(beat: str) -> str:
    first, _, rest = beat.partition(" ")
    pronoun = first.lower() in {"she", "he", "they", "it", "we"}
    return f"{first.lower()} {rest}" if (first.lower() in _DETERMINERS or pronoun) and rest else beat


def _nearest_people(beats: list[str], index: int, facts: SceneFacts) -> list[str]:
    """The people of the closest beat that names any: who is there to see a thing happen."""
    order = sorted(range(len(beats)), key=lambda i: (abs(i - index), i < index))
    for i in order:
        found = beat_people(beats[i], facts.characters)
        if found:
            return found
    return list(facts.characters[:1])


def _action(role: str, beat: str, beats: list[str], people: list[str], facts: SceneFacts) -> str:
    named = " and ".join(f"the {p}" if p.islower() else p for p in people[:2])
    on_people = named and not beat_people(beat, people)
    if role == "establishing":
        return f"Establishing: {beat}"
    if role == "insert":
        detail = f"the {facts.props[0]}" if facts.props else _EVENT_DETAIL.get(next(iter(facts.events), ""), "hands")
        return f"Insert: {detail}, as {beat}"
    if role == "reaction":
        return f"Reaction: {named}, as {beat}" if on_people else f"Reaction: {beat}"
    if role == "closing wide":
        return f"Pull out: {'; '.join(beats[-2:])}"
    return f"On {named} as {beat}" if on_people else beat[0].upper() + beat[1:]


# What an insert of each key event shows.
_EVENT_DETAIL = {"collapse": "falling debris and dust", "explosion": "the blast's debris", "fire": "flames",
                 "rain": "rain hitting the ground", "vehicles": "a wheel and headlights", "chase": "running feet",
                 "run": "running feet", "fight": "clenched fists", "": "hands"}


def fallback_shot_list(scene: str, count: int, style: str | None = None) -> ShotList:
    beats = split_beats(scene)
    facts = read_scene(scene)
    shots = [fallback_shot(scene, i, count, beats, facts) for i in range(count)]
    return ShotList(bible=fallback_bible(scene, style, facts), shots=shots)

"""Turning whatever the chat model wrote into a valid shot list: lenient JSON, field repair, counts, fallback.

A 0.5B model writes enum values in its own words ("wide", "close up", "35mm"), leaves fields out, repeats one
shot six times or stops half way; each of those becomes a repair note, and what cannot be repaired is filled
from the coverage pattern (``coverage.py``), so the caller always gets exactly the shots it asked for.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from tools.storyboard.coverage import fallback_bible, fallback_shot, seeded_look, split_beats, stable_seed
from tools.storyboard.scene import mentioned, read_scene
from tools.storyboard.schema import (
    ANGLES,
    DEFAULT_LENS_MM,
    DEFAULT_SECONDS,
    MAX_CHARACTERS,
    MAX_LENS_MM,
    MAX_SECONDS,
    MIN_LENS_MM,
    MIN_SECONDS,
    MOVEMENTS,
    SHOT_SIZES,
    Bible,
    Character,
    Shot,
    ShotList,
)
from tools.storyboard.sense import (
    is_jargon,
    plausible_action,
    plausible_character,
    plausible_description,
    plausible_location,
    plausible_subject,
    plausible_time,
)

# Checked in order, on the upper-cased value with punctuation turned to spaces: the first phrase found wins.
_SIZE_PHRASES = (
    ("EXTREME CLOSE", "ECU"), ("XCU", "ECU"), ("BCU", "ECU"), ("INSERT", "ECU"), ("DETAIL", "ECU"),
    ("MEDIUM CLOSE", "MCU"), ("OVER THE SHOULDER", "MCU"), ("OTS", "MCU"), ("CLOSE", "CU"),
    ("EXTREME WIDE", "ELS"), ("EXTREME LONG", "ELS"), ("EWS", "ELS"), ("XLS", "ELS"), ("ESTABLISH", "ELS"),
    ("AERIAL", "ELS"), ("MEDIUM LONG", "MLS"), ("MEDIUM WIDE", "MLS"), ("MEDIUM FULL", "MLS"), ("COWBOY", "MLS"),
    ("MEDIUM", "MS"), ("MID", "MS"), ("TWO SHOT", "MS"), ("WIDE", "LS"), ("LONG", "LS"), ("FULL", "LS"),
    ("WS", "LS"), ("FS", "LS"),
)
_ANGLE_PHRASES = (
    ("dutch", "dutch"), ("cant", "dutch"), ("tilted", "dutch"), ("oblique", "dutch"), ("overhead", "overhead"),
    ("bird", "overhead"), ("top", "overhead"), ("aerial", "overhead"), ("worm", "low"), ("low", "low"),
    ("high", "high"), ("eye", "eye"), ("straight", "eye"), ("neutral", "eye"), ("level", "eye"),
)
_MOVE_PHRASES = (
    ("handheld", "handheld"), ("hand held", "handheld"), ("shaky", "handheld"), ("steadicam", "dolly"),
    ("crane", "crane"), ("jib", "crane"), ("boom", "crane"), ("drone", "crane"), ("aerial", "crane"),
    ("dolly", "dolly"), ("track", "dolly"), ("push", "dolly"), ("pull", "dolly"), ("zoom", "dolly"),
    ("truck", "dolly"), ("pan", "pan"), ("whip", "pan"), ("tilt", "tilt"), ("static", "static"),
    ("lock", "static"), ("fixed", "static"), ("tripod", "static"), ("still", "static"),
)
_FIELD_ALIASES = {
    "size": ("size", "shot_size", "shot_type", "framing", "type"),
    "angle": ("angle", "camera_angle"),
    "lens_mm": ("lens_mm", "lens", "focal_length", "mm"),
    "movement": ("movement", "camera_movement", "move", "camera_move", "camera"),
    "subjects": ("subjects", "subject", "characters", "who"),
    "action": ("action", "description", "what", "beat", "content"),
    "sound": ("sound", "dialogue", "audio", "dialogue_sound", "sfx"),
    "duration_s": ("duration_s", "duration", "seconds", "length", "secs"),
}
_MAX_NOTES = 40


@dataclass
class RepairResult:
    shot_list: ShotList
    #: What was changed, one line each ("shot 2: size 'wide' -> LS").
    repairs: list[str] = field(default_factory=list)
    #: Shots taken from the coverage pattern because the model gave too few usable ones.
    fallback_shots: int = 0
    #: Whether the model's output was a valid list of the right length with nothing to repair.
    valid_as_is: bool = False

    @property
    def fallback_used(self) -> bool:
        return self.fallback_shots > 0


def loads_lenient(text: str) -> Any:
    """The first JSON value in ``text`` (code fences, prose around it and a cut-off tail tolerated), or None."""
    start = min((i for i in (text.find("{"), text.find("[")) if i >= 0), default=-1)
    if start < 0:
        return None
    body = re.sub(r",\s*([}\]])", r"\1", text[start:])  # trailing commas
    try:
        return json.JSONDecoder().raw_decode(body)[0]
    except json.JSONDecodeError:
        pass
    closed = _close_truncated(body)
    try:
        return json.loads(closed) if closed else None
    except json.JSONDecodeError:
        return None


def _close_truncated(body: str) -> str | None:
    """Cut ``body`` after its last complete object or array and close the brackets still open."""
    stack: list[str] = []
    in_string = escaped = False
    last_cut: tuple[int, list[str]] | None = None
    for i, char in enumerate(body):
        if in_string:
            escaped = not escaped and char == "\\"
            in_string = escaped or char != '"'
            continue
        if char == '"':
            in_string = True
        elif char in "{[":
            stack.append("}" if char == "{" else "]")
        elif char in "}]" and stack:
            stack.pop()
            last_cut = (i, list(stack))
            if not stack:
                break
    if last_cut is None:
        return None
    end, still_open = last_cut
    return body[: end + 1] + "".join(reversed(still_open))


def repair_shot_list(raw: Any, scene: str, count: int, style: str | None = None,
                     cues: tuple[str, ...] = (), compact: bool = False) -> RepairResult:
    """A valid list of exactly ``count`` shots from the model's parsed output (anything, None included).

    Where the model and the text disagree the text wins: characters and subjects the scene never names
    ("Alice", "Bob") are dropped, the people a shot's action names are added to its subjects, and the time of
    day, weather and events come from the text. ``compact``: the model was asked for a compact list
    (``schema.shot_list_tool(compact=True)``); the fields it was not asked for are derived, not repairs.
    """
    notes: list[str] = []
    data = raw if isinstance(raw, dict) else {"shots": raw} if isinstance(raw, list) else {}
    if not data:
        notes.append("the model's output held no JSON shot list")
    facts = read_scene(scene, cues)
    known = " ".join([scene, *cues])  # what the text names: its words and the script's cues
    asked_bible = not compact or "bible" in data
    bible = repair_bible(data.get("bible"), scene, style, notes if asked_bible else [], facts)
    beats = split_beats(scene)
    items = [item for item in _shot_items(data) if isinstance(item, dict)]
    if compact:
        items = [_with_derived_fields(item, number) for number, item in enumerate(items, start=1)]
    if len(items) > count:
        notes.append(f"kept the first {count} of {len(items)} shots")
        items = items[:count]
    shots = [_repair_shot(item, fallback_shot(scene, i, count, beats, facts), notes)
             for i, item in enumerate(items)]
    filled = count - len(shots)
    if filled:
        notes.append(f"added {filled} shot(s) from the coverage pattern")
        shots += [fallback_shot(scene, i, count, beats, facts) for i in range(len(shots), count)]
    shots = _vary_thin_list(shots, scene, beats, notes, facts)
    shots = [true_to_text(shot, known, bible, notes) for shot in shots]
    for number, shot in enumerate(shots, start=1):
        if shot.number != number:
            notes.append(f"renumbered shot {shot.number} as {number}")
            shot.number = number
    written = raw if asked_bible else {"bible": bible.model_dump(), "shots": items}
    valid = not notes and _validates(written)
    return RepairResult(ShotList(bible=bible, shots=shots), notes[:_MAX_NOTES], filled, valid)


def _with_derived_fields(item: dict[str, Any], number: int) -> dict[str, Any]:
    """A compact shot with the fields it was not asked for: its place in the list, and the lens and seconds
    that suit its size (an unknown size is left to the repair, which notes it)."""
    size = str(item.get("size", "")).upper()
    derived: dict[str, Any] = {"number": number, "sound": ""}
    if size in DEFAULT_LENS_MM:
        derived.update(lens_mm=DEFAULT_LENS_MM[size], duration_s=DEFAULT_SECONDS[size])
    return {**derived, **item}


def _validates(raw: Any) -> bool:
    try:
        ShotList.model_validate(raw)
    except ValidationError:
        return False
    return True


def _shot_items(data: dict[str, Any]) -> list[Any]:
    shots = data.get("shots")
    if isinstance(shots, list):
        return shots
    return next((value for value in data.values() if isinstance(value, list) and value
                 and isinstance(value[0], dict) and "name" not in value[0]), [])


def repair_bible(raw: Any, scene: str, style: str | None, notes: list[str], facts: Any = None) -> Bible:
    facts = facts or read_scene(scene)
    fallback = fallback_bible(scene, style, facts)
    data = raw if isinstance(raw, dict) else {}
    checks = {"location": lambda t: plausible_location(t, scene), "time_of_day": plausible_time,
              "lighting": plausible_description, "palette": plausible_description}
    values: dict[str, Any] = {"style": _text(data.get("style"), 80) or fallback.style}
    for key, plausible in checks.items():
        text = _text(data.get(key), 80)
        if not text:
            notes.append(f"bible: filled missing {key}")
        elif not plausible(text):
            notes.append(f"bible: replaced {key} {text[:30]!r}")
        values[key] = text if text and plausible(text) else getattr(fallback, key)
    if style:  # the caller's style wins over the model's
        values["style"] = style
    if fallback.time_of_day != values["time_of_day"] and facts.time_stated:
        notes.append(f"bible: time_of_day {values['time_of_day'][:20]!r} -> {fallback.time_of_day} (the text says so)")
        values.update(time_of_day=fallback.time_of_day, lighting=fallback.lighting, palette=fallback.palette)
    values["characters"] = _repair_characters(data.get("characters"), " ".join([scene, *facts.characters]),
                                              fallback, notes)
    values.update(weather=fallback.weather, events=fallback.events, mood=fallback.mood)
    return Bible(**values)


def in_text(subject: str, scene: str) -> bool:
    """Whether the scene's text names ``subject`` (a word of it, singular or plural): "Alice" is not in
    "a woman pulls a child from the dust"."""
    words = [w for w in re.findall(r"[^\W\d_]+", subject) if len(w) > 2 and w.lower() not in {"the", "and"}]
    return bool(words) and any(mentioned(w, scene) for w in words)


def true_to_text(shot: Shot, scene: str, bible: Bible, notes: list[str]) -> Shot:
    """The shot with only subjects the scene names, plus every character its action names."""
    kept = [s for s in shot.subjects if in_text(s, scene) or s == "figure"]
    dropped = [s for s in shot.subjects if s not in kept]
    if dropped:
        notes.append(f"shot {shot.number}: dropped subjects the scene never names {dropped[:3]}")
    named = [c.name for c in bible.characters if mentioned(c.name, shot.action)]
    missing = [n for n in named if not any(mentioned(n, s) for s in kept)]
    if missing:
        notes.append(f"shot {shot.number}: added {missing} (its action names them)")
    subjects = list(dict.fromkeys([*kept, *missing]))[:4]
    if not subjects:
        subjects = [c.name for c in bible.characters[:2]] or ["figure"]
    return shot if subjects == shot.subjects else shot.model_copy(update={"subjects": subjects})


def _repair_characters(raw: Any, scene: str, fallback: Bible, notes: list[str]) -> list[Character]:
    if not isinstance(raw, list):
        return list(fallback.characters)
    characters: list[Character] = []
    for item in raw[:MAX_CHARACTERS]:
        name = _text(item.get("name") if isinstance(item, dict) else item, 40)
        if not name or any(c.name.lower() == name.lower() for c in characters):
            continue
        if not plausible_character(name, scene) or not in_text(name, scene):
            notes.append(f"bible: dropped character {name[:30]!r} (the scene never names it)")
            continue
        look = _text(item.get("look") or item.get("description"), 120) if isinstance(item, dict) else ""
        # A look too thin to draw from ("dark", "previs") gets a seeded one, fixed for the scene.
        if not plausible_description(look):
            look = seeded_look(name, stable_seed(scene))
        characters.append(Character(name=name, look=look))
    return characters or list(fallback.characters)


def _repair_shot(item: dict[str, Any], default: Shot, notes: list[str]) -> Shot:
    where = f"shot {item.get('number', default.number)}"
    value = {name: _field(item, name) for name in _FIELD_ALIASES}
    size = _choose(value["size"], _SIZE_PHRASES, SHOT_SIZES, str.upper, default.size, f"{where}: size", notes)
    angle = _choose(value["angle"], _ANGLE_PHRASES, ANGLES, str.lower, default.angle, f"{where}: angle", notes)
    movement = _choose(value["movement"], _MOVE_PHRASES, MOVEMENTS, str.lower, default.movement,
                       f"{where}: movement", notes)
    if size != default.size:  # the pattern's lens and length suit its own size, not this one
        default = default.model_copy(update={"lens_mm": DEFAULT_LENS_MM[size], "duration_s": DEFAULT_SECONDS[size]})
    lens = _number(value["lens_mm"], MIN_LENS_MM, MAX_LENS_MM, default.lens_mm, f"{where}: lens_mm", notes)
    seconds = _number(value["duration_s"], MIN_SECONDS, MAX_SECONDS, default.duration_s, f"{where}: duration_s",
                      notes)
    action = _text(value["action"], 200)
    if not plausible_action(action):
        notes.append(f"{where}: replaced action {action[:30]!r}" if action else f"{where}: filled missing action")
        action = default.action
    sound = _text(value["sound"], 120)
    if sound and is_jargon(sound):
        notes.append(f"{where}: dropped sound {sound[:20]!r}")
        sound = ""
    subjects = [s for s in _subjects(value["subjects"]) if plausible_subject(s)] or default.subjects
    return Shot(number=_int_or(item.get("number"), default.number), size=size, angle=angle, lens_mm=int(lens),
                movement=movement, subjects=subjects, action=action, sound=sound,
                duration_s=round(float(seconds), 1))


def _field(item: dict[str, Any], name: str) -> Any:
    return next((item[key] for key in _FIELD_ALIASES[name] if item.get(key) not in (None, "", [])), None)


def _choose(raw: Any, phrases: tuple[tuple[str, str], ...], allowed: tuple[str, ...], case: Any,
            default: str, where: str, notes: list[str]) -> str:
    if raw is None:
        notes.append(f"{where}: filled missing value")
        return default
    text = case(str(raw).strip())
    if text in allowed:
        return text
    spaced = f" {re.sub(r'[^A-Za-z]+', ' ', text).strip()} "
    choice = next((value for phrase, value in phrases if f" {phrase}" in spaced), default)
    notes.append(f"{where} {str(raw)[:30]!r} -> {choice}")
    return choice


def _number(raw: Any, low: float, high: float, default: float, where: str, notes: list[str]) -> float:
    if isinstance(raw, bool):
        raw = None
    if isinstance(raw, int | float):
        number: float | None = float(raw)
    else:
        match = re.search(r"\d+(?:\.\d+)?", str(raw)) if raw is not None else None
        number = float(match.group()) if match else None
    if number is None:
        notes.append(f"{where}: filled missing value")
        return default
    clamped = min(max(number, low), high)
    if clamped != number or not isinstance(raw, int | float):
        notes.append(f"{where} {str(raw)[:20]!r} -> {clamped:g}")
    return clamped


def _subjects(raw: Any) -> list[str]:
    if isinstance(raw, str):
        raw = re.split(r",|\band\b|&", raw)
    if not isinstance(raw, list):
        return []
    names = [_text(item.get("name") if isinstance(item, dict) else item, 40) for item in raw]
    return [name for name in names if name][:4]


def _vary_thin_list(shots: list[Shot], scene: str, beats: list[str], notes: list[str], facts: Any = None
                    ) -> list[Shot]:
    """A list that is one shot repeated (same size, or the same action) gets the coverage pattern's framing."""
    count = len(shots)
    if count < 4:
        return shots
    if shots[0].sound and len({s.sound for s in shots}) == 1:  # one sound on every shot is an echo, not a design
        notes.append(f"dropped the sound {shots[0].sound[:20]!r} repeated on every shot")
        shots = [s.model_copy(update={"sound": ""}) for s in shots]
    sizes_thin = len({s.size for s in shots}) <= 2
    actions_thin = len({s.action.lower() for s in shots}) <= count // 2
    if not (sizes_thin or actions_thin):
        return shots
    varied = []
    for i, shot in enumerate(shots):
        pattern = fallback_shot(scene, i, count, beats, facts)
        update: dict[str, Any] = {}
        if sizes_thin:
            update.update(size=pattern.size, angle=pattern.angle, movement=pattern.movement,
                          lens_mm=pattern.lens_mm, duration_s=pattern.duration_s)
        if actions_thin:
            update["action"] = pattern.action
        varied.append(shot.model_copy(update=update))
    notes.append("the model's shots were near-identical: applied the coverage pattern "
                 f"({'framing' if sizes_thin else ''}{' and ' if sizes_thin and actions_thin else ''}"
                 f"{'actions' if actions_thin else ''})")
    return varied


def _text(raw: Any, limit: int) -> str:
    if raw is None or isinstance(raw, dict | list):
        return ""
    return re.sub(r"\s+", " ", str(raw)).strip()[:limit]


def _int_or(raw: Any, default: int) -> int:
    try:
        return int(raw)
    except (TypeError, ValueError):
        return default

"""Screenplays in: a Fountain file (parsed with ``screenplain``) or plain text with scene headings -> scenes.

Each scene keeps its heading (INT/EXT, place, time of day), its action, the characters from the dialogue cues
(extensions such as "(V.O.)" and the dual-dialogue caret removed) and its dialogue lines in order. Notes
(``[[...]]``), the boneyard (``/* ... */``), transitions and sections are not action and are left out.
Heading forms a strict Fountain parser does not know ("SCENE 3 - KITCHEN, NIGHT") are forced into headings
first; a text with no heading at all is one scene.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from pathlib import Path

MAX_SCRIPT_BYTES = 5 * 1024 * 1024
MAX_SCENES = 40

_HEADING = re.compile(r"^(?:INT\.?/EXT|EXT\.?/INT|I/E|INT|EXT|EST)[.\s]", re.IGNORECASE)
# Forms outside Fountain's rule: "SCENE 3 - KITCHEN, NIGHT", "Scene 2: rooftop at dawn", "INTERIOR HOUSE - DAY".
_LOOSE_HEADING = re.compile(r"^(?:scene\s+\d+\b|interior\b|exterior\b)[\s:.-]*.*$", re.IGNORECASE)
_TIMES = ("NIGHT", "DAY", "DAWN", "DUSK", "MORNING", "EVENING", "AFTERNOON", "SUNSET", "SUNRISE", "CONTINUOUS",
          "LATER", "MOMENTS LATER", "SAME TIME", "NOON", "MIDNIGHT", "TWILIGHT")


class ScriptError(ValueError):
    """A script that cannot be read (empty, binary, too large); the message says what to do."""


@dataclass
class DialogueLine:
    character: str
    text: str
    parenthetical: str = ""

    def __str__(self) -> str:
        return f"{self.character}: {self.text}"


@dataclass
class Scene:
    heading: str
    interior: str = ""  # "INT", "EXT", "INT/EXT" or ""
    place: str = ""
    time_of_day: str = ""
    action: list[str] = field(default_factory=list)
    characters: list[str] = field(default_factory=list)
    dialogue: list[DialogueLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The scene as a storyboard reads it: where and when, then what happens."""
        where = ", ".join(p for p in (self.place.title(), self.time_of_day.lower()) if p)
        action = " ".join(self.action) or self._from_dialogue()
        # The heading becomes the first beat, so the establishing shot shows the place and the time.
        return f"At {where}. {action}" if where else action

    def _from_dialogue(self) -> str:
        # A scene of talk only: the storyboard covers the speakers.
        names = " and ".join(display_name(c) for c in self.characters[:3])
        return f"{names} talk" if names else "The scene holds"


@dataclass
class Script:
    title: str
    scenes: list[Scene]
    notices: list[str] = field(default_factory=list)


def read_script(source: str | Path) -> Script:
    """A script from a file path or from the text itself."""
    path = Path(source) if isinstance(source, Path) or (len(str(source)) < 4096 and "\n" not in str(source)) \
        else None
    if path is not None and path.is_file():
        raw = path.read_bytes()
        if len(raw) > MAX_SCRIPT_BYTES:
            raise ScriptError(f"{path} is {len(raw) / 1e6:.1f} MB; a script holds at most "
                              f"{MAX_SCRIPT_BYTES // (1024 * 1024)} MB. Split it into parts.")
        if b"\x00" in raw[:8192]:
            raise ScriptError(f"{path} is a binary file, not a screenplay: export it as Fountain (.fountain) "
                              "or plain text.")
        text = raw.decode("utf-8", errors="replace")
    elif path is not None and isinstance(source, Path):
        raise ScriptError(f"There is no script file {path}.")
    else:
        text = str(source)
    return parse_script(text)


def parse_script(text: str) -> Script:
    if "\x00" in text:
        raise ScriptError("The script holds binary data: export it as Fountain or plain text.")
    if not text.strip():
        raise ScriptError("The script is empty: give a Fountain file or text with scene headings such as "
                          "\"EXT. STREET - NIGHT\".")
    from screenplain.parsers.fountain import parse
    from screenplain.types import Action, Dialog, DualDialog, Slug

    screenplay = parse(io.StringIO(_force_loose_headings(text)))
    title = " ".join(str(x) for x in screenplay.title_page.get("Title", [])) if screenplay.title_page else ""
    scenes: list[Scene] = []
    for element in screenplay:
        if isinstance(element, Slug):
            scenes.append(parse_heading(str(element.line)))
            continue
        if not scenes:
            scenes.append(Scene(heading=""))
        scene = scenes[-1]
        if isinstance(element, Action):
            lines = " ".join(str(line) for line in element.lines).strip()
            if lines:
                scene.action.append(lines)
        elif isinstance(element, Dialog | DualDialog):
            for dialog in (element.left, element.right) if isinstance(element, DualDialog) else (element,):
                _add_dialogue(scene, dialog)
    return _capped(Script(title=title, scenes=[s for s in scenes if s.heading or s.action or s.dialogue]))


def _force_loose_headings(text: str) -> str:
    """Lines that are headings in all but Fountain's form get Fountain's forcing dot."""
    lines = text.replace("\r\n", "\n").split("\n")
    return "\n".join(f".{line.strip()}" if _LOOSE_HEADING.match(line.strip()) and len(line) < 100 else line
                     for line in lines)


def parse_heading(line: str) -> Scene:
    """``EXT. BUENOS AIRES STREET - NIGHT`` -> EXT, "BUENOS AIRES STREET", "NIGHT"; unknown forms keep the line."""
    heading = re.sub(r"\s*#[^#]*#\s*$", "", line.strip().lstrip("."))  # a scene number "#12#"
    interior = ""
    match = re.match(r"^(INT\.?/EXT|EXT\.?/INT|I/E|INT|EXT|EST|INTERIOR|EXTERIOR)[.:\s]+", heading, re.IGNORECASE)
    rest = heading
    if match:
        word = match.group(1).upper().replace(".", "")
        interior = {"INTERIOR": "INT", "EXTERIOR": "EXT", "I/E": "INT/EXT", "EXT/INT": "INT/EXT"}.get(word, word)
        rest = heading[match.end():]
    rest = re.sub(r"^scene\s+\d+\s*[:.-]?\s*", "", rest, flags=re.IGNORECASE)
    place, when = rest, ""
    parts = re.split(r"\s+[-–—]\s+|,\s*", rest)
    if len(parts) > 1 and parts[-1].strip().upper() in _TIMES:
        when, place = parts[-1].strip().upper(), " - ".join(p.strip() for p in parts[:-1])
    else:
        found = re.search(rf"\b({'|'.join(_TIMES)})\b", rest.upper())
        when = found.group(1) if found else ""
    return Scene(heading=heading, interior=interior, place=place.strip(" .-"), time_of_day=when)


def cue_name(cue: str) -> str:
    """``ANA (O.S.)`` -> ``ANA``; ``TOMAS ^`` -> ``TOMAS``; ``@McCLANE`` -> ``McCLANE``."""
    return re.sub(r"\s*\([^)]*\)", "", cue).replace("^", "").lstrip("@").strip()


def display_name(cue: str) -> str:
    """``ANA`` -> ``Ana``, ``McCLANE`` stays: cues are upper case by convention, boards read better in title case."""
    return cue.title() if cue.isupper() else cue


def _add_dialogue(scene: Scene, dialog: object) -> None:
    name = cue_name(str(dialog.character))  # type: ignore[attr-defined]
    if name and name not in scene.characters:
        scene.characters.append(name)
    parenthetical, spoken = "", []
    for is_parenthetical, line in dialog.blocks:  # type: ignore[attr-defined]
        if is_parenthetical:
            parenthetical = str(line).strip("() ")
        else:
            spoken.append(str(line).strip())
    if spoken:
        scene.dialogue.append(DialogueLine(name, " ".join(spoken), parenthetical))


def _capped(script: Script) -> Script:
    if len(script.scenes) > MAX_SCENES:
        script.notices.append(f"The script has {len(script.scenes)} scenes; only the first {MAX_SCENES} were "
                              "storyboarded.")
        script.scenes = script.scenes[:MAX_SCENES]
    for scene in script.scenes:
        if not scene.action and not scene.dialogue:
            script.notices.append(f"Scene \"{scene.heading}\" has no action or dialogue; its board shows the place.")
    if not script.scenes:
        raise ScriptError("The script has no scenes: start each with a heading such as \"INT. KITCHEN - DAY\".")
    return script

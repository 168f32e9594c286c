"""The continuity report: the 180° rule, screen direction and missing coverage, checked on a shot list.

The camera side of each shot is on the shot (``side``: "A" the scene's side of the action line, "B" across it)
and so is the main subject's screen direction; a text-derived plan keeps every camera on side A. Overhead shots
sit on the line and are neutral: a cut through one may change sides (the classic way to cross the line).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass

from tools.storyboard.coverage import subject_kind
from tools.storyboard.scene import mentioned
from tools.storyboard.schema import Bible, Shot

WIDE = {"ELS", "LS"}


@dataclass(frozen=True)
class Finding:
    kind: str  # "line_cross" | "direction_flip" | "no_establishing" | "no_reverse" | "no_insert"
    shots: tuple[int, ...]
    message: str

    def to_dict(self) -> dict:
        return {**asdict(self), "shots": list(self.shots)}


def check_continuity(shots: Sequence[Shot], bible: Bible, speakers: Sequence[str] = (),
                     props: Sequence[str] = ()) -> list[Finding]:
    """Every problem an editor would hit cutting these shots in order."""
    findings = [*_line_and_direction(shots), *_coverage(shots, bible, speakers, props)]
    return findings


def _line_and_direction(shots: Sequence[Shot]) -> list[Finding]:
    findings: list[Finding] = []
    side = shots[0].side if shots else "A"
    previous: Shot | None = None
    for shot in shots:
        if shot.angle == "overhead":  # on the line: the next shot may take either side
            side, previous = "", shot
            continue
        if side and shot.side != side:
            findings.append(Finding("line_cross", (previous.number if previous else shot.number, shot.number),
                                    f"Shot {shot.number} crosses the 180° line: its camera is on side {shot.side}, "
                                    f"shot {previous.number if previous else '?'} on side {side}. Cut through a "
                                    "neutral (overhead or on-the-line) shot, or move the camera back."))
        elif previous is not None and previous.angle != "overhead" and shot.direction and previous.direction \
                and shot.direction != previous.direction:
            findings.append(Finding("direction_flip", (previous.number, shot.number),
                                    f"Screen direction flips between shots {previous.number} and {shot.number} "
                                    f"({previous.direction} -> {shot.direction}): the subject seems to turn back."))
        side, previous = shot.side, shot
    return findings


def _coverage(shots: Sequence[Shot], bible: Bible, speakers: Sequence[str], props: Sequence[str]) -> list[Finding]:
    findings: list[Finding] = []
    if shots and not any(s.size in WIDE for s in shots):
        findings.append(Finding("no_establishing", (), "No establishing or master shot (ELS/LS): the audience "
                                "never sees where the scene is."))
    people = [c.name for c in bible.characters if subject_kind(c.name) == "person"]
    talkers = list(speakers) or []
    if len(talkers) >= 2:
        singles = {_single(s, talkers) for s in shots if s.size not in WIDE}
        missing = [t for t in talkers[:2] if t not in singles]
        if missing:
            findings.append(Finding("no_reverse", (), f"No reverse for the dialogue: no single of "
                                    f"{' or '.join(missing)} (coverage needs a shot of each speaker)."))
    elif not talkers and len(people) >= 2 and sum(1 for s in shots if s.dialogue) >= 2:
        findings.append(Finding("no_reverse", (), "Dialogue without a reverse shot."))
    for prop in props[:2]:
        if not any(s.size in ("ECU", "CU") and mentioned(prop, s.action) for s in shots):
            findings.append(Finding("no_insert", (), f"No insert for the key prop \"{prop}\": add an ECU of it."))
    return findings


def _single(shot: Shot, talkers: Sequence[str]) -> str:
    """The speaker a shot is a single of (its only speaking subject), else ""."""
    named = [t for t in talkers if any(mentioned(t, s) or t.lower() in s.lower() for s in shot.subjects)]
    return named[0] if len(named) == 1 else ""

"""Scene truth of a storyboard plan, scored against labelled scenes (``storyboard_scenes.json``).

Per board:
- subjects_match: share of shots whose subjects are all named by the text (a labelled character, or a thing
  the text names) and that show at least one labelled character or named thing;
- all_characters: whether every labelled character appears in some shot;
- time_correct: the bible's time of day in the label's class (night / low sun: dawn, dusk / day);
- placeholders: subjects or characters with a capitalised name the text never gives ("Alice", "Bob");
- event_drawn: the label's key event is among the effects the set draws on the first shot.
"""

from __future__ import annotations

import json
import re
import statistics
from pathlib import Path
from typing import Any

SCENES_FILE = Path(__file__).with_name("storyboard_scenes.json")
_TIME_CLASS = {"night": "night", "dawn": "low sun", "dusk": "low sun", "morning": "day", "day": "day"}
_EVENT_EFFECT = {"collapse": "collapse", "explosion": "collapse", "fire": "smoke", "rain": "rain",
                 "vehicles": "vehicles"}


def labelled_scenes() -> list[dict[str, Any]]:
    return json.loads(SCENES_FILE.read_text(encoding="utf-8"))["scenes"]


def _named(name: str, text: str) -> bool:
    from tools.storyboard.scene import mentioned

    words = [w for w in re.findall(r"[^\W\d_]+", name) if len(w) > 2]
    return bool(words) and any(mentioned(w, text) for w in words)


def _time_class(text: str) -> str:
    lowered = text.lower()
    return next((cls for word, cls in _TIME_CLASS.items() if word in lowered), "day")


def score_plan(label: dict[str, Any], bible: dict[str, Any], shots: list[dict[str, Any]]) -> dict[str, Any]:
    """Scores for one plan, given as plain dicts (so a raw model reply scores the same way as a board)."""
    from tools.storyboard.sets import describe_set

    text = label["text"]
    characters = label["characters"]
    good = 0
    for shot in shots:
        subjects = [str(s) for s in shot.get("subjects") or []]
        all_named = bool(subjects) and all(_named(s, text) for s in subjects)
        shows = any(_named(s, " ".join(characters)) or _named(s, text) for s in subjects)
        good += all_named and shows
    seen = " ".join(str(s) for shot in shots for s in shot.get("subjects") or [])
    names = [str(c.get("name", "")) if isinstance(c, dict) else str(c) for c in bible.get("characters") or []]
    invented = sorted({n for n in [*names, *seen.split(", ")] if n[:1].isupper() and not _named(n, text)})
    first = shots[0] if shots else {}
    effects = describe_set(str(bible.get("location", "")), str(bible.get("time_of_day", "")),
                           str(first.get("action", "")), 0, bible.get("events") or [],
                           str(bible.get("weather", ""))).effects
    event = label["event"]
    return {
        "subjects_match": good / len(shots) if shots else 0.0,
        "all_characters": all(_named(c, seen) for c in characters),
        "time_correct": _time_class(str(bible.get("time_of_day", ""))) == _TIME_CLASS[label["time"]],
        "placeholders": invented,
        "event_drawn": None if event == "none" else _EVENT_EFFECT[event] in effects,
    }


def summarize(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Means over the boards of one variant and split."""
    if not rows:
        return {"boards": 0}
    events = [r["event_drawn"] for r in rows if r["event_drawn"] is not None]
    return {
        "boards": len(rows),
        "subjects_match": round(statistics.mean(r["subjects_match"] for r in rows), 3),
        "all_characters": round(statistics.mean(bool(r["all_characters"]) for r in rows), 3),
        "time_correct": round(statistics.mean(bool(r["time_correct"]) for r in rows), 3),
        "boards_with_placeholders": sum(bool(r["placeholders"]) for r in rows),
        "event_drawn": round(statistics.mean(events), 3) if events else None,
    }


def truth_score(summary: dict[str, Any]) -> float:
    """One number to compare variants: the mean of the four shares, minus the share of boards with invented
    names."""
    if not summary.get("boards"):
        return 0.0
    parts = [summary["subjects_match"], summary["all_characters"], summary["time_correct"],
             summary["event_drawn"] if summary["event_drawn"] is not None else 1.0]
    return round(statistics.mean(parts) - summary["boards_with_placeholders"] / summary["boards"], 3)

"""Fixed phrasings the parser reads: running times, awards, and "made while the war was on"."""

from __future__ import annotations

import re

NUMBER_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "an": 1, "a": 1, "ten": 10, "fifteen": 15,
                "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80,
                "ninety": 90, "hundred": 100}
MINUTE_UNITS = ("minutes", "minute", "mins", "min", "m")
HOUR_UNITS = ("hours", "hour", "hrs", "hr", "h")
# Cues after a duration: "three hours or longer", "85 minutes tops", "90 minutes or less", "2 hours plus".
AT_LEAST_AFTER = ("or longer", "or more", "or over", "plus", "and up", "and over", "or above", "minimum")
AT_MOST_AFTER = ("tops", "max", "maximum", "or less", "or shorter", "or under", "at most", "at the most")

# Phrase (space-joined normalised words) -> awards class of ``Constraints.awards``.
AWARD_PHRASES: dict[str, str] = {
    "oscar winning": "oscar_won", "oscar winner": "oscar_won", "oscar winners": "oscar_won",
    "won an oscar": "oscar_won", "won oscars": "oscar_won", "academy award winning": "oscar_won",
    "academy award winner": "oscar_won", "won an academy award": "oscar_won", "oscar nominated": "oscar_nominated",
    "academy award nominated": "oscar_nominated", "nominated for an oscar": "oscar_nominated",
    "award winning": "won", "prize winning": "won", "award winners": "won",
}

_COUNT = r"(\d+|one|two|three|four|five|six|seven|eight|nine|ten|eleven|multiple|several|many)"
_OSCARS = r"(?:oscars?|academy awards?)(?: wins| winners?| winning)?"
#: A number of Oscars won: "at least three Oscars", "won 4 or more Academy Awards", "more than five Oscars",
#: "3 oscars or more", "multiple Oscar winners". Never nominations ("two Oscar nominations").
OSCAR_COUNT = re.compile(
    rf"\b(?:(?:that |which )?(?:won|winning|winners? of|with) )?(at least |more than |over |no fewer than "
    rf"|a minimum of )?{_COUNT} (?:or more |plus )?(?:time )?{_OSCARS}(?: or more)?\b(?! nominat)")
COUNT_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
               "ten": 10, "eleven": 11, "multiple": 2, "several": 2, "many": 2}

_WAR = r"(?:wwii|ww2|world war ii|world war 2|world war two|the second world war|the war)"
#: "made during WWII", "filmed while the war was still on", "released during the war".
WARTIME_MADE = re.compile(
    rf"\b(?:made|filmed|shot|produced|released)\s+(?:during|while|in)\s+(?:{_WAR}(?:\s+was\s+(?:still\s+)?on)?)"
    rf"|\bwhile\s+{_WAR}\s+was\s+(?:still\s+)?(?:on|going on|raging)")
WARTIME_YEARS = (1939, 1945)


def _number(word: str) -> float | None:
    if word.replace(".", "", 1).isdigit():
        return float(word)
    return NUMBER_WORDS.get(word)


def duration_at(words: list[str], i: int) -> tuple[int, int] | None:
    """Minutes named at ``words[i]`` and how many tokens say it.

    "90 minutes", "2 hours", "2.5 hours", "two and a half hours", "an hour and a half", "1h30".
    """
    value = _number(words[i])
    if not value:
        return None
    nxt = words[i + 1 : i + 6]
    if nxt[:3] == ["and", "a", "half"] and len(nxt) > 3 and nxt[3] in HOUR_UNITS:
        return int((value + 0.5) * 60), 5
    if nxt[:1] and nxt[0] in MINUTE_UNITS:
        return int(value), 2
    if nxt[:1] and nxt[0] in HOUR_UNITS:
        if nxt[1:4] == ["and", "a", "half"]:
            return int((value + 0.5) * 60), 5
        skip = 2 if nxt[1:2] == ["and"] else 1  # "1 hour 30 minutes", "an hour and 40 minutes"
        minutes = _number(nxt[skip]) if len(nxt) > skip + 1 and nxt[skip + 1] in MINUTE_UNITS else None
        if minutes:
            return int(value * 60 + minutes), skip + 3
        return int(value * 60), 2
    return None


def runtime_after_cue(words: list[str], j: int) -> tuple[str, int] | None:
    """("runtime_min" | "runtime_max", tokens used) for a cue right after a duration, else ``None``."""
    for n in (3, 2, 1):
        phrase = " ".join(words[j : j + n])
        if len(words[j : j + n]) < n:
            continue
        if phrase in AT_LEAST_AFTER:
            return "runtime_min", n
        if phrase in AT_MOST_AFTER:
            return "runtime_max", n
    return None


def oscars_asked(words: list[str]) -> tuple[int, int, int] | None:
    """(at least how many Oscars, first token, token count) for a counted award phrase, else ``None``."""
    text = " ".join(words)
    found = OSCAR_COUNT.search(text)
    if not found:
        return None
    count = int(found.group(2)) if found.group(2).isdigit() else COUNT_WORDS[found.group(2)]
    if found.group(1) in ("more than ", "over "):
        count += 1
    return count, text[: found.start()].count(" "), found.group(0).count(" ") + 1

"""What a scene's text says, read without a model: who is in it, when, what the weather is and what happens.

The storyboard is checked against these facts (the text wins over the chat model's shot list): characters are
the people the text names ("a woman", "a child", "survivors", "Ana", a script's cues), never invented names;
time of day and weather come from the heading or the words; the key events (a collapse, fire, rain, vehicles)
are drawn in every frame they belong to. Each rule is a word list, so it guesses: a scene that names nobody
gets no characters rather than made-up ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

# People a scene can name without a proper name, singular -> how the board labels them.
_PEOPLE = (
    "woman", "man", "child", "girl", "boy", "kid", "baby", "toddler", "teenager", "teen", "mother", "father",
    "mom", "dad", "daughter", "son", "sister", "brother", "wife", "husband", "grandmother", "grandfather",
    "detective", "officer", "cop", "policeman", "policewoman", "soldier", "nurse", "doctor", "firefighter",
    "driver", "rider", "stranger", "guard", "thief", "priest", "nun", "waiter", "waitress", "bartender",
    "farmer", "pilot", "captain", "sailor", "fisherman", "king", "queen", "prince", "princess", "knight",
    "witch", "wizard", "student", "teacher", "journalist", "reporter", "photographer", "lawyer", "judge",
    "scientist", "astronaut", "cowboy", "sheriff", "gunman", "killer", "victim", "hero", "heroine", "couple",
    "old man", "old woman", "young man", "young woman", "girlfriend", "boyfriend", "friend", "neighbour",
    "neighbor", "survivor", "stranger", "passenger", "musician", "singer", "dancer", "boxer", "runner", "monk",
    "agent", "spy", "robot", "android", "creature", "monster", "dog", "horse", "suspect", "vendor", "shopper",
)
_GROUPS = (
    "survivors", "crowd", "people", "soldiers", "police", "children", "kids", "family", "passengers",
    "pedestrians", "villagers", "officers", "firefighters", "onlookers", "friends", "gang", "men", "women",
    "students", "dancers", "refugees", "guests", "workers", "rescuers", "paramedics", "commuters", "protesters",
    "prisoners", "guards", "riders", "horses", "wolves", "zombies",
)
_IRREGULAR_PLURAL = {"man": "men", "woman": "women", "child": "children", "policeman": "policemen",
                     "fisherman": "fishermen", "gunman": "gunmen", "old man": "old men"}
_ADJECTIVES = r"(?:old|young|little|small|tall|elderly|wounded|injured|frightened|lone|masked|hooded|pregnant)"

TIMES = (
    ("night", r"night|midnight|nighttime|nocturnal|moonlit|moonlight|after dark|in the dark"),
    ("dawn", r"dawn|sunrise|daybreak|first light"),
    ("dusk", r"dusk|sunset|twilight|golden hour|evening|magic hour"),
    ("morning", r"morning"),
    ("day", r"noon|midday|afternoon|daytime|daylight|day|sunny|sunlit"),
)
WEATHER = (
    ("rain", r"rain|raining|rainy|downpour|drizzl\w*|storm|stormy|thunder"),
    ("snow", r"snow|snowing|snowy|blizzard|sleet"),
    ("fog", r"fog|foggy|mist|misty|haze"),
)
# The key events a frame must show; the pattern reads the whole scene, so the dust stays in every shot.
EVENTS = (
    ("collapse", r"collaps\w*|crumbl\w*|topple\w*|earthquake|rubble|caves? in|caved in|implod\w*|demolish\w*"),
    ("explosion", r"explo\w*|blast|bomb\w*|detonat\w*"),
    ("fire", r"fire|burn\w*|flame\w*|blaze|ablaze|inferno|smok\w*"),
    ("rain", r"rain\w*|downpour|storm\w*"),
    ("vehicles", r"cars?|taxis?|trucks?|bus|buses|vans?|trains?|motorcycles?|motorbikes?|ambulances?|"
                 r"police cars?|jeeps?|tanks?|traffic|vehicles?|cabs?"),
    ("chase", r"chas\w*|pursu\w*"),
    ("run", r"\bruns?\b|\bran\b|running|flee\w*|fled|escap\w*|sprint\w*|rush\w*|dash\w*"),
    ("fight", r"fight\w*|punch\w*|struggl\w*|brawl\w*|wrestl\w*"),
)
DISASTER_EVENTS = {"collapse", "explosion", "fire", "fight", "chase"}
# Words that make a scene grim even without an event: no smiling faces on these.
_GRIM = r"dead|death|die[sd]?|dying|kill\w*|blood\w*|wound\w*|cr(?:y|ies|ying)|scream\w*|fear\w*|terrif\w*|" \
        r"grie\w*|funeral|panic\w*|sob\w*|weep\w*|attack\w*|shoot\w*|shot|gun\w*"


@dataclass(frozen=True)
class SceneFacts:
    """The scene as its text states it."""

    characters: tuple[str, ...]
    time_of_day: str
    weather: str = ""
    events: tuple[str, ...] = ()
    #: Whether the text states the time (a heading's NIGHT, "at dawn"); else "day" is a guess.
    time_stated: bool = False
    mood: str = "neutral"  # "neutral" | "tense"
    props: tuple[str, ...] = field(default_factory=tuple)

    @property
    def night(self) -> bool:
        return self.time_of_day == "night"


def read_scene(text: str, cues: tuple[str, ...] = ()) -> SceneFacts:
    """The facts of ``text``; ``cues`` are a screenplay's speaking characters, kept first and as written."""
    lowered = text.lower()
    when = _first_match(TIMES, lowered)
    events = tuple(name for name, pattern in EVENTS if re.search(rf"\b(?:{pattern})\b", lowered))
    tense = bool(set(events) & DISASTER_EVENTS) or bool(re.search(rf"\b(?:{_GRIM})\b", lowered))
    characters = _unique([*cues, *people_in(text)])[:6]
    return SceneFacts(characters=characters, time_of_day=when or "day", weather=_first_match(WEATHER, lowered),
                      events=events, time_stated=bool(when), mood="tense" if tense else "neutral",
                      props=tuple(props_in(text)))


def _unique(names: list[str]) -> tuple[str, ...]:
    """Names without repeats, case-insensitive and by last word ("Nurse" cue and "a nurse" are one person)."""
    kept: list[str] = []
    for name in names:
        if not any(name.lower() == k.lower() or name.lower().split()[-1] == k.lower() for k in kept):
            kept.append(name)
    return tuple(kept)


def _first_match(table: tuple[tuple[str, str], ...], lowered: str) -> str:
    return next((name for name, pattern in table if re.search(rf"\b(?:{pattern})\b", lowered)), "")


def people_in(text: str) -> list[str]:
    """The people ``text`` names, in order: proper names and "a woman", "the old man", "survivors".

    Only the first mention of a word counts ("a woman ... the woman" is one person).
    """
    found: list[tuple[int, str]] = []
    for name in proper_names(text):
        found.append((text.find(name), name))
    lowered = text.lower()
    for noun in sorted(_PEOPLE, key=len, reverse=True):
        plural = _IRREGULAR_PLURAL.get(noun, noun + "s")
        match = re.search(rf"\b(?:{_ADJECTIVES}\s+)?(?:{re.escape(noun)}|{re.escape(plural)})\b", lowered)
        if match and not any(w in label.lower().split() for w in (noun.split()[-1], plural.split()[-1])
                             for _, label in found):
            found.append((match.start(), match.group(0)))
    for group in _GROUPS:
        match = re.search(rf"\b(?:{_ADJECTIVES}\s+)?{re.escape(group)}\b", lowered)
        if match and not any(label.lower().split()[-1] == group for _, label in found):
            found.append((match.start(), match.group(0)))
    return [label for _, label in sorted(found)]


# Capitalised words that open sentences or name places and times, not people.
_NOT_NAMES = {
    "a", "an", "the", "she", "he", "they", "it", "we", "i", "you", "in", "on", "at", "as", "when", "while",
    "then", "after", "before", "there", "inside", "outside", "meanwhile", "suddenly", "later", "int", "ext",
    "night", "day", "dawn", "dusk", "morning", "evening", "continuous", "her", "his", "their", "its", "our",
    "this", "that", "these", "those", "some", "one", "two", "three", "everyone", "nobody", "someone", "cut",
    "fade", "close", "wide", "angle", "pov", "insert", "back", "from", "to", "of", "and", "but", "with",
    "street", "road", "avenue", "city", "town", "building", "house", "bar", "room", "office", "buenos", "aires",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday", "god", "christmas",
}


def proper_names(text: str) -> list[str]:
    """Capitalised words inside sentences that are not places: likely names ("Ana", "Detective Ruiz").

    A word right after a preposition of place ("in Lisbon", "on a Buenos Aires street") is a place, not a person.
    """
    names: list[str] = []
    for match in re.finditer(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:\s[A-Z][a-z]+)?)\b", text):
        words = [w for w in match.group(1).split() if w.lower() not in _NOT_NAMES]
        before = text[max(0, match.start() - 12):match.start()].lower()
        if not words or re.search(r"\b(?:in|on|at|to|from|across|through|near|of|into)\s+(?:a |an |the )?$", before):
            continue
        name = " ".join(words)
        if name not in names:
            names.append(name)
    first = re.match(r"\s*([A-Z][a-z]+)\s+(?:[a-z]+s|is|was|has)\b", text)  # "Ana runs" at the very start
    if first and first.group(1).lower() not in _NOT_NAMES and first.group(1) not in names:
        names.insert(0, first.group(1))
    return names[:4]


_PROPS = r"phone|letter|gun|pistol|revolver|rifle|knife|key|keys|photo|photograph|ring|bag|briefcase|map|" \
         r"envelope|note|badge|bottle|glass|book|watch|clock|suitcase|camera|sword|coin|necklace|locket|ticket"


def props_in(text: str) -> list[str]:
    """Objects a close insert should show ("the letter", "a gun")."""
    return list(dict.fromkeys(m.group(0) for m in re.finditer(rf"\b(?:{_PROPS})\b", text.lower())))[:3]


def mentioned(subject: str, text: str) -> bool:
    """Whether ``subject`` (a character label) is named in ``text``: by its last word, singular or plural."""
    head = subject.lower().split()[-1] if subject.split() else ""
    if not head:
        return False
    forms = {head, head + "s", head.removesuffix("s"), _IRREGULAR_PLURAL.get(head, head)}
    forms |= {s for s, p in _IRREGULAR_PLURAL.items() if p == head}
    return any(re.search(rf"\b{re.escape(form)}\b", text.lower()) for form in forms if form)

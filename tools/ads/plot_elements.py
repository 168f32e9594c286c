"""The concrete elements of a plot that copy can use: who, where, the threat and the want.

Read only from the spoiler-safe opening (``Facts.opening``: nothing from the last third of the plot). Each
element is a short phrase lifted from the plot's own words, so it is true to the record and passes grounding;
an element the opening does not show is "" and the templates that need it are skipped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tools.ads.facts import Facts, sentences

# Nouns for what threatens the hero; a plot word in this list (with the adjectives before it) is the threat.
THREATS = ("shark", "killer", "monster", "ghost", "demon", "creature", "vampire", "zombies", "zombie", "alien",
           "aliens", "army", "gang", "mob", "assassin", "storm", "virus", "plague", "dragon", "witch", "curse",
           "war", "invasion", "empire", "terrorists", "cartel", "robot", "serial killer", "beast", "outlaws",
           "spirit", "werewolf", "predator", "asteroid", "disease", "epidemic", "kidnappers", "hitman")
ROLE_WORDS = ("chief", "police", "detective", "officer", "agent", "doctor", "dr", "captain", "sheriff", "teacher",
              "young", "old", "former", "retired", "scientist", "journalist", "reporter", "lawyer", "soldier",
              "boy", "girl", "man", "woman", "widow", "student", "king", "queen", "prince", "princess", "hunter",
              "oceanographer", "farmer", "writer", "singer", "boxer", "thief", "priest", "nurse", "pilot", "marine",
              "mayor", "professor", "cop", "spy", "orphan", "rancher", "lieutenant", "sergeant", "general")
WANT_CUES = re.compile(r"\b(?:wants to|tries to|must|sets out to|plans to|hopes to|decides to|vows to|"
                       r"is determined to|struggles to|sets off to|races to|attempts to|seeks to)\s+"
                       r"(?P<want>[a-z][^.;:,]{3,60})", re.IGNORECASE)
PLACE = re.compile(r"\b(?:in|on|off|at|near|to|across)\s+(?P<the>the\s+)?(?P<place>(?:[A-Z][\w'’-]+)(?:\s+(?:of\s+)?"
                   r"[A-Z][\w'’-]+){0,3})")
NAME = re.compile(r"(?P<name>[A-Z][a-z'’-]+(?:\s+[A-Z][a-z'’-]+){0,2})")
MAX_WANT_WORDS = 8
# Capitalised words that are not people or places even mid-sentence.
NOT_NAMES = frozenset({"I", "The", "A", "An", "He", "She", "They", "His", "Her", "When", "After", "Before", "While",
                       "As", "In", "On", "At", "Christmas", "God", "Mr", "Mrs", "Ms", "Dr", "Monday", "Sunday",
                       "American", "British", "English", "French", "German", "Soviet", "World", "War", "II",
                       "January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November", "December", "Earth"})


@dataclass(frozen=True)
class PlotElements:
    """Phrases from the plot's opening; "" where the opening does not show one."""

    who: str = ""
    #: The hero's role words with the name ("police chief Martin Brody"), or just the name.
    who_full: str = ""
    where: str = ""
    threat: str = ""
    want: str = ""
    #: Every element word, for the specificity check.
    words: frozenset[str] = frozenset()

    @property
    def any(self) -> bool:
        return bool(self.who or self.where or self.threat or self.want)


def plot_elements(facts: Facts) -> PlotElements:
    """The elements of ``facts``' opening; empty when the record has no plot."""
    text = facts.opening if facts.plot else ""
    if not text:
        return PlotElements()
    people = set(facts.title.cast) | set(facts.title.directors) | {facts.name}
    who, who_full = _hero(text, people, facts.name)
    where = _place(text, who, facts.name)
    threat = _threat(text)
    want = _want(text)
    words = frozenset(w.lower() for part in (who, where, threat, want) for w in re.findall(r"[\w'’-]+", part)
                      if len(w) > 3)
    return PlotElements(who, who_full, where, threat, want, words)


def _hero(text: str, people: set[str], title: str) -> tuple[str, str]:
    """The first named character (mid-sentence capitalised words), with the role words before the name."""
    counts: dict[str, int] = {}
    first: dict[str, int] = {}
    for sentence in sentences(text):
        for m in NAME.finditer(sentence):
            name = m["name"]
            if m.start() == 0 and name.split()[0] in NOT_NAMES:
                continue
            if name in people or name == title or name.split()[0] in NOT_NAMES or _after_place_word(sentence, m):
                continue
            words = name.split()
            while len(words) > 1 and words[0].lower() in ROLE_WORDS:  # "Mayor Larry Vaughn": the role is a word
                words = words[1:]
            name = " ".join(words)
            counts[name] = counts.get(name, 0) + 1
            first.setdefault(name, text.find(name))
    if not counts:
        return "", ""
    # A character is mentioned by surname after the first time ("Martin Brody", then "Brody").
    mentions = {n: len(re.findall(rf"\b{re.escape(n.split()[-1])}\b", text)) for n in counts}
    name = min(counts, key=lambda n: (-mentions[n] - len(n.split()) * 0.5, first[n]))
    at = text.find(name)
    before = re.findall(r"[\w'’-]+", text[max(0, at - 40):at])[-3:]
    roles = []
    for word in reversed(before):
        if word.lower() not in ROLE_WORDS:
            break
        roles.insert(0, word.lower())
    return name, " ".join([*roles, name])


def _after_place_word(sentence: str, m: re.Match[str]) -> bool:
    return bool(re.search(r"\b(?:in|on|off|at|near|to|across|from|the)\s+$", sentence[:m.start()]))


def _place(text: str, who: str, title: str) -> str:
    for m in PLACE.finditer(text):
        place = m["place"]
        if place.split()[0] in NOT_NAMES or place == title or (who and place in who) or place.endswith(("'s", "’s")):
            continue
        return f"the {place}" if m["the"] else place  # "the Mojave Desert"
    return ""


def _threat(text: str) -> str:
    lowered = text.lower()
    found = [(lowered.find(f" {t}"), t) for t in THREATS if re.search(rf"\b{re.escape(t)}\b", lowered)]
    if not found:
        return ""
    at, noun = min(found)
    before = re.findall(r"[a-z'’-]+", lowered[max(0, at - 25):at])[-2:]
    adjectives = []
    for word in reversed(before):  # plain adjectives only: "great white shark", not "conquered every army"
        if word in ("a", "an", "the", "of", "and", "by", "his", "her", "their", "every", "all") or \
                word.endswith(("ed", "s", "ly", "ing")):
            break
        adjectives.insert(0, word)
    return " ".join([*adjectives, noun])


def _want(text: str) -> str:
    m = WANT_CUES.search(text)
    if not m:
        return ""
    words = m["want"].split()
    cut = words[:MAX_WANT_WORDS]
    while cut and cut[-1].lower() in ("the", "a", "an", "and", "but", "of", "to", "his", "her", "their", "with"):
        cut.pop()
    return " ".join(cut)

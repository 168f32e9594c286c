"""Meaning checks: is a draft about *this* title? Beside length, grounding, spoilers and brand safety.

* genre: no genre word outside the title's lead genres ("science fiction" for *Jaws* fails), and no spot visual
  from another genre's imagery.
* specificity: at least one concrete fact (director, cast, year, decade, runtime, score, country) or plot element
  of this title; the title's own name does not count, since every template has it.
* filler: no sentence that carries nothing of this title, apart from a short call to action. Such a sentence
  ("Smiles all round.") reads the same for every title: it is a template tell.
* cast_list: no draft that is mostly a list of names (three or more credited people, or names for half its words).
* audience: when the audience fit warned (a PG shark thriller for families), no copy that promises family fun.
"""

from __future__ import annotations

import re

from tools.ads.facts import Facts
from tools.ads.formats import SPOTS, parse_spot
from tools.ads.lead_genre import GENRE_WORDS, LeadGenre
from tools.ads.lexicon import GENRE_VISUALS, TONES
from tools.ads.plot_elements import PlotElements
from tools.ads.wordlist import common_word_ranks
from tools.search.parsing import STOPWORDS

MEANING_CHECKS = ("genre", "specificity", "filler", "cast_list", "audience")
# Words that sell a title to young children: dishonest copy for a title the audience fit warned about.
FAMILY_PROMISES = ("family-friendly", "family friendly", "for the whole family", "fun for all", "for all ages",
                   "kid-friendly", "kids will love", "smiles all round", "fun for everyone", "the whole family")
# Genre words that are also ordinary words ("a family", "the war"): a genre only before these nouns.
AMBIGUOUS = frozenset({"drama", "action", "adventure", "fantasy", "romance", "mystery", "crime", "family",
                       "history", "historical", "war", "sport", "comic", "funny", "romantic", "suspense",
                       "suspenseful", "doc", "animation", "true story", "fright", "biography", "heist", "noir"})
GENRE_NOUNS = r"(?:film|films|movie|movies|flick|night|fans?|classic|picture|epic|series|hit|pick|genre)"
# Calls to action a draft may end on without them being filler.
EXTRA_CALLS = ("now streaming", "watch now", "stream it now", "watch today", "stream it tonight", "watch it now",
               "start watching today", "press play", "press play tonight", "watch", "stream now")
# The honest audience note ("A pick for older kids and up.") is shared on purpose: it is the audience, not filler.
AUDIENCE_NOTE = "a pick for "
# A word of the plot's opening this far down the common-word list is a plot element ("summer", "beaches").
PLOT_WORD_RANK = 500
MAX_NAME_SHARE = 0.5
MAX_NAMES = 3


def _calls() -> frozenset[str]:
    calls = {c for tone in TONES.values() for c in tone.calls} | set(EXTRA_CALLS)
    return frozenset(_key(c) for c in calls)


def _key(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).strip()


class MeaningChecker:
    """The four meaning checks for one title, its lead genres and its plot elements."""

    def __init__(self, facts: Facts, lead: LeadGenre, elements: PlotElements, not_for_children: bool = False):
        """``not_for_children``: the audience fit warned that this title is not for young children, so copy
        that promises family fun is dishonest (the "audience" check)."""
        self.facts, self.lead, self.elements = facts, lead, elements
        self.not_for_children = not_for_children
        t = facts.title
        self.allowed = lead.allowed_words()
        others = {w for g, words in GENRE_WORDS.items() if g not in lead.leads for w in words}
        self.foreign = sorted(others - self.allowed, key=len, reverse=True)
        self.people = [p for p in dict.fromkeys((*t.cast, *t.directors, *t.writers)) if p]
        self.fact_terms = self._fact_terms(facts)
        ranks = common_word_ranks()
        self.plot_words = {w.lower() for w in re.findall(r"[^\W\d_][\w'’-]+", facts.opening)
                           if len(w) > 3 and w.lower() not in STOPWORDS
                           and ranks.get(w.lower(), 10**6) >= PLOT_WORD_RANK}
        self.plot_words -= {w.lower() for w in re.findall(r"[\w'’-]+", facts.name)}
        self.calls = _calls()
        allowed_genres = {g.lower() for g in lead.leads} | {"film"}
        self.foreign_visuals = {_key(v) for g, lines in GENRE_VISUALS.items() if g not in allowed_genres
                                for v in lines} - {_key(v) for g in allowed_genres for v in GENRE_VISUALS.get(g, ())}

    @staticmethod
    def _fact_terms(facts: Facts) -> set[str]:
        t = facts.title
        terms = {str(n) for n in (t.year, t.runtime_min, t.critic_score) if n}
        terms |= {facts.decade} if facts.decade else set()
        for person in (*t.directors, *t.cast, *t.writers):
            parts = [p for p in re.findall(r"[\w'’-]+", person.lower()) if len(p) > 2]
            terms |= set(parts[-1:])
        terms |= {c.lower() for c in t.countries}
        return terms

    def check(self, fmt: str, text: str) -> dict[str, list[str]]:
        spoken = self._spoken(fmt, text)
        return {"genre": self.genre_problems(fmt, text, spoken), "specificity": self.specificity_problems(spoken),
                "filler": self.filler_problems(fmt, spoken), "cast_list": self.cast_list_problems(fmt, spoken),
                "audience": self.audience_problems(text)}

    def audience_problems(self, text: str) -> list[str]:
        if not self.not_for_children:
            return []
        lowered = text.lower()
        return [f"promises family fun this title does not offer: {p!r}" for p in FAMILY_PROMISES if p in lowered]

    @staticmethod
    def _spoken(fmt: str, text: str) -> str:
        if fmt not in SPOTS:
            return text
        lines, bad = parse_spot(text)
        return "\n".join([ln.text for ln in lines if ln.kind != "VISUAL"] + bad)

    # -- genre ------------------------------------------------------------------------------------------------
    def genre_problems(self, fmt: str, text: str, spoken: str) -> list[str]:
        lowered = text.lower()
        found = []
        for word in self.foreign:
            pattern = (rf"(?<![\w-]){re.escape(word)}(?=\s+{GENRE_NOUNS}\b)|#{re.escape(word.replace(' ', ''))}\b"
                       if word in AMBIGUOUS else rf"(?<![\w-]){re.escape(word)}(?![\w-])")
            if re.search(pattern, lowered):
                found.append(f"names a genre this title is not led by: {word!r}")
                lowered = lowered.replace(word, " ")
        if fmt in SPOTS:
            lines, _ = parse_spot(text)
            found += [f"visual from another genre's imagery: {ln.text!r}" for ln in lines
                      if ln.kind == "VISUAL" and _key(ln.text) in self.foreign_visuals]
        return found

    # -- specificity --------------------------------------------------------------------------------------------
    def specific_terms(self, text: str) -> list[str]:
        """The concrete facts and plot elements of this title that ``text`` mentions."""
        words = {w.lower().strip("'’") for w in re.findall(r"[\w'’-]+", text)}
        words |= {re.sub(r"['’]s$", "", w) for w in words}
        found = sorted((words & self.fact_terms) | (words & (set(self.elements.words) | self.plot_words)))
        found += [f"{d}s" for d in re.findall(r"\b(\d{4})s\b", text) if f"{d}s" == self.facts.decade]
        return found

    def specificity_problems(self, spoken: str) -> list[str]:
        return [] if self.specific_terms(spoken) else ["nothing concrete about this title (no credit, date, "
                                                       "runtime, score or plot element)"]

    # -- filler -------------------------------------------------------------------------------------------------
    def filler_problems(self, fmt: str, spoken: str) -> list[str]:
        if fmt == "key_art_prompt":
            return []  # an image prompt is one description; specificity covers it
        name_words = {w.lower() for w in re.findall(r"[\w'’-]+", self.facts.name)}
        for person in self.people:  # "Michael J. Fox" is one name, not a sentence break
            spoken = spoken.replace(person, person.replace(".", ""))
        found = []
        for sentence in re.split(r"(?<=[.!?])\s+|\n+|\s+[|:–—]\s+", spoken):
            body = re.sub(r"#\w+", " ", sentence).strip(" .!?,;:")
            words = [w.lower() for w in re.findall(r"[\w'’-]+", body)]
            generic = _key(re.sub(rf"(?<!\w){re.escape(self.facts.name)}(?!\w)|(?<!\w){re.escape(self.facts.short)}"
                                  r"(?!\w)", "it", body))
            if not words or self.specific_terms(body) or generic in self.calls or generic.startswith(AUDIENCE_NOTE):
                continue
            content = [w for w in words if w not in STOPWORDS and w not in name_words]
            if len(content) <= 1:
                continue  # "Jaws." or "Watch." carries nothing to share
            found.append(f"filler that fits any title: {body[:60]!r}")
        return found

    # -- cast lists ---------------------------------------------------------------------------------------------
    def cast_list_problems(self, fmt: str, spoken: str) -> list[str]:
        if fmt in SPOTS:
            return []
        named = [p for p in self.people if re.search(rf"(?<!\w){re.escape(p)}(?!\w)", spoken)]
        if len(named) >= MAX_NAMES:
            return [f"a list of {len(named)} names reads as credits, not copy"]
        name_words = sum(len(p.split()) for p in named)
        total = len(re.findall(r"[\w'’-]+", re.sub(r"#\w+", " ", spoken)))
        if fmt == "logline" and total and name_words / total > MAX_NAME_SHARE:
            return ["mostly names: a logline says who does what"]
        return []

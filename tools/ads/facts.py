"""What ad copy may say about a title: the facts of its catalog record, and which part of its plot is safe.

A Wikipedia plot runs to the ending. Only its opening (the first two thirds) is ever shown to the model or used
in a template; the last third is what the spoiler guard protects.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property

from knowledge.titles import Title, factual_description, join_names
from tools.ads.lead_genre import lead_genre as choose_lead

SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’)]?\s+(?=[\"“(]?[A-Z0-9])")
# A plot needs this many sentences before it has an ending worth protecting.
MIN_PLOT_SENTENCES = 3
OPENING_SHARE = 2 / 3
MAX_PREMISE_WORDS = 30
MAX_MODEL_OPENING_CHARS = 420


# Wikipedia markup that leaks into a few plots: links, templates, table cells.
MARKUP = re.compile(r"https?://\S+|www\.\S+|\{\{|\}\}|\|")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in SENTENCE_END.split(" ".join(text.split())) if s.strip()]


def clean_plot(text: str) -> str:
    """The plot without sentences that carry wiki markup or links (they are not story, and not copy)."""
    return " ".join(s for s in sentences(text) if not MARKUP.search(s))


def has_plot(t: Title) -> bool:
    """Whether the description is a plot summary rather than the factual one built from metadata."""
    text = " ".join(t.description.split())
    return bool(text) and text != " ".join(factual_description(t).split())


def split_plot(text: str) -> tuple[str, str]:
    """(opening, ending): the ending is the last third of the text, cut at a sentence boundary."""
    parts = sentences(text)
    if len(parts) < MIN_PLOT_SENTENCES:
        return " ".join(parts), ""
    total = sum(len(p) for p in parts)
    kept, used = [], 0
    for part in parts:
        if kept and used + len(part) / 2 > total * OPENING_SHARE:
            break
        kept.append(part)
        used += len(part)
    kept = kept[: len(parts) - 1]  # the ending always gets at least one sentence
    return " ".join(kept), " ".join(parts[len(kept):])


def short_name(name: str) -> str:
    """The name before a subtitle ("Mission: Impossible" stays whole; "Alien: Covenant" too if short)."""
    for sep in (": ", " - ", " – "):
        head = name.split(sep, 1)[0]
        if head != name and len(head) >= 4:
            return head
    return name


@dataclass(frozen=True)
class Facts:
    """The record's facts in the shapes copy needs; empty strings where the record has nothing."""

    title: Title
    plot: bool
    opening: str
    ending: str
    #: The cast, best known first (the default catalog lists cast alphabetically).
    leads: tuple[str, ...] = ()
    #: How copy names the lead genre ("thriller"); "" keeps the first listed genre (today's baseline).
    genre_word: str = ""

    @classmethod
    def from_title(cls, t: Title, leads: Sequence[str] | None = None, lead_genre: bool = True) -> Facts:
        """``lead_genre=False`` names the genre the database lists first (the baseline the benchmark measures)."""
        plot = has_plot(t)
        opening, ending = split_plot(clean_plot(t.description)) if plot else ("", "")
        word = choose_lead(t, opening).word if lead_genre and t.genres else ""
        return cls(t, plot, opening, ending, tuple(leads if leads is not None else t.cast), word)

    @property
    def name(self) -> str:
        return self.title.title

    @property
    def short(self) -> str:
        return short_name(self.title.title)

    @property
    def year(self) -> str:
        return str(self.title.year) if self.title.year else ""

    @property
    def decade(self) -> str:
        return f"{self.title.year // 10 * 10}s" if self.title.year else ""

    @property
    def genre(self) -> str:
        """The lead genre in lower case ("thriller"); "film" when the record has none."""
        if self.genre_word:
            return self.genre_word
        genres = [g for g in self.title.genres if g not in ("Family", "Animation")] or self.title.genres
        return genres[0].lower() if genres else ("series" if self.title.kind == "series" else "film")

    @property
    def kind(self) -> str:
        return "series" if self.title.kind == "series" else "film"

    @property
    def director(self) -> str:
        """Every credited director ("Joel Coen" alone would drop his brother): "Ethan and Joel Coen" when they
        share a surname, else "A and B"."""
        names = list(dict.fromkeys(self.title.directors))
        if len(names) < 2:
            return names[0] if names else ""
        surnames = {n.split()[-1] for n in names}
        if len(surnames) == 1 and all(len(n.split()) == 2 for n in names):
            return join_names([n.split()[0] for n in names]) + " " + surnames.pop()
        return join_names(names)

    @property
    def director_last(self) -> str:
        """The surname(s) copy may use alone: "Coen", "Lee and Tamahori"."""
        return join_names(list(dict.fromkeys(n.split()[-1] for n in self.title.directors)))

    @property
    def stars(self) -> list[str]:
        return list(self.leads[:2])

    @property
    def star_line(self) -> str:
        return " and ".join(self.stars)

    @property
    def country(self) -> str:
        """The country as copy says it ("the United States"); "" for a co-production: the source lists countries
        alphabetically, so none of several is known to lead (Fargo is not "from the United Kingdom")."""
        name = self.title.countries[0] if len(self.title.countries) == 1 else ""
        plural = name.endswith(("States", "Kingdom", "Union", "Netherlands", "Philippines", "Republic", "Emirates"))
        return f"the {name}" if plural and not name.startswith("the ") else name

    @property
    def runtime(self) -> str:
        return str(self.title.runtime_min) if self.title.runtime_min else ""

    @property
    def score(self) -> str:
        return str(self.title.critic_score) if self.title.critic_score is not None else ""

    @cached_property
    def premise(self) -> str:
        """The plot's first sentence when it is short enough to stand as copy; else ""."""
        first = sentences(self.opening)[:1]
        if not first or len(first[0].split()) > MAX_PREMISE_WORDS or len(first[0].split()) < 6:
            return ""
        return first[0] if first[0][-1] in ".!?" else first[0] + "."

    def model_opening(self) -> str:
        """The safe part of the plot, shortened for the model's prompt (whole sentences)."""
        kept, used = [], 0
        for part in sentences(self.opening):
            if kept and used + len(part) > MAX_MODEL_OPENING_CHARS:
                break
            kept.append(part)
            used += len(part)
        return " ".join(kept)[: MAX_MODEL_OPENING_CHARS * 2]

    def hashtag(self, text: str) -> str:
        """``#JawsMovie``-style tag of ``text``: letters and digits only, words capitalised."""
        folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        words = re.findall(r"[A-Za-z0-9]+", folded.replace("'", "").replace("&", " and "))
        return "#" + "".join(w[:1].upper() + w[1:] for w in words) if words else ""

"""Whether the asked audience and tone fit the title, and the honest way to address that audience in copy.

The maturity rating decides first (an R-rated film is not family viewing, whatever its genre); without a rating,
or under a kid-friendly rating, the lead genres do (a PG shark thriller is for older kids and up, an unrated
horror film for adults). A tone that fights the lead genre ("playful" for a horror film) is flagged and the
template drafts use the genre's own tone. Every judgement is a ``warnings`` entry the marketer can read.
Audience and tone strings are user text: anything that reads like instructions to the model is dropped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from knowledge.titles import Title
from tools.ads.lead_genre import LeadGenre, copy_name

FAMILY_WORDS = frozenset({"families", "family", "kids", "children", "child", "parents", "everyone", "toddlers",
                          "preschoolers", "little ones", "all ages", "the whole family", "young children"})
TEEN_WORDS = frozenset({"teens", "teenagers", "teen", "young adults", "students", "high schoolers", "tweens"})
ADULT_RATINGS = frozenset({"R", "NC-17", "X", "TV-MA", "18", "R18"})
TEEN_RATINGS = frozenset({"PG-13", "TV-14", "M", "15", "12A"})
# Genres whose usual fare frightens or upsets young children, even under a PG.
INTENSE = frozenset({"Horror", "Thriller", "War", "Crime"})
SCARY = frozenset({"Horror", "Thriller"})
# Tones that read as light-hearted, and the genres they misrepresent.
LIGHT_TONES = frozenset({"playful", "funny", "fun", "lighthearted", "light", "whimsical", "cheerful", "quirky",
                         "silly", "goofy", "comedic", "humorous", "family"})
DARK_GENRES = frozenset({"Horror", "War", "Thriller", "Crime"})
# Words that turn a tone or audience field into instructions for the model.
INJECTION = re.compile(r"\b(ignore|disregard|instructions?|system|prompt|assistant|jailbreak|pretend|you are|"
                       r"act as|respond|reply|output|write|print|say|forget|override|developer|json|password|"
                       r"api|key)\b", re.IGNORECASE)
MAX_AUDIENCE_WORDS = 5


@dataclass
class AudienceFit:
    """How to address the audience (" for older kids and up"), and why the plan needs care."""

    audience: str
    phrase: str
    warnings: list[str] = field(default_factory=list)
    #: The tone the template drafts use instead of the asked one ("" to keep it).
    tone_override: str = ""

    @property
    def not_for_children(self) -> bool:
        """Whether the phrase had to step away from a family pitch (copy must not promise family fun)."""
        return self.phrase in (" for adults", " for teens and up", " for older kids and up")


def clean_field(value: str, name: str, warnings: list[str]) -> str:
    """A tone or audience as plain words; "" (with a warning) when it reads like instructions or is no words."""
    text = " ".join(str(value or "").split())
    if not text:
        return ""
    if INJECTION.search(text):
        warnings.append(f"The {name} looked like instructions rather than a {name} and was ignored.")
        return ""
    plain = " ".join(re.findall(r"[^\W\d_][\w'’-]*", text))
    if not plain:
        warnings.append(f"The {name} {text[:30]!r} has no words and was ignored.")
    return plain


def is_family(audience: str) -> bool:
    key = audience.lower().strip(" .")
    return key in FAMILY_WORDS or any(w in FAMILY_WORDS for w in key.split()) or "all ages" in key


def is_teen(audience: str) -> bool:
    key = audience.lower().strip(" .")
    return key in TEEN_WORDS or any(w in TEEN_WORDS for w in key.split())


def audience_fit(title: Title, lead: LeadGenre, audience: str, tone: str) -> AudienceFit:
    """Warnings for a plan that does not fit the title, and the audience phrase copy may honestly use."""
    fit = AudienceFit(audience, _plain_phrase(audience))
    rating = title.maturity_rating.upper().replace(" ", "")
    # Under a kid rating only a frightening lead genre needs care (a PG wartime romance does not); with no
    # rating at all, any intense lead genre does. A G rating is trusted.
    scary = SCARY if rating else INTENSE
    intense = [g for g in lead.leads[:1] if g in scary] if rating not in ("G", "TV-Y", "TV-G", "U") else []
    label = f"{title.label} is rated {title.maturity_rating}" if rating else f"{title.label} has no maturity rating"
    if is_family(audience):
        if rating in ADULT_RATINGS:
            fit.warnings.append(f"{label}: not a family film. Family copy is not written; drafts address adults.")
            fit.phrase = " for adults"
        elif rating in TEEN_RATINGS:
            fit.warnings.append(f"{label}: for teens and up, not young children. Drafts say so.")
            fit.phrase = " for teens and up"
        elif "Horror" in lead.leads and not rating:
            fit.warnings.append(f"{label} and is a horror film: not for a family audience without checking. "
                                "Drafts address adults.")
            fit.phrase = " for adults"
        elif intense:
            genre = copy_name(intense[0])
            fit.warnings.append(f"{label}, but it is a {genre} with frightening or violent scenes: for older kids "
                                "and up, not young children. Drafts say so.")
            fit.phrase = " for older kids and up"
    elif is_teen(audience) and rating in ADULT_RATINGS:
        fit.warnings.append(f"{label}: under-17s need a parent or guardian; drafts address adults.")
        fit.phrase = " for adults"
    fit.tone_override = _tone_clash(lead, tone, fit.warnings)
    return fit


def _tone_clash(lead: LeadGenre, tone: str, warnings: list[str]) -> str:
    words = set(tone.lower().replace(",", " ").split())
    dark = [g for g in lead.leads[:1] if g in DARK_GENRES]
    if not (words & LIGHT_TONES and dark):
        return ""
    replacement = "dark" if dark[0] == "Horror" else "thrilling"
    warnings.append(f"A {tone} tone misrepresents a {copy_name(dark[0])}: template drafts use a “{replacement}” "
                    "tone with a light touch, and nothing promises laughs the film does not have.")
    return replacement


def _plain_phrase(audience: str) -> str:
    key = " ".join(audience.lower().split()).strip(" .")
    key = re.sub(r"^(?:for|aimed at|targeting)\s+", "", key)
    if not key:
        return ""
    if is_family(key):
        return " for the whole family"
    return f" for {key}" if len(key.split()) <= MAX_AUDIENCE_WORDS else ""

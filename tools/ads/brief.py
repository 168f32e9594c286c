"""What the marketer asked for: a cleaned brief, tone and audience, with a notice for everything removed.

Profanity, slurs and competitors' names are stripped from the brief (ads never name another service), and a
brief longer than ``MAX_BRIEF_CHARS`` is truncated: the model reads a few hundred tokens, not a 50 KB document.
A free-text request ("write ad copy for Jaws aimed at families") is also read for the title, tone and audience.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tools.ads.lexicon import TONE_ALIASES, TONES
from tools.ads.wordlist import brand_safety_terms

MAX_BRIEF_CHARS = 600
MAX_FIELD_CHARS = 60
STRIPPED_CATEGORIES = ("profanity", "slur", "violence", "competitor")

_TITLE_AFTER = re.compile(
    r"\b(?:ad copy|ads?|adverts?|copy|campaign|taglines?|posts?|promos?|spots?|drafts?|promote|advertise|market|"
    r"marketing)\s+(?:for|about|of|promoting)?\s*(?P<name>[^,.;!?]+?)"
    r"(?=\s+(?:aimed|targeting|targeted|for|with|in an?|that|to|using|which)\b|[,.;!?]|$)",
    re.IGNORECASE,
)
_QUOTED = re.compile(r"[\"“'‘](?P<name>[^\"”'’]{1,120})[\"”'’]")
_AUDIENCE = re.compile(
    r"\b(?:aimed at|targeting|targeted at|audience(?: is)?:?|for)\s+(?P<who>(?:the\s+)?(?:families|family|kids|"
    r"children|teens|teenagers|parents|adults|students|couples|seniors|[\w-]+ fans|fans of [\w\s-]{1,30}?))"
    r"(?=[\s,.;!?]|$)", re.IGNORECASE)
_TONE = re.compile(r"\b(?P<tone>[a-z-]+)\s+(?:tone|voice|feel|vibe)\b|\btone:?\s+(?P<tone2>[a-z-]+)", re.IGNORECASE)


@dataclass
class Brief:
    text: str = ""
    tone: str = ""
    audience: str = ""
    notices: list[str] = field(default_factory=list)


def clean_request(brief: str = "", tone: str = "", audience: str = "") -> Brief:
    """The brief, tone and audience with unsafe terms stripped and lengths bounded; each change is noticed."""
    out = Brief()
    text = " ".join(str(brief or "").split())
    if len(text) > MAX_BRIEF_CHARS:
        out.notices.append(f"The brief was {len(text):,} characters; only the first {MAX_BRIEF_CHARS} were used.")
        text = text[:MAX_BRIEF_CHARS].rsplit(" ", 1)[0]
    out.text = _strip_terms(text, "brief", out.notices)
    out.tone = _strip_terms(_bounded(tone, "tone", out.notices), "tone", out.notices)
    out.audience = _strip_terms(_bounded(audience, "audience", out.notices), "audience", out.notices)
    return out


def _bounded(value: str, name: str, notices: list[str]) -> str:
    value = " ".join(str(value or "").split())
    if len(value) > MAX_FIELD_CHARS:
        notices.append(f"The {name} was cut to {MAX_FIELD_CHARS} characters.")
        value = value[:MAX_FIELD_CHARS].rsplit(" ", 1)[0]
    return value


def _strip_terms(text: str, where: str, notices: list[str]) -> str:
    terms = brand_safety_terms()
    for category in STRIPPED_CATEGORIES:
        found = []
        for term in terms.get(category, ()):
            body = re.escape(term.rstrip("*")) + (r"\w*" if term.endswith("*") else "")
            pattern = re.compile(rf"(?<!\w){body}(?!\w)", re.IGNORECASE)
            found += pattern.findall(text)
            text = pattern.sub("", text)
        if found:
            notices.append(_stripped_notice(category, where, found))
    return " ".join(text.split()).strip(" ,;:")


def _stripped_notice(category: str, where: str, found: list[str]) -> str:
    if category == "competitor":
        names = ", ".join(dict.fromkeys(found))
        return f"Removed {names} from the {where}: ads never name another streaming service or its trademarks."
    what = {"profanity": "profanity", "slur": "a slur", "violence": "violence-glorifying wording"}[category]
    return f"Removed {what} from the {where}: drafts stay brand-safe."


def title_candidates(request: str) -> list[str]:
    """Names a free-text request may be about, most likely first: quoted names, then "ad copy for X"."""
    names = [m["name"] for m in _QUOTED.finditer(request)]
    names += [m["name"] for m in _TITLE_AFTER.finditer(request)]
    cleaned = [re.sub(r"^(?:the film|the movie|film|movie)\s+", "", n.strip(), flags=re.IGNORECASE) for n in names]
    return list(dict.fromkeys(n for n in cleaned if n))


def audience_in(request: str) -> str:
    m = _AUDIENCE.search(request)
    return re.sub(r"^the\s+", "", m["who"], flags=re.IGNORECASE) if m else ""


def tone_in(request: str) -> str:
    for m in _TONE.finditer(request):
        word = (m["tone"] or m["tone2"] or "").lower()
        if word in TONES or word in TONE_ALIASES:
            return word
    words = re.findall(r"[a-z]+", request.lower())
    return next((w for w in words if w in TONES), "")

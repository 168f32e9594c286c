"""Model-assisted recall: a chat model names the films a half-remembered description may be; the catalog decides.

In published tip-of-the-tongue work the strongest single signal is a capable language model asked to name the
film. Here the model only proposes: a proposal counts only when it resolves to a catalog title (by name and,
when given, year), and its rank then joins the fusion as one more ranking. A model that fails, times out or
answers something that is not a list of titles costs the search nothing: it simply suggests nothing.

The model comes from outside (``tools`` never imports the assistant): ``ModelRecall(ask)`` takes any
``ask(system, user) -> text`` function; the assistant side adapts its chat model to that.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from knowledge.titles import Title, normalize_title

__all__ = ["Ask", "ModelRecall", "Proposal", "Suggestion", "parse_proposals", "recall_prompt"]

log = logging.getLogger(__name__)

Ask = Callable[[str, str], str]  # (system prompt, user message) -> the model's reply text
FindTitle = Callable[[str], list[Title]]

MAX_TITLES = 5
# The description sent is cut here: the model needs the story, not a pasted 100 KB page.
MAX_DESCRIPTION_CHARS = 600
# A remembered year may be off by one (festival vs. release year); more than that is another film.
YEAR_SLACK = 1
# A longer "title" is a sentence, not a film.
MAX_TITLE_WORDS = 14
CACHE_SIZE = 256

SYSTEM_PROMPT = (
    "You identify films from a viewer's half-remembered description. Reply with the {n} films it most likely "
    "is, most likely first, one per line, each as: Title (Year). Write nothing else."
)
# "1. Title (1999)", "- **Title** (1999)", "Title, 1999", "Title - 1999", or a bare title.
_LIST_MARK = re.compile(r"^\s*(?:[-*•]|\d{1,2}[.):]|#)?\s*(?:(?:film|movie|title)\s*\d*\s*:\s*)?", re.I)
_WITH_YEAR = re.compile(r"^(?P<title>.+?)\s*(?:\((?P<y1>(?:18|19|20)\d\d)\)|[,–—-]\s*(?P<y2>(?:18|19|20)\d\d))")
# 'The film "Heat" (1995)': the label goes, the quoted name stays.
_FILM_LABEL = re.compile(r"^(?:the\s+)?(?:film|movie)\s+(?=[\"“])", re.I)
# "Year: 1998", "Director: ..." lines describe the title above them; they are not titles.
_FIELD_LINE = re.compile(r"^(?:year|released|director|directed by|starring|cast|genre|plot|description)\s*:", re.I)
_MARKUP = re.compile(r"[{}\[\]<>]")  # half a JSON answer or a tag is not a title
_PROSE = re.compile(r"\b(sorry|i think|i believe|here are|sure|cannot|can't|could be|might be|as an ai)\b", re.I)


@dataclass(frozen=True)
class Proposal:
    """A film the model named, as written (year when it gave one)."""

    title: str
    year: int | None = None


@dataclass(frozen=True)
class Suggestion:
    """A proposal that resolved to a catalog title; ``rank`` 1 is the model's first proposal that did."""

    title_id: str
    rank: int
    proposed: str


def recall_prompt(description: str, n: int = MAX_TITLES) -> tuple[str, str]:
    return SYSTEM_PROMPT.format(n=n), description.strip()[:MAX_DESCRIPTION_CHARS]


def parse_proposals(text: str, limit: int = MAX_TITLES) -> list[Proposal]:
    """Titles in a model's reply, tolerantly: a list in any common shape, or JSON; prose yields nothing."""
    found = _from_json(text)
    if found is None:
        found = [p for line in (text or "").splitlines() if (p := _from_line(line)) is not None]
    unique = list(dict.fromkeys(found))
    return unique[:limit]


def _from_json(text: str) -> list[Proposal] | None:
    start = min((i for i in ((text or "").find("["), (text or "").find("{")) if i >= 0), default=-1)
    if start < 0:
        return None
    try:
        data = json.loads(text[start:])
    except ValueError:
        return None
    items = data.get("titles", data.get("films", [])) if isinstance(data, dict) else data
    if not isinstance(items, list):
        return None
    out = []
    for item in items:
        if isinstance(item, str) and (p := _from_line(item)) is not None:
            out.append(p)
        elif isinstance(item, dict) and isinstance(item.get("title"), str):
            year = item.get("year")
            year = int(year) if isinstance(year, int | str) and str(year).isdigit() else None
            out.append(Proposal(item["title"].strip(), year))
    return out


def _from_line(line: str) -> Proposal | None:
    text = _LIST_MARK.sub("", line.strip()).replace("**", "").replace("*", "").strip()
    text = _FILM_LABEL.sub("", text)
    if not text or _PROSE.search(text) or _MARKUP.search(text) or _FIELD_LINE.match(text):
        return None
    match = _WITH_YEAR.match(text)
    title, year = (match.group("title"), int(match.group("y1") or match.group("y2"))) if match else (text, None)
    title = title.strip().strip("\"'“”‘’`").strip()
    if not title or len(title.split()) > MAX_TITLE_WORDS or (year is None and title.endswith((".", ":", "?"))):
        return None
    return Proposal(title, year)


class ModelRecall:
    """Asks a model for candidate titles and resolves them against the catalog; answers are cached per text."""

    def __init__(self, ask: Ask, max_titles: int = MAX_TITLES, cache_size: int = CACHE_SIZE):
        self.ask, self.max_titles, self.cache_size = ask, max_titles, cache_size
        self._cache: OrderedDict[str, list[Proposal]] = OrderedDict()
        self._lock = threading.Lock()

    def propose(self, description: str) -> list[Proposal]:
        """What the model names for ``description``; nothing when it fails or answers something else."""
        key = description.strip().lower()
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        try:
            reply = self.ask(*recall_prompt(description, self.max_titles))
        except Exception as error:  # noqa: BLE001 - a broken model must cost the suggestions, never the search
            log.warning("Model recall failed (%s: %s); searching without its suggestions.",
                        type(error).__name__, error)
            return []  # not cached: the server may be back for the next query
        proposals = parse_proposals(reply if isinstance(reply, str) else "", self.max_titles)
        with self._lock:
            self._cache[key] = proposals
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return proposals

    def suggest(self, description: str, find_title: FindTitle) -> list[Suggestion]:
        """The proposals that are catalog titles, in the model's order."""
        out: list[Suggestion] = []
        for proposal in self.propose(description):
            title = resolve(proposal, find_title)
            if title is not None and all(s.title_id != title.id for s in out):
                out.append(Suggestion(title.id, len(out) + 1, f"{proposal.title} ({proposal.year or '?'})"))
        return out


def resolve(proposal: Proposal, find_title: FindTitle) -> Title | None:
    """The catalog title a proposal names: same year (within a year) when it gave one, else the exact name
    (a fuzzy name without a year is too weak: "I don't know" would find a film called something like it)."""
    candidates = find_title(proposal.title)
    if proposal.year is None:
        exact = [t for t in candidates if normalize_title(t.title) == normalize_title(proposal.title)]
        return exact[0] if exact else None
    dated = [t for t in candidates if t.year is not None and abs(t.year - proposal.year) <= YEAR_SLACK]
    return dated[0] if dated else None


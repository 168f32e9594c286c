"""Which catalog title an ad request is about: an id, a name ("Heat 1995"), or a brief that names one."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from knowledge.titles import Title
from tools.ads.brief import title_candidates
from tools.search.engine import CatalogSearch
from tools.search.lookup import Resolution, TitleResolver

# A request this long is read as a brief that names the title, not as a title.
BRIEF_MIN_WORDS = 4


class UnknownTitleError(ValueError):
    """The request names no catalog title; the message says what was meant, when a close name exists."""

    def __init__(self, message: str, candidates: Sequence[Title] = ()):
        super().__init__(message)
        self.candidates = list(candidates)


@dataclass(frozen=True)
class Resolved:
    title: Title
    #: The request read as a brief (empty when the request was just the title).
    brief: str
    notice: str


class TitleFinder:
    """Resolves ad requests against one catalog; build once (indexing 17k names takes a moment)."""

    def __init__(self, titles: Sequence[Title]):
        self.by_id = {t.id: t for t in titles}
        self.resolver = TitleResolver(titles)
        # How many catalog titles each actor is in: the default catalog lists a cast alphabetically, and
        # "Starring Anatoly Sagalevich and Anne Fletcher" is no way to sell Titanic.
        self.appearances = Counter(name for t in titles for name in t.cast)

    def leads(self, t: Title) -> list[str]:
        """``t``'s cast, best known first (stable: the record's order among equals)."""
        return sorted(t.cast, key=lambda name: -self.appearances[name])

    @classmethod
    def from_engine(cls, engine: CatalogSearch) -> TitleFinder:
        return cls(engine.index.titles)

    def find(self, request: str) -> Resolved:
        text = " ".join(str(request or "").split())
        if not text:
            raise UnknownTitleError("No title given: name a catalog title or its id, e.g. \"Jaws\" or tt0073195.")
        if text in self.by_id:
            return Resolved(self.by_id[text], "", "")
        misses: list[Resolution] = []
        # A brief is read for the names it mentions first: a whole sentence can fuzzily match some short title.
        for name in title_candidates(text) if len(text.split()) >= BRIEF_MIN_WORDS else []:
            if name in self.by_id:
                return Resolved(self.by_id[name], text, "")
            found = self.resolver.resolve(name)
            if found.ok:
                return Resolved(found.title, text, found.message)
            misses.append(found)
        direct = self.resolver.resolve(text)
        if direct.ok:
            return Resolved(direct.title, "", direct.message)
        miss = next((m for m in misses if m.candidates), direct)
        raise UnknownTitleError(miss.message or f"“{text}” is not in the catalog.", miss.candidates)

"""Titles named in chat → catalog titles: exact or close spellings, years ("Heat (1995)", "Heat 1995"), and
"did you mean" candidates when a name is ambiguous or unknown.

>>> resolver = TitleResolver(titles)
>>> resolver.resolve("Heat 1995").title.label
'Heat (1995)'
>>> resolver.resolve("The Thing").message   # two well-known films share the name: ask which
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from knowledge.titles import Title, normalize_title

# A trailing year: "Heat (1995)", "Heat 1995", "Heat, 1995", "Heat [1995]".
YEAR_SUFFIX = re.compile(r"^(?P<name>.+?)[\s,]*[(\[]?(?P<year>(?:18|19|20)\d{2})[)\]]?$")
LEADING_ARTICLE = re.compile(r"^(the|a|an) ")
# A same-name title is taken without asking only when it is this much better known than the next one.
DOMINANCE = 3.0
MIN_DOMINANT_REVIEWS = 20
# rapidfuzz scores (0-100): a misspelling is accepted from AUTO_ACCEPT, a partial name suggested from SUGGEST.
AUTO_ACCEPT = 90.0
AUTO_MARGIN = 4.0
SUGGEST = 75.0
SHORTENED_ACCEPT = 75.0
MAX_CANDIDATES = 5


@dataclass(frozen=True)
class Resolution:
    """What a name resolved to: ``title`` (or ``None``), alternatives, and a message for the viewer if needed."""

    query: str
    title: Title | None
    candidates: tuple[Title, ...] = ()
    message: str = ""

    @property
    def ok(self) -> bool:
        return self.title is not None


def fame(t: Title) -> int:
    """How well known a title is, for ordering same-name titles (critic reviews are the only signal we have)."""
    return t.critic_review_count or 0


def _labels(titles: Sequence[Title]) -> str:
    names = [t.label for t in titles]
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


class TitleResolver:
    """Resolves names against a fixed list of titles. Build once per catalog; ``resolve`` is a few ms."""

    def __init__(self, titles: Sequence[Title]):
        self.titles = list(titles)
        self._by_key: dict[str, list[Title]] = {}
        self._by_bare_key: dict[str, list[Title]] = {}  # without a leading article: "godfather" finds The Godfather
        for t in self.titles:
            key = normalize_title(t.title)
            self._by_key.setdefault(key, []).append(t)
            self._by_bare_key.setdefault(LEADING_ARTICLE.sub("", key), []).append(t)
        self._keys = list(self._by_key)

    def resolve(self, name: str) -> Resolution:
        text = " ".join(str(name or "").split())
        if not normalize_title(text):
            return Resolution(text, None, message="An empty title name was given; name a film, e.g. \"Alien\".")
        # The whole text first: "1917" and "Blade Runner 2049" are titles, not a name plus a year.
        exact = self._exact(normalize_title(text))
        if exact:
            return self._pick(text, exact, year=None)
        split = YEAR_SUFFIX.match(text)
        if split:
            key, year = normalize_title(split.group("name")), int(split.group("year"))
            same_name = self._exact(key)
            if same_name:
                return self._pick(text, same_name, year)
            return self._fuzzy(text, key, year)
        return self._fuzzy(text, normalize_title(text), None)

    def resolve_many(self, names: Sequence[str]) -> list[Resolution]:
        return [self.resolve(n) for n in names]

    # -- exact names ------------------------------------------------------------------------------------
    def _exact(self, key: str) -> list[Title]:
        return list(self._by_key.get(key) or self._by_bare_key.get(LEADING_ARTICLE.sub("", key)) or [])

    def _pick(self, text: str, same_name: list[Title], year: int | None) -> Resolution:
        ranked = sorted(same_name, key=lambda t: -fame(t))
        if year is not None:
            near = [t for t in ranked if t.year is not None and abs(t.year - year) <= 1]
            near.sort(key=lambda t: abs(t.year - year))  # stable: equal distance keeps the better known first
            if not near:
                return Resolution(text, None, tuple(ranked[:MAX_CANDIDATES]),
                                  f"No “{ranked[0].title}” from {year} in the catalog; did you mean "
                                  f"{_labels(ranked[:MAX_CANDIDATES])}?")
            ranked = near
        if len(ranked) == 1:
            return Resolution(text, ranked[0])
        best, runner_up = ranked[0], ranked[1]
        if year is not None and best.year == year and runner_up.year != year:
            return Resolution(text, best, tuple(ranked[1:MAX_CANDIDATES + 1]))
        if fame(best) >= MIN_DOMINANT_REVIEWS and fame(best) >= DOMINANCE * fame(runner_up):
            others = tuple(ranked[1:MAX_CANDIDATES + 1])
            return Resolution(text, best, others,
                              f"Taking “{text}” as {best.label}, the best known of {len(ranked)} titles with that "
                              f"name; say “{others[0].label}” if you meant another.")
        shown = ranked[:MAX_CANDIDATES]
        return Resolution(text, None, tuple(shown),
                          f"“{text}” could be {_labels(shown)}; say which, e.g. “{shown[0].label}”.")

    # -- close spellings --------------------------------------------------------------------------------
    def _fuzzy(self, text: str, key: str, year: int | None) -> Resolution:
        accepted = self._close_spelling(key)
        if accepted:
            resolved = self._pick(text, self._by_key[accepted], year)
            if resolved.ok:
                note = f"Taking “{text}” as {resolved.title.label} (closest name in the catalog)."
                return Resolution(text, resolved.title, resolved.candidates,
                                  " ".join(filter(None, [note, resolved.message])))
        suggestions = self._suggestions(key, year)
        if suggestions:
            return Resolution(text, None, tuple(suggestions),
                              f"“{text}” is not in the catalog. Did you mean {_labels(suggestions)}?")
        return Resolution(text, None, (), f"“{text}” is not in the catalog; check the spelling or add the year.")

    def _close_spelling(self, key: str) -> str | None:
        """The one catalog name ``key`` is a clear misspelling ("Allien") or shortening ("Silence of Lambs") of."""
        scored = process.extract(key, self._keys, scorer=fuzz.ratio, limit=2)
        if scored and scored[0][1] >= AUTO_ACCEPT and (len(scored) == 1 or scored[0][1] - scored[1][1] >= AUTO_MARGIN):
            return scored[0][0]
        # All the words of exactly one catalog name, which is also spelled closely: a shortened name.
        whole = process.extract(key, self._keys, scorer=fuzz.token_set_ratio, limit=2, score_cutoff=100)
        if len(whole) == 1 and fuzz.ratio(key, whole[0][0]) >= SHORTENED_ACCEPT:
            return whole[0][0]
        return None

    def _suggestions(self, key: str, year: int | None) -> list[Title]:
        # token_set_ratio also finds partial names ("shawshank" → "The Shawshank Redemption"): fine to suggest,
        # too loose to accept without asking.
        scored = process.extract(key, self._keys, scorer=fuzz.token_set_ratio, limit=MAX_CANDIDATES * 2,
                                 score_cutoff=SUGGEST)
        # Equal scores are common (every "... Godfather ..." scores alike): the better known title first.
        ranked = sorted(((score, t) for k, score, _ in scored for t in self._by_key[k]),
                        key=lambda st: (-st[0], -fame(st[1])))
        found = [t for _score, t in ranked]
        if year is not None:
            found.sort(key=lambda t: abs((t.year or 0) - year) > 1)  # stable: right era first, score order kept
        return found[:MAX_CANDIDATES]


def resolve_title(name: str, titles: Sequence[Title] | TitleResolver) -> Resolution:
    """Resolve one name; pass a ``TitleResolver`` (built once) when resolving many names against a big catalog."""
    resolver = titles if isinstance(titles, TitleResolver) else TitleResolver(titles)
    return resolver.resolve(name)

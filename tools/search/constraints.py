"""The explicit constraint object a search runs on: hard filters plus the soft, free-text intent."""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace

import numpy as np

from knowledge.memory_index import MemoryIndex
from knowledge.titles import Title, award_classes
from tools.search.hypotheses import Hypothesis

ACCLAIMED_SCORE = 80
STORY_WORDS = 6
AWARD_WORDS = {"oscar_won": "won an Oscar", "oscar_nominated": "Oscar-nominated", "won": "award-winning"}


def award_words(awards: str) -> str:
    """How a reply says an awards class: "won an Oscar", "won at least 3 Oscars"."""
    if awards.startswith("oscars_"):
        return f"won at least {awards.removeprefix('oscars_')} Oscars"
    return AWARD_WORDS[awards]


SOFT_FIELDS = ("soft_text", "semantic_text", "notices", "tones", "themes", "boosts", "hypotheses", "description",
               "era_hint")


@dataclass(frozen=True)
class Constraints:
    """What a query asks for. Hard fields filter; ``soft_text`` ranks; ``notices`` tell the viewer what we did."""

    year_min: int | None = None
    year_max: int | None = None
    genres_all: tuple[str, ...] = ()
    genres_any: tuple[str, ...] = ()
    genres_none: tuple[str, ...] = ()
    directors: tuple[str, ...] = ()
    cast: tuple[str, ...] = ()
    people_any: tuple[str, ...] = ()  # directed or acted in by any of them ("Bogart or Bacall")
    people_none: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # any of
    countries_none: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()  # any of
    languages_none: tuple[str, ...] = ()
    runtime_min: int | None = None
    runtime_max: int | None = None
    min_critic_score: int | None = None
    maturity_ratings: tuple[str, ...] = ()
    kind: str | None = None
    awards: str | None = None  # one of AWARD_WORDS, or oscars_N (at least N Oscars won)
    exclude_ids: tuple[str, ...] = ()
    soft_text: str = ""
    #: Words the semantic model should see: the soft text plus the genres asked for.
    semantic_text: str = ""
    #: Tone and theme facets asked for (they rank, never filter).
    tones: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    #: Incidental readings ("Rwanda" inside a plot description): they boost matching titles, never filter.
    boosts: tuple[Hypothesis, ...] = ()
    #: The text reads as a half-remembered story ("that movie where..."), not a list of wishes.
    description: bool = False
    #: When a remembered film was made, as the viewer recalls it ("a 70s disney comedy where..."): it boosts
    #: titles from those years (give or take ``ERA_SLACK``), never filters, since memories of dates slip.
    era_hint: tuple[int, int] | None = None
    #: Every reading of a place, person or genre, explicit or incidental (what the search may relax).
    hypotheses: tuple[Hypothesis, ...] = field(default=(), compare=False)
    notices: tuple[str, ...] = field(default=(), compare=False)

    @property
    def story_told(self) -> bool:
        """A remembered story told at length ("a hunter finds a case of drug money in the desert and..."), not a
        short wish that only reads like one ("a warm-hearted film about food and cooking"): the text signals read
        it whole and weigh keywords more. Every known-item description of the bench has 6 or more soft words, every
        mood query 4 or fewer."""
        return self.description and len(self.soft_text.split()) >= STORY_WORDS

    def with_(self, **changes: object) -> Constraints:
        return replace(self, **changes)

    @property
    def is_empty(self) -> bool:
        hard = [f.name for f in fields(self) if f.name not in SOFT_FIELDS]
        return not any(getattr(self, name) for name in hard) and not self.soft_text and not self.tones \
            and not self.themes

    def to_dict(self) -> dict:
        return {f.name: getattr(self, f.name) for f in fields(self) if getattr(self, f.name) not in (None, (), "")}

    def to_json(self) -> dict:
        """A JSON-friendly view (readings as plain dictionaries)."""
        out = self.to_dict()
        for name in ("boosts", "hypotheses"):
            if name in out:
                out[name] = [vars(h) for h in out[name]]
        return out

    def relaxed(self) -> Constraints:
        """The reading without the filters that no cue word backed: they become boosts."""
        bare = [h for h in self.hypotheses if h.explicit and not h.cued]
        changes: dict = {}
        for h in bare:
            current = changes.get(h.field, getattr(self, h.field))
            changes[h.field] = tuple(v for v in current if v != h.value)
        return self.with_(**changes, boosts=(*self.boosts, *bare))

    # -- evaluation -------------------------------------------------------------------------------------
    def to_where(self) -> dict | None:
        """The hard constraints as a Chroma ``where`` filter (``exclude_ids`` and ``awards`` are post-filtered)."""
        clauses: list[dict] = []
        _range(clauses, "year", self.year_min, self.year_max)
        _range(clauses, "runtime_min", self.runtime_min, self.runtime_max)
        if self.min_critic_score is not None:
            clauses.append({"critic_score": {"$gte": self.min_critic_score}})
        clauses += [{"genres": {"$contains": g}} for g in self.genres_all]
        clauses += [{"genres": {"$not_contains": g}} for g in self.genres_none]
        clauses += [{"directors": {"$contains": p}} for p in self.directors]
        clauses += [{"cast": {"$contains": p}} for p in self.cast]
        for person in self.people_none:
            clauses += [{"directors": {"$not_contains": person}}, {"cast": {"$not_contains": person}}]
        if self.people_any:
            either = [{role: {"$contains": p}} for p in self.people_any for role in ("directors", "cast")]
            clauses.append({"$or": either})
        _any(clauses, "genres", self.genres_any)
        _any(clauses, "countries", self.countries)
        _any(clauses, "languages", self.languages)
        clauses += [{"countries": {"$not_contains": c}} for c in self.countries_none]
        clauses += [{"languages": {"$not_contains": lang}} for lang in self.languages_none]
        if self.maturity_ratings:
            clauses.append({"maturity_rating": {"$in": list(self.maturity_ratings)}})
        if self.kind:
            clauses.append({"kind": self.kind})
        if not clauses:
            return None
        return clauses[0] if len(clauses) == 1 else {"$and": clauses}

    def to_mask(self, index: MemoryIndex) -> np.ndarray:
        """The hard constraints as a boolean row mask over an in-memory index (same meaning as ``to_where``)."""
        mask = index.all_rows()
        if self.year_min is not None or self.year_max is not None:
            mask &= index.between("year", self.year_min, self.year_max)
        if self.runtime_min is not None or self.runtime_max is not None:
            mask &= index.between("runtime_min", self.runtime_min, self.runtime_max)
        if self.min_critic_score is not None:
            mask &= index.between("critic_score", self.min_critic_score, None)
        for name, values in (("genres", self.genres_all), ("directors", self.directors), ("cast", self.cast)):
            for value in values:
                mask &= index.having(name, [value])
        for name, values in (("genres", self.genres_any), ("countries", self.countries),
                             ("languages", self.languages), ("maturity_rating", self.maturity_ratings),
                             ("kind", (self.kind,) if self.kind else ()),
                             ("awards", (self.awards,) if self.awards else ())):
            if values:
                mask &= index.having(name, values)
        if self.people_any:
            mask &= index.having("directors", self.people_any) | index.having("cast", self.people_any)
        for name, values in (("genres", self.genres_none), ("directors", self.people_none),
                             ("cast", self.people_none), ("countries", self.countries_none),
                             ("languages", self.languages_none)):
            if values:
                mask &= ~index.having(name, values)
        return mask

    def reasons(self, t: Title) -> list[str] | None:
        """Why ``t`` meets the hard constraints, or ``None`` when it fails one of them."""
        why: list[str] = []
        checks = (self._check_years, self._check_genres, self._check_people, self._check_places,
                  self._check_runtime, self._check_other)
        for check in checks:
            if not check(t, why):
                return None
        return why

    def _check_years(self, t: Title, why: list[str]) -> bool:
        if self.year_min is None and self.year_max is None:
            return True
        if t.year is None or not (self.year_min or 0) <= t.year <= (self.year_max or 9999):
            return False
        why.append(f"from {t.year}")
        return True

    def _check_genres(self, t: Title, why: list[str]) -> bool:
        have = set(t.genres)
        if not set(self.genres_all) <= have or have & set(self.genres_none):
            return False
        if self.genres_any and not have & set(self.genres_any):
            return False
        asked = [g for g in t.genres if g in self.genres_all or g in self.genres_any]
        if asked:
            why.append(" & ".join(asked).lower())
        if self.genres_none:
            why.append("not " + "/".join(self.genres_none).lower())
        return True

    def _check_people(self, t: Title, why: list[str]) -> bool:
        if not set(self.directors) <= set(t.directors) or not set(self.cast) <= set(t.cast):
            return False
        if set(self.people_none) & (set(t.directors) | set(t.cast)):
            return False
        if self.people_any and not set(self.people_any) & (set(t.directors) | set(t.cast)):
            return False
        why += [f"directed by {p}" for p in self.directors] + [f"stars {p}" for p in self.cast]
        why += [f"directed by {p}" if p in t.directors else f"stars {p}" for p in self.people_any
                if p in t.directors or p in t.cast]
        return True

    def _check_places(self, t: Title, why: list[str]) -> bool:
        if self.countries and not set(self.countries) & set(t.countries):
            return False
        if self.languages and not set(self.languages) & set(t.languages):
            return False
        if set(self.countries_none) & set(t.countries) or set(self.languages_none) & set(t.languages):
            return False
        why += [f"from {c}" for c in t.countries if c in self.countries]
        why += [f"in {lang}" for lang in t.languages if lang in self.languages]
        return True

    def _check_runtime(self, t: Title, why: list[str]) -> bool:
        if self.runtime_min is None and self.runtime_max is None:
            return True
        if t.runtime_min is None or not (self.runtime_min or 0) <= t.runtime_min <= (self.runtime_max or 10**6):
            return False
        why.append(f"{t.runtime_min} min")
        return True

    def _check_other(self, t: Title, why: list[str]) -> bool:
        if t.id in self.exclude_ids or (self.kind and t.kind != self.kind):
            return False
        if self.maturity_ratings and t.maturity_rating not in self.maturity_ratings:
            return False
        if self.awards:
            if self.awards not in award_classes(t.awards):
                return False
            why.append(t.awards.rstrip("."))
        if self.min_critic_score is not None:
            if t.critic_score is None or t.critic_score < self.min_critic_score:
                return False
            why.append(f"critics {t.critic_score}%")
        return True


def _range(clauses: list[dict], key: str, low: int | None, high: int | None) -> None:
    if low is not None:
        clauses.append({key: {"$gte": low}})
    if high is not None:
        clauses.append({key: {"$lte": high}})


def _any(clauses: list[dict], key: str, values: tuple[str, ...]) -> None:
    if len(values) == 1:
        clauses.append({key: {"$contains": values[0]}})
    elif values:
        clauses.append({"$or": [{key: {"$contains": v}} for v in values]})

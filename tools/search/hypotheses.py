"""Is a word in a query a filter the viewer asked for, or part of a story they remember?

"German war movies" asks for German films; "a hotel manager shelters refugees during the genocide in Rwanda"
only tells a story that happens in Rwanda. Each place, person or genre the parser recognises becomes a
``Hypothesis`` that records how it was phrased. Explicit ones (cued: "from Germany", "by Kubrick", "war movies",
or any of them in a short, list-like query) filter; incidental ones (inside a description) only boost, and the
search says which reading it used.
"""

from __future__ import annotations

from dataclasses import dataclass

FILM_NOUNS = {"movie", "movies", "film", "films", "flick", "flicks", "picture", "pictures", "cinema", "classics",
              "comedies", "dramas", "thrillers", "westerns", "documentaries", "musicals", "series", "shows"}
# Openings that announce a half-remembered story rather than a list of wishes.
DESCRIPTION_OPENERS = ("that movie where", "that film where", "the movie where", "the film where", "the one where",
                       "a movie where", "a film where", "movie where", "film where", "what is the movie",
                       "what was the movie", "what s the movie", "whats the movie", "i remember a")
# A query with at least this many story words (not genre, place, era, runtime or filler words) is a description.
DESCRIPTION_WORDS = 4


@dataclass(frozen=True)
class Hypothesis:
    """One reading of a phrase: ``field`` = ``value``, explicit (filters) or incidental (boosts)."""

    field: str  # a Constraints field: countries, genres_all, cast, directors, languages
    value: str
    phrase: str  # the viewer's words
    explicit: bool
    cued: bool  # a cue word made it explicit ("from", "by", "starring", a film noun): safe even in a story

    def reading(self) -> str:
        what = {"countries": "a country filter", "genres_all": "a genre filter", "cast": "a cast filter",
                "directors": "a director filter", "languages": "a language filter",
                "people_any": "a person filter"}.get(self.field, "a filter")
        return f"I read '{self.phrase}' as part of the story, not {what}."


def is_description(words: list[str], story_words: int) -> bool:
    text = " ".join(words)
    return story_words >= DESCRIPTION_WORDS or any(text.startswith(o) for o in DESCRIPTION_OPENERS)


def followed_by_film_noun(words: list[str], end: int, genre_words: frozenset[str] | set[str]) -> bool:
    """``words[end:]`` starts with a film noun, possibly after more genre words ("German war movies")."""
    j = end
    while j < len(words) and words[j] in genre_words:
        j += 1
    return j < len(words) and words[j] in FILM_NOUNS | genre_words

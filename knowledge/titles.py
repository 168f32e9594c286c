"""The ``Title`` record and the cleaning rules shared by every catalog source."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field

KINDS = ("movie", "series")

# Catalog genre vocabulary. Source strings are mapped onto these names so that search, filters and the UI
# all speak one language ("Sci-Fi" and "Science Fiction" are the same genre).
GENRE_ALIASES: dict[str, str] = {
    "sci-fi": "Science Fiction",
    "science fiction": "Science Fiction",
    "scifi": "Science Fiction",
    "biopic": "Biography",
    "sports": "Sport",
    "historical": "History",
    "animated": "Animation",
    "docu": "Documentary",
    "film-noir": "Film Noir",
    "film noir": "Film Noir",
    "noir": "Film Noir",
}

COUNTRY_ALIASES: dict[str, str] = {
    "usa": "United States",
    "us": "United States",
    "united states of america": "United States",
    "uk": "United Kingdom",
    "kingdom of great britain": "United Kingdom",
    "wales": "United Kingdom",
    "people's republic of china": "China",
    "republic of china": "Taiwan",
    "taiwan island": "Taiwan",
    "british hong kong": "Hong Kong",
    "kingdom of italy": "Italy",
    "kingdom of the netherlands": "Netherlands",
    "west germany": "Germany",
    "georgian ssr": "Georgia",
    "occupied palestinian territory": "Palestine",
    "federal republic of yugoslavia": "Yugoslavia",
    "socialist federal republic of yugoslavia": "Yugoslavia",
    "the bahamas": "Bahamas",
}

LANGUAGE_ALIASES: dict[str, str] = {
    "american english": "English",
    "australian english": "English",
    "australian aboriginal english": "English",
    "standard chinese": "Mandarin",
    "putonghua": "Mandarin",
    "standard taiwanese mandarin": "Mandarin",
    "yue chinese": "Cantonese",
    "modern greek": "Greek",
    "modern hebrew": "Hebrew",
    "brazilian portuguese": "Portuguese",
    "quebec french": "French",
    "flemish dutch": "Dutch",
    "kurdish language": "Kurdish",
    "neapolitan language": "Neapolitan",
    "egyptian language": "Egyptian",
    "bangla": "Bengali",
    "multiple languages": "",
    "artistic language": "",
}


def clean_text(value: object) -> str:
    """Normalise unicode and whitespace; ``None``/NaN become an empty string."""
    if value is None or (isinstance(value, float) and value != value):
        return ""
    text = unicodedata.normalize("NFC", str(value))
    return re.sub(r"\s+", " ", text).strip()


def split_list(value: object) -> list[str]:
    """Split "a, b; c" or a real list into clean, de-duplicated items, keeping order."""
    if value is None:
        return []
    items = value if isinstance(value, list | tuple) else re.split(r"[,;|]", clean_text(value))
    seen: dict[str, None] = {}
    for item in items:
        text = clean_text(item).strip('"')
        if text:
            seen.setdefault(text, None)
    return list(seen)


def join_names(names: list[str]) -> str:
    """Names as prose: "A", "A and B", "A, B and C" ("" for none)."""
    if len(names) < 2:
        return names[0] if names else ""
    return ", ".join(names[:-1]) + " and " + names[-1]


def _canonical(items: list[str], aliases: dict[str, str]) -> list[str]:
    out: dict[str, None] = {}
    for item in items:
        name = aliases.get(item.lower(), item)
        if name:
            out.setdefault(name, None)
    return list(out)


def clean_genres(value: object) -> list[str]:
    return _canonical([g.title() if g.islower() else g for g in split_list(value)], GENRE_ALIASES)


def clean_countries(value: object) -> list[str]:
    return _canonical(split_list(value), COUNTRY_ALIASES)


def clean_languages(value: object) -> list[str]:
    return _canonical(split_list(value), LANGUAGE_ALIASES)


def normalize_title(text: str) -> str:
    """Lower-case ASCII-folded title for matching ("Amélie" and "amelie" match; punctuation ignored)."""
    folded = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    folded = re.sub(r"&", " and ", folded.lower())
    return re.sub(r"[^a-z0-9]+", " ", folded).strip()


@dataclass(frozen=True)
class Title:
    """One catalog entry. Only ``id`` and ``title`` are required."""

    id: str
    title: str
    year: int | None = None
    kind: str = "movie"
    genres: list[str] = field(default_factory=list)
    directors: list[str] = field(default_factory=list)
    cast: list[str] = field(default_factory=list)
    writers: list[str] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    runtime_min: int | None = None
    maturity_rating: str = ""
    description: str = ""
    #: Share of positive critic reviews, 0–100.
    critic_score: int | None = None
    critic_review_count: int | None = None
    source: str = ""
    #: Awards as the source words them ("Won 2 Oscars. Another 5 wins & 9 nominations.").
    awards: str = ""
    #: Tone words (``dark``, ``feel-good``...) and themes (``heist``, ``time travel``...) a catalog may give;
    #: the default catalog's are derived at ingest (``tools.search.facets``), a bring-your-own catalog may set them.
    moods: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.title} ({self.year})" if self.year else self.title

    @property
    def has_plot(self) -> bool:
        """Whether the description is a real plot or blurb, not one generated from the facts (those open with
        the title)."""
        return self.source.endswith("wikipedia") or not self.description.startswith(self.title)

    def to_dict(self) -> dict:
        return asdict(self)

    def content_hash(self) -> str:
        """Stable hash of everything indexed, so unchanged titles are skipped on re-ingest."""
        payload = json.dumps(self.to_dict(), sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(payload.encode()).hexdigest()[:16]


def factual_description(t: Title) -> str:
    """A plain description built only from metadata, for titles without a plot summary."""
    parts = []
    kind = "series" if t.kind == "series" else "film"
    genre = "/".join(g.lower() for g in t.genres[:3])
    origin = f" from {', '.join(t.countries[:2])}" if t.countries else ""
    year = f" ({t.year})" if t.year else ""
    parts.append(f"{t.title}{year} is a {genre + ' ' if genre else ''}{kind}{origin}.")
    if t.directors:
        parts.append(f"Directed by {', '.join(t.directors[:3])}.")
    if t.cast:
        parts.append(f"With {', '.join(t.cast[:4])}.")
    if t.runtime_min:
        parts.append(f"Runtime {t.runtime_min} minutes.")
    return " ".join(parts)


MAX_OSCAR_CLASS = 11  # the record (Ben-Hur, Titanic, The Return of the King)


def award_classes(awards: str) -> list[str]:
    """What an awards line says, as filterable classes: ``oscar_won``, ``oscar_nominated``, ``won``, and
    ``oscars_N`` for every N from 2 to the number of Oscars won."""
    text = awards.lower()
    classes = []
    won = re.search(r"\bwon (\d+) oscars?\b", text)
    if won:
        classes += ["oscar_won", "oscar_nominated"]
        # "at least N Oscars" as classes, so a count filters like any other class (a handful of films won 11).
        classes += [f"oscars_{n}" for n in range(2, min(int(won.group(1)), MAX_OSCAR_CLASS) + 1)]
    elif "oscar" in text:
        classes.append("oscar_nominated")
    if re.search(r"\bwon\b|\bwins?\b", text):
        classes.append("won")
    return classes

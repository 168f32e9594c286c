"""Interaction logs (who rated what): ``user_id,item_id,rating[,timestamp]`` as CSV or Parquet.

Item ids are catalog ids. A log is data, not configuration: rows that cannot be used (an item the catalog does
not hold, a rating that is not a number in range, a missing user) are skipped, counted and reported, never fatal.
A file that cannot be a log at all (missing, unreadable, without the required columns) raises
``InteractionFileError`` with what to fix.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

REQUIRED_COLUMNS = ("user_id", "item_id", "rating")
SUPPORTED_SUFFIXES = (".csv", ".parquet")
DEFAULT_RATING_RANGE = (0.0, 10.0)
EXAMPLES_KEPT = 5


class InteractionFileError(ValueError):
    """The file cannot be read as an interaction log; the message says how to fix it."""


@dataclass
class LoadReport:
    """What happened to each row of a log: kept, or skipped and why."""

    source: str
    total_rows: int = 0
    kept: int = 0
    skipped: Counter = field(default_factory=Counter)  # reason -> count
    examples: dict[str, list[int]] = field(default_factory=dict)  # reason -> first row numbers (1-based)
    duplicates_merged: int = 0

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())

    def summary(self) -> str:
        text = f"{self.source}: kept {self.kept:,} of {self.total_rows:,} interactions"
        if self.skipped:
            parts = [f"{count:,} {reason} (rows {', '.join(map(str, self.examples[reason]))}"
                     f"{', ...' if count > len(self.examples[reason]) else ''})"
                     for reason, count in self.skipped.most_common()]
            text += "; skipped " + "; ".join(parts)
        if self.duplicates_merged:
            text += f"; {self.duplicates_merged:,} repeated user/item pairs merged (latest kept)"
        return text + "."


@dataclass
class InteractionLog:
    """Clean interactions, one row per (user, item), as parallel arrays."""

    users: np.ndarray  # object array of str
    items: np.ndarray  # object array of catalog ids
    ratings: np.ndarray  # float32
    timestamps: np.ndarray | None  # float64 seconds, or None when the log has no time
    report: LoadReport

    def __len__(self) -> int:
        return len(self.users)

    @property
    def item_ids(self) -> list[str]:
        return sorted(set(self.items.tolist()))

    @classmethod
    def from_frame(cls, frame: pd.DataFrame, known_items: Collection[str] | None = None, source: str = "log",
                   rating_range: tuple[float, float] = DEFAULT_RATING_RANGE) -> InteractionLog:
        """Validate a data frame with the log columns; bad rows are skipped and counted in ``report``."""
        missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
        if missing:
            raise InteractionFileError(
                f"{source}: missing column(s) {missing}. An interaction log needs the columns "
                f"user_id,item_id,rating and optionally timestamp (got {list(frame.columns)}).")
        report = LoadReport(source, total_rows=len(frame))
        clean = _clean_columns(frame)
        bad = _row_problems(clean, known_items, rating_range, "timestamp" in frame.columns)
        for reason, mask in bad.items():
            _count(report, reason, mask)
        ok = ~np.logical_or.reduce(list(bad.values())) if bad else np.ones(len(clean), dtype=bool)
        clean = clean[ok]
        has_time = "timestamp" in frame.columns
        before = len(clean)
        if has_time:
            clean = clean.sort_values("timestamp", kind="stable")
        clean = clean.drop_duplicates(["user_id", "item_id"], keep="last")
        report.duplicates_merged = before - len(clean)
        report.kept = len(clean)
        return cls(
            users=clean["user_id"].to_numpy(dtype=object),
            items=clean["item_id"].to_numpy(dtype=object),
            ratings=clean["rating"].to_numpy(dtype=np.float32),
            timestamps=clean["timestamp"].to_numpy(dtype=np.float64) if has_time else None,
            report=report,
        )


def _clean_columns(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame({
        "user_id": frame["user_id"].map(_text),
        "item_id": frame["item_id"].map(_text),
        "rating": pd.to_numeric(frame["rating"], errors="coerce"),
    }, index=frame.index)
    if "timestamp" in frame.columns:
        out["timestamp"] = _seconds(frame["timestamp"])
    return out.reset_index(drop=True)


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a numeric id column read as floats: 42.0 is the id "42"
    return str(value).strip()


def _seconds(column: pd.Series) -> pd.Series:
    """Epoch seconds from numbers or date strings; NaN where neither parses."""
    numeric = pd.to_numeric(column, errors="coerce")
    if numeric.notna().sum() >= column.notna().sum():
        return numeric.astype(float)
    parsed = pd.to_datetime(column, errors="coerce", utc=True, format="mixed")
    seconds = (parsed - pd.Timestamp(0, tz="UTC")).dt.total_seconds()
    return numeric.where(numeric.notna(), seconds).astype(float)


def _row_problems(clean: pd.DataFrame, known_items: Collection[str] | None, rating_range: tuple[float, float],
                  has_time: bool) -> dict[str, np.ndarray]:
    """Reason -> mask of rows with that problem; each row is counted under its first problem only."""
    low, high = rating_range
    rating = clean["rating"].to_numpy(dtype=float)
    checks = {
        "missing user id": (clean["user_id"] == "").to_numpy(),
        "missing item id": (clean["item_id"] == "").to_numpy(),
        "unknown item id": (~clean["item_id"].isin(known_items)).to_numpy() if known_items is not None else None,
        f"bad rating (not a number in [{low:g}, {high:g}])": ~(np.isfinite(rating) & (rating >= low)
                                                                 & (rating <= high)),
        "bad timestamp": ~np.isfinite(clean["timestamp"].to_numpy(dtype=float)) if has_time else None,
    }
    taken = np.zeros(len(clean), dtype=bool)
    out: dict[str, np.ndarray] = {}
    for reason, mask in checks.items():
        if mask is None:
            continue
        mask = mask & ~taken
        taken |= mask
        if mask.any():
            out[reason] = mask
    return out


def _count(report: LoadReport, reason: str, mask: np.ndarray) -> None:
    rows = np.flatnonzero(mask)
    report.skipped[reason] += len(rows)
    report.examples[reason] = [int(r) + 1 for r in rows[:EXAMPLES_KEPT]]


def read_log_frame(path: Path) -> pd.DataFrame:
    """The raw table of a CSV or Parquet log (every column as read)."""
    if not path.exists():
        raise InteractionFileError(f"Interaction log not found: {path}. Pass a CSV or Parquet file with the "
                                   "columns user_id,item_id,rating[,timestamp].")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise InteractionFileError(f"{path}: unsupported file type {suffix!r}; use one of {SUPPORTED_SUFFIXES}.")
    try:
        if suffix == ".csv":
            # Ids stay text: "007" and "7" are different ids, and catalog ids such as tt0078748 are not numbers.
            return pd.read_csv(path, dtype={"user_id": str, "item_id": str}, skipinitialspace=True)
        return pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001 - any parser error becomes a readable message
        raise InteractionFileError(f"{path}: cannot be read as {suffix[1:].upper()} ({exc}).") from exc


def load_interactions(path: str | Path, known_items: Collection[str] | None = None,
                      rating_range: tuple[float, float] = DEFAULT_RATING_RANGE) -> InteractionLog:
    """Load a log; rows with unknown items or bad ratings are skipped and counted in ``log.report``."""
    path = Path(path)
    known = set(known_items) if known_items is not None else None
    return InteractionLog.from_frame(read_log_frame(path), known, source=path.name, rating_range=rating_range)

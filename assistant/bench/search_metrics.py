"""Labelled sets and scoring for the search benchmark, independent of the search code on purpose.

Four sets live beside this module: ``search_queries.json`` (the original 54 constraint queries),
``search_constraints.json`` (more constraint queries), ``search_known_items.json`` (plot descriptions of one film)
and ``search_moods.json`` (mood/theme queries with the titles a critic would accept). Every item of the three newer
sets carries ``split``: ``tune`` (may be looked at while tuning), ``heldout`` (never tuned on)
``heldout2`` (a fresh held-out split, written blind to the system after ``heldout``'s failures had been seen) or
``heldout3`` (another, written blind once ``heldout2``'s aggregates had been seen during tuning).
"""

from __future__ import annotations

import json
import re
import sqlite3
from functools import lru_cache
from pathlib import Path

import numpy as np

from knowledge.titles import Title

HERE = Path(__file__).parent
QUERIES_FILE = HERE / "search_queries.json"
CONSTRAINTS_FILE = HERE / "search_constraints.json"
KNOWN_ITEMS_FILE = HERE / "search_known_items.json"
MOODS_FILE = HERE / "search_moods.json"
#: ``heldout2`` was written later, blind to the system, once ``heldout``'s failures had been looked at;
#: ``heldout3`` later still, once ``heldout2``'s aggregate figures had been printed while tuning.
SPLITS = ("tune", "heldout", "heldout2", "heldout3")
TOP_K = 10


def load_queries(path: Path = QUERIES_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def load_constraints(path: Path = CONSTRAINTS_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def load_known_items(path: Path = KNOWN_ITEMS_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["items"]


def load_moods(path: Path = MOODS_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


@lru_cache(maxsize=1)
def oscar_wins() -> dict[str, int]:
    """Oscar wins per IMDb id, read from the Awards text of the installed ``movies.db`` ("Won 3 Oscars. ...").

    Read here rather than from the index so that the benchmark's judge does not depend on what the search layer
    chose to store.
    """
    from knowledge.default_catalog import movies_db_path

    with sqlite3.connect(f"file:{movies_db_path()}?mode=ro", uri=True) as conn:
        rows = conn.execute("SELECT imdbID, Awards FROM omdb").fetchall()
    wins = {}
    for imdb_id, awards in rows:
        found = re.search(r"Won (\d+) Oscars?", awards or "")
        if imdb_id and found:
            wins[imdb_id] = int(found.group(1))
    return wins


def labelled_titles() -> set[str]:
    """Titles the shipped facet labels name as having some facet: Marquee knows their facets, it does not guess."""
    from tools.search.facet_calibration import Labels

    return set().union(*Labels.load(themes=()).positives.values())


def _base_id(title_id: str) -> str:
    return title_id.split("-")[0]  # "tt0123-2": the default catalog's suffix for a second row with one IMDb id


def meets(t: Title, expect: dict, oscars: dict[str, int] | None = None) -> bool:
    """Does ``t`` satisfy a labelled expectation? Keys are described in the sets' ``about`` fields."""
    def within(value, bounds):
        low, high = bounds
        return value is not None and (low is None or value >= low) and (high is None or value <= high)

    def oscar_count() -> int:
        return (oscar_wins() if oscars is None else oscars).get(_base_id(t.id), 0)

    checks = [
        lambda: "year" not in expect or within(t.year, expect["year"]),
        lambda: "runtime" not in expect or within(t.runtime_min, expect["runtime"]),
        lambda: set(expect.get("genres_all", [])) <= set(t.genres),
        lambda: "genres_any" not in expect or bool(set(expect["genres_any"]) & set(t.genres)),
        lambda: not set(expect.get("genres_none", [])) & set(t.genres),
        lambda: set(expect.get("directors", [])) <= set(t.directors),
        lambda: set(expect.get("cast", [])) <= set(t.cast),
        lambda: "person_any" not in expect or bool(set(expect["person_any"]) & set(t.directors + t.cast)),
        lambda: "countries_any" not in expect or bool(set(expect["countries_any"]) & set(t.countries)),
        lambda: "languages_any" not in expect or bool(set(expect["languages_any"]) & set(t.languages)),
        lambda: ("first_language_none" not in expect
                 or (bool(t.languages) and t.languages[0] not in expect["first_language_none"])),
        lambda: "min_critic" not in expect or (t.critic_score or 0) >= expect["min_critic"],
        lambda: "oscars_won" not in expect or oscar_count() >= expect["oscars_won"],
    ]
    return all(check() for check in checks)


def precision(titles: list[Title], expect: dict, oscars: dict[str, int] | None = None) -> float:
    """Share of the top 10 that meet every constraint; an empty answer scores 0."""
    top = titles[:TOP_K]
    return sum(meets(t, expect, oscars) for t in top) / len(top) if top else 0.0


def rank_of(ids: list[str], target: str, k: int = TOP_K) -> int | None:
    """1-based rank of ``target`` within the first ``k`` ids, or None."""
    for n, title_id in enumerate(ids[:k], start=1):
        if title_id == target:
            return n
    return None


def hit_at(ids: list[str], target: str, k: int = TOP_K) -> float:
    return 1.0 if rank_of(ids, target, k) else 0.0


def reciprocal_rank(ids: list[str], target: str, k: int = TOP_K) -> float:
    """1/rank within the first ``k`` (MRR@k once averaged); 0 when the film is not there."""
    rank = rank_of(ids, target, k)
    return 1.0 / rank if rank else 0.0


def accepted_share(ids: list[str], accepted: set[str], k: int = TOP_K) -> float:
    """Share of the first ``k`` slots filled by accepted titles. The divisor is ``k``, not the number returned:
    a mood query that returns three right titles has not filled a page of ten."""
    return sum(title_id in accepted for title_id in ids[:k]) / k


def judged_sets(mood_query: dict) -> tuple[set[str], set[str]]:
    """(ids judged yes, ids judged at all) in a mood query's pooled judgments (empty for a set without them)."""
    yes = {row[0] for row in mood_query.get("judged_yes", ())}
    return yes, yes | {row[0] for row in mood_query.get("judged_no", ())}


def mean(values: list[float]) -> float | None:
    return round(float(np.mean(values)), 4) if values else None


def percentiles(latencies_ms: list[float]) -> dict:
    if not latencies_ms:
        return {"p50": None, "p95": None, "n": 0}
    lat = np.array(latencies_ms)
    return {"p50": round(float(np.percentile(lat, 50)), 2), "p95": round(float(np.percentile(lat, 95)), 2),
            "n": len(latencies_ms)}


def by_split(rows: list[dict], metric: str, systems: tuple[str, ...]) -> dict:
    """``{split: {system: mean of row[system][metric]}}`` for each split and for all rows together."""
    out = {}
    for split in (*SPLITS, "all"):
        chosen = [r for r in rows if split == "all" or r["split"] == split]
        out[split] = {s: mean([r[s][metric] for r in chosen]) for s in systems}
        out[split]["n"] = len(chosen)
    return out

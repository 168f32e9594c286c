"""Interaction logs: bad rows are reported, skipped and counted; unusable files raise with a fix-it message."""

import importlib.util

import numpy as np
import pandas as pd
import pytest

from knowledge.interactions import InteractionFileError, load_interactions
from knowledge.movielens import map_items, title_variants
from knowledge.titles import Title

KNOWN = {"tt1", "tt2", "tt3"}
CSV = """user_id,item_id,rating,timestamp
u1,tt1,5,100
u1,tt2,4,200
u2,tt9,5,100
u2,tt3,abc,150
u3,tt1,11,100
,tt2,3,100
u3,tt2,4,yesterday-ish
u3,tt3,2.5,2024-01-02T10:00:00Z
u1,tt1,3,300
"""


@pytest.fixture
def log_csv(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(CSV)
    return path


def test_bad_rows_are_skipped_counted_and_reported(log_csv):
    log = load_interactions(log_csv, known_items=KNOWN)
    r = log.report
    assert r.total_rows == 9
    assert r.skipped["unknown item id"] == 1 and r.examples["unknown item id"] == [3]
    bad_rating = next(reason for reason in r.skipped if reason.startswith("bad rating"))
    assert r.skipped[bad_rating] == 2 and r.examples[bad_rating] == [4, 5]
    assert r.skipped["missing user id"] == 1 and r.skipped["bad timestamp"] == 1
    assert r.skipped_total == 5
    # u1 rated tt1 twice: the later rating (3 at t=300) is kept.
    assert r.duplicates_merged == 1 and r.kept == len(log) == 3
    summary = r.summary()
    assert "kept 3 of 9" in summary and "unknown item id" in summary and "rows 3" in summary


def test_clean_rows_keep_ids_ratings_and_time(log_csv):
    log = load_interactions(log_csv, known_items=KNOWN)
    rows = sorted(zip(log.users, log.items, log.ratings, log.timestamps, strict=True))
    assert rows[0][:3] == ("u1", "tt1", 3.0)
    assert rows[-1][:3] == ("u3", "tt3", 2.5)
    assert rows[-1][3] == pd.Timestamp("2024-01-02T10:00:00Z").timestamp()


def test_timestamp_is_optional_and_ids_stay_text(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text("user_id,item_id,rating\n007,tt1,4\n7,tt2,1\n")
    log = load_interactions(path, known_items=KNOWN)
    assert log.timestamps is None and set(log.users) == {"007", "7"}


def test_parquet_logs_load_too(tmp_path):
    path = tmp_path / "log.parquet"
    pd.DataFrame({"user_id": [1, 2], "item_id": ["tt1", "nope"], "rating": [4.0, 5.0]}).to_parquet(path)
    log = load_interactions(path, known_items=KNOWN)
    assert list(log.users) == ["1"] and log.report.skipped["unknown item id"] == 1


def test_rating_range_is_configurable(log_csv):
    log = load_interactions(log_csv, known_items=KNOWN, rating_range=(1, 5))
    assert not any(r.startswith("bad rating") and "[1, 5]" not in r for r in log.report.skipped)
    assert np.all((log.ratings >= 1) & (log.ratings <= 5))


@pytest.mark.parametrize("content, suffix, expected", [
    ("user,item,score\na,tt1,4\n", ".csv", "user_id,item_id,rating"),
    ("whatever", ".txt", "unsupported file type"),
])
def test_files_that_are_not_logs_raise_with_a_fix(tmp_path, content, suffix, expected):
    path = tmp_path / f"log{suffix}"
    path.write_text(content)
    with pytest.raises(InteractionFileError, match=expected):
        load_interactions(path, known_items=KNOWN)


def test_missing_file_raises_with_the_expected_format(tmp_path):
    with pytest.raises(InteractionFileError, match="user_id,item_id,rating"):
        load_interactions(tmp_path / "absent.csv")


# -- MovieLens titles onto catalog titles (no MovieLens data needed) ----------------------------------------------
@pytest.mark.parametrize("raw, expected", [
    ("Usual Suspects, The", "the usual suspects"),
    ("Seven (Se7en)", "se7en"),
    ("Postino, Il", "il postino"),
    ("Toy Story", "toy story"),
])
def test_movielens_title_variants(raw, expected):
    assert expected in title_variants(raw)


def test_movielens_items_map_by_title_and_year_within_one():
    titles = [Title("c1", "The Usual Suspects", 1995), Title("c2", "Heat", 1995), Title("c3", "Heat", 1972)]
    items = pd.DataFrame({"item_id": ["1", "2", "3", "4"], "title": ["Usual Suspects, The", "Heat", "Heat", "Heat"],
                          "year": ["1994", "1996", "1980", "unknown"]})
    assert map_items(items, titles) == {"1": "c1", "2": "c2"}


@pytest.mark.skipif(importlib.util.find_spec("recbole") is None,
                    reason="ml-100k ships in recbole: pip install --no-deps recbole==1.2.1")
@pytest.mark.slow
def test_movielens_maps_most_of_its_films_onto_the_default_catalog():
    from knowledge.default_catalog import load_default_catalog
    from knowledge.movielens import load_movielens

    log, mapping = load_movielens(load_default_catalog())
    assert mapping.films_mapped / mapping.films > 0.78
    assert mapping.ratings_mapped / mapping.ratings > 0.88
    assert log.report.skipped["unknown item id"] == mapping.ratings - mapping.ratings_mapped


def test_missing_recbole_says_how_to_install_it(monkeypatch):
    from knowledge import movielens

    real = importlib.util.find_spec
    monkeypatch.setattr(movielens.importlib.util, "find_spec", lambda name: None if name == "recbole" else real(name))
    with pytest.raises(movielens.MovieLensMissing, match=r"pip install --no-deps recbole==1\.2\.1"):
        movielens.movielens_dir()

"""The command line, run as a user would: a subprocess with MARQUEE_* settings."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import SMALL_CATALOG


def run_cli(*args, env_extra=None, timeout=300):
    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "assistant", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("cli-data")
    return {"MARQUEE_DATA_DIR": str(data_dir), "MARQUEE_CATALOG_PATH": str(SMALL_CATALOG)}


def test_ingest_then_unchanged_reingest(env):
    first = run_cli("ingest", "--quiet", env_extra=env)
    assert first.returncode == 0, first.stderr
    assert "Indexed 32 titles" in first.stdout
    again = run_cli("ingest", "--quiet", env_extra=env)
    assert again.returncode == 0 and "Catalog unchanged" in again.stdout


def test_search_json(env):
    out = run_cli("search", "a horror film from the 80s", "--k", "3", "--json", env_extra=env)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert 1 <= len(rows) <= 3
    for row in rows:
        assert {"id", "title", "year", "genres", "score", "why"} <= set(row)
        assert "Horror" in row["genres"] and 1980 <= row["year"] <= 1989


def test_search_table_and_errors(env, tmp_path):
    table = run_cli("search", "films by Alfred Hitchcock", env_extra=env)
    assert table.returncode == 0 and "Psycho" in table.stdout
    empty = run_cli("search", "  ", env_extra=env)
    assert empty.returncode == 2 and "empty" in empty.stderr
    bad = tmp_path / "bad.csv"
    bad.write_text("id,title,year\n1,Fine,2000\n,Missing id,2001\n")
    broken = run_cli("ingest", "--catalog", str(bad), env_extra=env)
    assert broken.returncode == 2 and "row 2: missing required field 'id'" in broken.stderr
    still = run_cli("search", "films by Alfred Hitchcock", "--json", env_extra=env)
    assert len(json.loads(still.stdout)) == 2, "a rejected catalog changed nothing"

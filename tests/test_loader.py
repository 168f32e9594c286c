import json

import pytest

from knowledge.loader import CatalogError, load_catalog_file

ROWS = [
    {"id": "a1", "title": "First", "year": 1999, "genres": "Sci-Fi, Drama", "runtime_min": 100},
    {"id": "a2", "title": "Second"},
]


def test_loads_jsonl_json_csv_and_parquet(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    (tmp_path / "c.jsonl").write_text("\n".join(json.dumps(r) for r in ROWS))
    (tmp_path / "c.json").write_text(json.dumps({"titles": ROWS}))
    (tmp_path / "c.csv").write_text("id,title,year,genres\na1,First,1999,\"Sci-Fi, Drama\"\na2,Second,,\n")
    pq.write_table(pa.Table.from_pylist([{"id": "a1", "title": "First", "year": 1999},
                                         {"id": "a2", "title": "Second", "year": None}]), tmp_path / "c.parquet")
    for name in ("c.jsonl", "c.json", "c.csv", "c.parquet"):
        titles = load_catalog_file(tmp_path / name)
        assert [t.id for t in titles] == ["a1", "a2"], name
        assert titles[0].year == 1999
        assert titles[1].description, "a factual description is built when none is given"
    assert load_catalog_file(tmp_path / "c.csv")[0].genres == ["Science Fiction", "Drama"]


def test_bad_rows_are_all_reported_and_nothing_is_returned(tmp_path):
    rows = [
        {"id": "ok", "title": "Fine"},
        {"title": "No id"},
        {"id": "y", "title": "Bad year", "year": "nineteen"},
        {"id": "z", "title": "Unknown field", "colour": "red"},
        {"id": "ok", "title": "Duplicate"},
        {"id": "k", "title": "Bad kind", "kind": "podcast"},
    ]
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in rows))
    with pytest.raises(CatalogError) as info:
        load_catalog_file(path)
    err = info.value
    assert [e.row for e in err.errors] == [2, 3, 4, 5, 6]
    message = str(err)
    assert "missing required field 'id'" in message and "year must be a number" in message
    assert "duplicate id 'ok'" in message and "nothing was ingested" in message


def test_broken_json_and_unsupported_files(tmp_path):
    (tmp_path / "broken.jsonl").write_text('{"id": "a", "title": "x"}\n{not json\n')
    with pytest.raises(CatalogError, match="row 2: invalid JSON"):
        load_catalog_file(tmp_path / "broken.jsonl")
    (tmp_path / "c.xml").write_text("<x/>")
    with pytest.raises(CatalogError, match="unsupported file type"):
        load_catalog_file(tmp_path / "c.xml")
    (tmp_path / "empty.json").write_text("[]")
    with pytest.raises(CatalogError, match="no titles"):
        load_catalog_file(tmp_path / "empty.json")
    with pytest.raises(FileNotFoundError):
        load_catalog_file(tmp_path / "missing.csv")

"""The Chroma store: idempotent ingest, change detection, one writer at a time, clear errors."""

import subprocess
import sys
import time
from dataclasses import replace

import pytest

from knowledge.loader import load_catalog_file
from knowledge.store import CatalogStore, StoreBusyError, StoreError
from tests.conftest import SMALL_CATALOG


@pytest.fixture
def titles():
    return load_catalog_file(SMALL_CATALOG)


def test_ingest_is_idempotent_and_incremental(tmp_path, embedder, titles):
    store = CatalogStore(embedder, path=tmp_path / "chroma")
    first = store.ingest(titles, progress=False)
    assert (first.upserted, first.deleted) == (len(titles), 0)
    assert store.count() == len(titles) and store.is_current(titles)

    again = store.ingest(titles, progress=False)
    assert again.was_noop and store.count() == len(titles)

    changed = [replace(titles[0], year=1980), *titles[1:-1]]  # one edited, one removed
    report = store.ingest(changed, progress=False)
    assert (report.upserted, report.deleted, report.unchanged) == (1, 1, len(titles) - 2)
    assert store.count() == len(titles) - 1
    stored = {t.id: t for t in store.all_titles()}
    assert stored[titles[0].id].year == 1980 and titles[-1].id not in stored
    assert stored[titles[1].id] == titles[1], "a title round-trips through Chroma unchanged"


def test_second_writer_is_refused(tmp_path, embedder, titles):
    store = CatalogStore(embedder, path=tmp_path / "chroma")
    with store.writer_lock():  # find the lock file's name
        lock_file = next((tmp_path / "chroma").glob("marquee-writer-*.lock"))
    code = (
        "import time; from filelock import FileLock; "
        f"lock = FileLock({str(lock_file)!r}); lock.acquire(); print('locked', flush=True); time.sleep(30)"
    )
    writer = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert writer.stdout.readline().strip() == "locked"
        with pytest.raises(StoreBusyError, match="Another Marquee process is writing"):
            store.ingest(titles, progress=False)
        assert store.count() == 0, "the refused writer wrote nothing"
    finally:
        writer.kill()
        writer.wait()
    time.sleep(0.1)
    assert store.ingest(titles, progress=False).upserted == len(titles), "works again once the lock is free"


def test_corrupt_directory_gives_rebuild_hint_and_reset_recovers(tmp_path, embedder, titles):
    path = tmp_path / "chroma"
    path.mkdir()
    (path / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    store = CatalogStore(embedder, path=path)
    with pytest.raises(StoreError, match="ingest --rebuild"):
        store.count()
    store.reset()
    assert store.ingest(titles, progress=False).upserted == len(titles)


def test_foreign_collection_is_refused(tmp_path, embedder):
    import chromadb

    client = chromadb.PersistentClient(path=str(tmp_path / "chroma"))
    client.create_collection("catalog", embedding_function=None, metadata={"owner": "someone else"})
    store = CatalogStore(embedder, path=tmp_path / "chroma")
    with pytest.raises(StoreError, match="not written by this version"):
        store.count()


def test_store_needs_a_location(embedder):
    with pytest.raises(ValueError, match=r"path=\).*url="):
        CatalogStore(embedder)

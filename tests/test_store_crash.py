"""A real ``python -m assistant ingest`` killed with SIGKILL half way resumes cleanly on the next run.

The refusal of a second writer by a lock holder is in test_store.py; here the second writer meets a real
ingest process.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from knowledge.loader import load_catalog_file
from knowledge.store import UPSERT_BATCH, CatalogStore, StoreBusyError
from tests.conftest import SMALL_CATALOG

COPIES = 35  # 32 titles x 35 = 1,120 titles: three upsert batches, so a kill can land between them
PROGRESS = re.compile(rb"(\d+)/(\d+) \[")
WAIT_S = 300


def _write_catalog(path: Path) -> Path:
    rows = [json.loads(line) for line in SMALL_CATALOG.read_text(encoding="utf-8").splitlines() if line.strip()]
    with path.open("w", encoding="utf-8") as out:
        for copy in range(COPIES):
            for row in rows:
                out.write(json.dumps({**row, "id": f"{row['id']}-{copy}", "title": f"{row['title']} {copy}"}) + "\n")
    return path


def _ingest_command(data_dir: Path, catalog: Path) -> dict:
    """Keyword arguments for ``subprocess``: ``python -m assistant ingest`` with no MARQUEE_* from outside."""
    return {"args": [sys.executable, "-m", "assistant", "--data-dir", str(data_dir), "ingest", "--catalog",
                     str(catalog)],
            "env": {k: v for k, v in os.environ.items() if not k.startswith("MARQUEE_")},
            "cwd": Path(__file__).parent.parent}


def _forget_open_clients(*stores: CatalogStore) -> None:
    """Close this process's Chroma clients so that it reads what another process wrote, not a cached view."""
    for store in stores:
        if store._client is not None:
            store._client.close()
        store._client = store._collection = None


class ProgressWatcher:
    """Reads the ingest's progress bar (stderr) in a thread; ``wait_for(n)`` returns once n titles are in."""

    def __init__(self, process: subprocess.Popen):
        self.done, self.output = 0, b""
        self._changed = threading.Condition()
        self._thread = threading.Thread(target=self._read, args=(process.stderr,), daemon=True)
        self._thread.start()

    def _read(self, stream) -> None:
        while chunk := os.read(stream.fileno(), 4096):
            with self._changed:
                self.output += chunk
                counts = [int(m.group(1)) for m in PROGRESS.finditer(self.output)]
                self.done = max(counts, default=0)
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def wait_for(self, titles: int) -> bool:
        with self._changed:
            return self._changed.wait_for(lambda: self.done >= titles or not self._thread.is_alive(), WAIT_S)


def test_killed_ingest_resumes_without_duplicates_or_losses(tmp_path, embedder):
    catalog = _write_catalog(tmp_path / "catalog.jsonl")
    titles = load_catalog_file(catalog)
    assert len(titles) > 2 * UPSERT_BATCH
    data_dir = tmp_path / "data"
    store = CatalogStore(embedder, path=data_dir / "chroma")

    first = subprocess.Popen(**_ingest_command(data_dir, catalog), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    watcher = ProgressWatcher(first)
    try:
        assert watcher.wait_for(UPSERT_BATCH), f"no batch was written:\n{watcher.output.decode(errors='replace')}"
        with pytest.raises(StoreBusyError, match="Another Marquee process is writing"):
            store.ingest(titles, progress=False)  # a second writer while the first one runs
        first.send_signal(signal.SIGKILL)
    finally:
        first.kill()
        first.wait()
    assert first.returncode == -signal.SIGKILL, "the ingest finished before it could be killed"

    written = {t.id for t in store.all_titles()}
    assert UPSERT_BATCH <= len(written) < len(titles), "killed after the first batch, before the last"
    assert not store.is_current(titles), "the catalog hash is recorded only once every batch is in"
    _forget_open_clients(store)

    second = subprocess.run(**_ingest_command(data_dir, catalog), capture_output=True, text=True, timeout=WAIT_S)
    assert second.returncode == 0, second.stderr
    unchanged = int(re.search(r"([\d,]+) unchanged", second.stdout).group(1).replace(",", ""))
    assert unchanged == len(written), f"the resumed ingest re-embedded written titles: {second.stdout}"

    resumed = CatalogStore(embedder, path=data_dir / "chroma")
    assert resumed.count() == len(titles)
    assert sorted(t.id for t in resumed.all_titles()) == sorted(t.id for t in titles)
    assert {t.id: t for t in resumed.all_titles()} == {t.id: t for t in titles}, "every title stored as loaded"
    assert resumed.is_current(titles) and resumed.ingest(titles, progress=False).was_noop

"""The catalog's vector store: Chroma, embedded (``PersistentClient``) or a server (``HttpClient``).

Writes are idempotent upserts keyed by title id and content hash, in batches that are committed as they go, so
an interrupted ingest resumes where it stopped. The whole catalog's hash is recorded only once every batch is
in, which makes "re-ingest an unchanged catalog" a cheap no-op. Only one writer may run at a time: the embedded
``PersistentClient`` is single-process, so a second writer is refused instead of corrupting the index.
"""

from __future__ import annotations

import hashlib
import json
import logging
import shutil
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
from filelock import FileLock, Timeout
from tqdm.auto import tqdm

from knowledge.embeddings import Embedder
from knowledge.titles import Title

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1  # awards, moods, themes, keywords are additive: a v1 index reads them as empty
UPSERT_BATCH = 512
# Written into an embedded index's directory after each completed ingest: what it holds, readable without
# importing or opening Chroma (about a second and a half of a cold CLI search).
INDEX_MARKER = "marquee-index.json"
LIST_FIELDS = ("genres", "directors", "cast", "writers", "countries", "languages", "moods", "themes", "keywords")
SCALAR_FIELDS = ("title", "year", "kind", "runtime_min", "maturity_rating", "description", "critic_score",
                 "critic_review_count", "source", "awards")


class StoreError(RuntimeError):
    """The index cannot be used as it is; the message says how to fix it."""


class StoreBusyError(StoreError):
    """Another process is writing to the index."""


@dataclass(frozen=True)
class IngestReport:
    total: int
    upserted: int
    deleted: int
    unchanged: int
    seconds: float

    @property
    def was_noop(self) -> bool:
        return self.upserted == 0 and self.deleted == 0


@dataclass(frozen=True)
class Match:
    """One raw hit from the store (the search layer turns these into ``TitleHit``s)."""

    title: Title
    similarity: float
    document: str


def embedding_text(t: Title) -> str:
    """The text embedded for a title: short on purpose (2 CPU cores embed 17k titles in minutes, not hours).

    It carries what a viewer's free-text intent can match — title, era, genres, people, origin and the opening
    of the plot; hard facts such as years and names are also filtered exactly by the search layer.
    """
    head = [f"{t.title} ({t.year})" if t.year else t.title]
    if t.genres:
        head.append(", ".join(t.genres).lower() + (" series" if t.kind == "series" else " film"))
    if t.directors:
        head.append("directed by " + ", ".join(t.directors[:2]))
    if t.countries:
        head.append("from " + ", ".join(t.countries[:2]))
    if t.keywords:
        head.append(", ".join(t.keywords[:8]))
    text = ". ".join(head) + "."
    if t.has_plot:
        text += " " + t.description  # a real plot/description; factual ones would only repeat the above
    return text


def title_to_metadata(t: Title, content_hash: str) -> dict:
    meta: dict = {"content_hash": content_hash}
    for name in SCALAR_FIELDS:
        value = getattr(t, name)
        if value not in (None, ""):
            meta[name] = value
    for name in LIST_FIELDS:
        values = getattr(t, name)
        if values:  # Chroma rejects empty arrays; absence means "unknown"
            meta[name] = list(values)
    return meta


def metadata_to_title(title_id: str, meta: dict) -> Title:
    values = {name: meta[name] for name in SCALAR_FIELDS if name in meta}
    values.update({name: list(meta.get(name) or []) for name in LIST_FIELDS})
    return Title(id=title_id, **values)


def catalog_hash(titles: Sequence[Title], embedder_name: str) -> str:
    digest = hashlib.sha256(f"v{SCHEMA_VERSION}|{embedder_name}".encode())
    for t in sorted(titles, key=lambda t: t.id):
        digest.update(f"{t.id}:{t.content_hash()}|".encode())
    return digest.hexdigest()


class CatalogStore:
    """Chroma collection of titles, with our embeddings (never Chroma's default, which downloads a model)."""

    def __init__(self, embedder: Embedder, *, path: Path | None = None, url: str | None = None,
                 collection: str = "catalog", lock_dir: Path | None = None):
        if not path and not url:
            raise ValueError("CatalogStore needs a Chroma directory (path=) or a Chroma server URL (url=).")
        self.embedder, self.path, self.url, self.collection_name = embedder, path, url, collection
        self._lock_dir = lock_dir or path
        self._client = None
        self._collection = None

    @property
    def location(self) -> str:
        return self.url or str(self.path)

    # -- connection -----------------------------------------------------------------------------------
    def _connect(self):
        if self._client is None:
            import chromadb

            try:
                if self.url:
                    parsed = urlparse(self.url)
                    self._client = chromadb.HttpClient(
                        host=parsed.hostname or "127.0.0.1", port=parsed.port or 8000,
                        ssl=parsed.scheme == "https")
                else:
                    self.path.mkdir(parents=True, exist_ok=True)
                    self._client = chromadb.PersistentClient(path=str(self.path))
            except Exception as exc:  # noqa: BLE001 - turn any client failure into a fix-it message
                raise StoreError(self._broken_message(exc)) from exc
        return self._client

    def _broken_message(self, exc: Exception) -> str:
        if self.url:
            return (f"Cannot reach the Chroma server at {self.url} ({exc}). Start it with "
                    "`chroma run --path DIR --host 127.0.0.1 --port 8000`, or unset MARQUEE_CHROMA_URL.")
        return (f"The catalog index at {self.path} cannot be opened ({exc.__class__.__name__}: {exc}). "
                "It may be corrupt or from another program. Rebuild it with "
                "`python -m assistant ingest --rebuild`, or point MARQUEE_CHROMA_PATH elsewhere.")

    def collection(self, create: bool = False):
        """The Chroma collection, or ``None`` when it does not exist yet and ``create`` is false."""
        if self._collection is not None:
            return self._collection
        client = self._connect()
        try:
            names = {getattr(c, "name", c) for c in client.list_collections()}
            if self.collection_name not in names and not create:
                return None
            col = client.get_or_create_collection(
                self.collection_name, embedding_function=None,
                configuration={"hnsw": {"space": "cosine"}},
                metadata={"marquee_schema": SCHEMA_VERSION},
            )
        except Exception as exc:  # noqa: BLE001
            raise StoreError(self._broken_message(exc)) from exc
        schema = (col.metadata or {}).get("marquee_schema")
        if schema != SCHEMA_VERSION:
            raise StoreError(
                f"The collection {self.collection_name!r} at {self.location} was not written by this version of "
                f"Marquee (schema {schema!r}, expected {SCHEMA_VERSION}). Rebuild it with "
                "`python -m assistant ingest --rebuild`.")
        self._collection = col
        return col

    def count(self) -> int:
        col = self.collection()
        return 0 if col is None else col.count()

    def recorded(self) -> tuple[str | None, int]:
        """The catalog hash and title count the last completed ingest recorded (``(None, 0)``: none yet).

        An embedded index answers from its marker file without opening Chroma; a server, or an index written
        before the marker existed, is asked directly."""
        marker = self._marker()
        if marker is not None and marker.is_file():
            try:
                state = json.loads(marker.read_text())
                if state.get("collection") == self.collection_name:
                    return state.get("catalog_hash"), int(state.get("count", 0))
            except (OSError, ValueError):
                log.warning("Unreadable index marker %s; asking Chroma instead.", marker)
        col = self.collection()
        if col is None:
            return None, 0
        return (col.metadata or {}).get("catalog_hash"), col.count()

    def _marker(self) -> Path | None:
        return None if self.url or not self.path else self.path / INDEX_MARKER

    def _write_marker(self, catalog_hash: str | None, count: int) -> None:
        marker = self._marker()
        if marker is None:
            return
        if catalog_hash is None:
            marker.unlink(missing_ok=True)
            return
        tmp = marker.with_suffix(".tmp")
        tmp.write_text(json.dumps({"collection": self.collection_name, "catalog_hash": catalog_hash,
                                   "count": count}))
        tmp.replace(marker)

    def is_current(self, titles: Sequence[Title]) -> bool:
        col = self.collection()
        if col is None:
            return False
        recorded = (col.metadata or {}).get("catalog_hash")
        return recorded == catalog_hash(titles, self.embedder.name) and col.count() == len(titles)

    # -- writing --------------------------------------------------------------------------------------
    @contextmanager
    def writer_lock(self) -> Iterator[None]:
        key = hashlib.sha1(self.location.encode()).hexdigest()[:12]
        lock_dir = self._lock_dir or Path(".")
        lock_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(lock_dir / f"marquee-writer-{key}.lock"))
        try:
            lock.acquire(timeout=0)
        except Timeout:
            raise StoreBusyError(
                f"Another Marquee process is writing to the catalog index at {self.location}. "
                "Wait for it to finish (or stop it), then try again.") from None
        try:
            yield
        finally:
            lock.release()

    def ingest(self, titles: Sequence[Title], progress: bool = True) -> IngestReport:
        """Upsert new and changed titles, delete titles no longer in the catalog; no-op when unchanged."""
        started = time.perf_counter()
        with self.writer_lock():
            col = self.collection(create=True)
            wanted = catalog_hash(titles, self.embedder.name)
            if (col.metadata or {}).get("catalog_hash") == wanted and col.count() == len(titles):
                self._write_marker(wanted, len(titles))  # an index from before the marker gets one
                return IngestReport(len(titles), 0, 0, len(titles), time.perf_counter() - started)
            self._write_marker(None, 0)  # until this ingest completes, readers must ask Chroma
            existing = self._existing_hashes(col)
            hashes = {t.id: t.content_hash() for t in titles}
            changed = [t for t in titles if existing.get(t.id) != hashes[t.id]]
            stale = sorted(set(existing) - set(hashes))
            self._upsert(col, changed, hashes, progress)
            for i in range(0, len(stale), UPSERT_BATCH):
                col.delete(ids=stale[i : i + UPSERT_BATCH])
            # Recorded last: an ingest killed before this line is simply resumed by the next run.
            col.modify(metadata={"marquee_schema": SCHEMA_VERSION, "catalog_hash": wanted,
                                 "embedding_model": self.embedder.name})
            self._write_marker(wanted, len(titles))
        unchanged = len(titles) - len(changed)
        return IngestReport(len(titles), len(changed), len(stale), unchanged, time.perf_counter() - started)

    def _existing_hashes(self, col) -> dict[str, str]:
        model = (col.metadata or {}).get("embedding_model")
        if model and model != self.embedder.name:
            log.warning("Index was embedded with %s; re-embedding everything with %s.", model, self.embedder.name)
            return {}
        got = col.get(include=["metadatas"])
        return {i: (m or {}).get("content_hash", "") for i, m in zip(got["ids"], got["metadatas"], strict=True)}

    def _upsert(self, col, titles: Sequence[Title], hashes: dict[str, str], progress: bool) -> None:
        # Long texts first within a batch wastes less padding; sorting globally keeps batches homogeneous.
        ordered = sorted(titles, key=lambda t: len(embedding_text(t)))
        bar = tqdm(total=len(ordered), desc="Embedding titles", unit="title", disable=not progress or not ordered)
        for i in range(0, len(ordered), UPSERT_BATCH):
            batch = ordered[i : i + UPSERT_BATCH]
            docs = [embedding_text(t) for t in batch]
            vectors = self.embedder.embed_documents(docs)
            col.upsert(ids=[t.id for t in batch], embeddings=vectors, documents=docs,
                       metadatas=[title_to_metadata(t, hashes[t.id]) for t in batch])
            bar.update(len(batch))
        bar.close()

    def reset(self) -> None:
        """Delete the collection (``--rebuild``); for an unreadable embedded directory, delete the directory."""
        with self.writer_lock():
            self._write_marker(None, 0)
            try:
                self._connect().delete_collection(self.collection_name)
            except StoreError:
                if self.url or not self.path or not (self.path / "chroma.sqlite3").exists():
                    raise
                self._client = None
                shutil.rmtree(self.path)
            except Exception:  # noqa: BLE001 - the collection was not there: nothing to delete
                pass
            self._collection = None

    # -- reading --------------------------------------------------------------------------------------
    def query(self, vector: np.ndarray, n: int, where: dict | None = None) -> list[Match]:
        col = self.collection()
        if col is None or n <= 0:
            return []
        got = col.query(query_embeddings=[np.asarray(vector, dtype=np.float32)], n_results=n, where=where or None,
                        include=["metadatas", "distances", "documents"])
        return [
            Match(metadata_to_title(i, m), 1.0 - float(d), doc or "")
            for i, m, d, doc in zip(got["ids"][0], got["metadatas"][0], got["distances"][0], got["documents"][0],
                                    strict=True)
        ]

    def matches_for(self, ids: list[str], vector: np.ndarray) -> list[Match]:
        """The given titles as matches of ``vector`` (cosine similarity), whether or not a query reached them."""
        col = self.collection()
        if col is None or not ids:
            return []
        got = col.get(ids=list(ids), include=["metadatas", "embeddings", "documents"])
        query = np.asarray(vector, dtype=np.float32)
        return [Match(metadata_to_title(i, m or {}), float(np.asarray(e, dtype=np.float32) @ query), doc or "")
                for i, m, e, doc in zip(got["ids"], got["metadatas"], got["embeddings"], got["documents"],
                                        strict=True)]

    def all_titles(self) -> list[Title]:
        col = self.collection()
        if col is None:
            return []
        got = col.get(include=["metadatas"])
        return [metadata_to_title(i, m or {}) for i, m in zip(got["ids"], got["metadatas"], strict=True)]

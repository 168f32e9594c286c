"""Wiring of the catalog side: embedder, vector store, search, and first-use ingest."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.catalog import load_titles
from knowledge.embeddings import Embedder
from knowledge.settings import Settings
from knowledge.store import CatalogStore, IngestReport
from tools.search.engine import CatalogSearch, SearchResult
from tools.search.recall import ModelRecall
from tools.search.snapshot import Snapshot

log = logging.getLogger(__name__)


def build_store(settings: Settings, embedder: Embedder | None = None) -> CatalogStore:
    embedder = embedder or Embedder(settings.embedding_model, settings.device)
    if settings.chroma_url:
        return CatalogStore(embedder, url=settings.chroma_url, collection=settings.collection,
                            lock_dir=settings.data_dir)
    return CatalogStore(embedder, path=settings.chroma_dir, collection=settings.collection)


def snapshot_dir(settings: Settings) -> Path:
    """Where the search snapshot (vocabulary, BM25 index, facets, vectors) of this index lives."""
    return settings.data_dir / "search" / settings.collection


def ingest(settings: Settings, store: CatalogStore, rebuild: bool = False, progress: bool = True) -> IngestReport:
    """Load the configured catalog, bring the index up to date with it, and save the search snapshot."""
    titles = load_titles(settings.catalog_path)
    if rebuild:
        store.reset()
    report = store.ingest(titles, progress=progress)
    save_snapshot(settings, store)
    return report


def save_snapshot(settings: Settings, store: CatalogStore) -> None:
    """Build the search snapshot beside the index unless the one on disk is for this catalog already."""
    catalog_hash = store.recorded()[0]
    folder = snapshot_dir(settings)
    if catalog_hash and Snapshot.load(folder, catalog_hash) is None:
        log.info("Building the search snapshot (vocabulary, keyword index, facets) at %s", folder)
        Snapshot.build(store, catalog_hash).save(folder)


@dataclass
class Catalog:
    """The catalog as the rest of the assistant sees it: search, with the index built on first use;
    ``recall`` lets a chat model propose titles for plot descriptions."""

    settings: Settings
    store: CatalogStore
    backend: str = "memory"
    recall: ModelRecall | None = None
    _search: CatalogSearch | None = field(default=None, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    @classmethod
    def from_settings(cls, settings: Settings, backend: str = "memory", recall: ModelRecall | None = None) -> Catalog:
        return cls(settings, build_store(settings), backend, recall)

    @property
    def search_engine(self) -> CatalogSearch:
        with self._lock:
            if self._search is None:
                if self.store.recorded()[1] == 0:
                    log.warning("The catalog index at %s is empty; building it now (a few minutes, once).",
                                self.store.location)
                    ingest(self.settings, self.store)
                self._search = CatalogSearch(self.store, backend=self.backend,
                                             snapshot_dir=snapshot_dir(self.settings), recall=self.recall)
            return self._search

    def search(self, query: str, k: int = 10, previous: SearchResult | None = None) -> SearchResult:
        return self.search_engine.search(query, k=k, previous=previous)

    def ingest(self, rebuild: bool = False, progress: bool = True) -> IngestReport:
        report = ingest(self.settings, self.store, rebuild=rebuild, progress=progress)
        if self._search is not None:
            self._search.reload()
        return report

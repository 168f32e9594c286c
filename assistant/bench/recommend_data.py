"""Data for the recommendation benchmark: ml-100k on catalog ids, time-ordered, with the titles' content.

ml-100k is read from the installed ``recbole`` package every run (its licence forbids redistribution); the
only thing cached, under the user's data dir, is the embedding of catalog titles (catalog data, not ml-100k's).
"""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.default_catalog import load_default_catalog
from knowledge.embeddings import Embedder
from knowledge.interactions import InteractionLog
from knowledge.movielens import load_movielens
from knowledge.settings import Settings
from knowledge.store import embedding_text
from knowledge.titles import Title
from tools.recommend.content import ContentSimilarity

log = logging.getLogger(__name__)


@dataclass
class BenchData:
    titles: list[Title]  # the item universe, item number = position
    sequences: list[np.ndarray]  # per user, item numbers oldest first
    content: np.ndarray  # items × items content similarity
    mapping_summary: str
    embeddings_source: str
    interactions: int

    @property
    def n_items(self) -> int:
        return len(self.titles)

    def describe(self) -> dict:
        return {"items": self.n_items, "users": len(self.sequences), "interactions": self.interactions,
                "mapping": self.mapping_summary, "embeddings": self.embeddings_source}


def user_sequences(log_: InteractionLog, item_ids: list[str]) -> list[np.ndarray]:
    """Each user's item numbers by timestamp; equal timestamps keep the log's order (a stable sort)."""
    number = {item: n for n, item in enumerate(item_ids)}
    items = np.array([number[i] for i in log_.items], dtype=np.int64)
    users = log_.users.astype(str)
    times = log_.timestamps if log_.timestamps is not None else np.zeros(len(items))
    order = np.lexsort((np.arange(len(items)), times, users))
    users, items = users[order], items[order]
    starts = np.flatnonzero(np.r_[True, users[1:] != users[:-1]])
    return [chunk for chunk in np.split(items, starts[1:]) if len(chunk) >= 3]


def title_embeddings(settings: Settings, titles: list[Title]) -> tuple[np.ndarray, str]:
    """Embeddings of ``titles`` from the catalog index when it holds them, else computed once and cached."""
    from_index = _from_index(settings, [t.id for t in titles])
    if from_index is not None:
        return from_index, f"read from the catalog index at {settings.chroma_dir}"
    embedder = Embedder(settings.embedding_model, settings.device)
    texts = [embedding_text(t) for t in titles]
    key = hashlib.sha1("\n".join([embedder.name, *texts]).encode()).hexdigest()[:16]
    path = Path(settings.cache_dir) / "bench-recommend" / f"embeddings-{key}.npy"
    if path.exists():
        return np.load(path), f"cached in {path}"
    log.warning("Embedding %d catalog titles for the benchmark (once; cached in %s).", len(texts), path.parent)
    vectors = embedder.embed_documents(texts)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.save(path, vectors)
    return vectors, f"computed with {embedder.name} and cached in {path}"


def _from_index(settings: Settings, ids: list[str]) -> np.ndarray | None:
    from assistant.catalog import build_store

    try:
        store = build_store(settings)
        col = None if settings.chroma_url is None and not settings.chroma_dir.exists() else store.collection()
        if col is None:
            return None
        got = col.get(ids=ids, include=["embeddings"])
    except Exception as exc:  # noqa: BLE001 - no usable index: compute the embeddings instead
        log.info("Catalog index not usable for benchmark embeddings (%s).", exc)
        return None
    if len(got["ids"]) != len(ids):
        return None
    by_id = dict(zip(got["ids"], got["embeddings"], strict=True))
    return np.asarray([by_id[i] for i in ids], dtype=np.float32)


def load_bench_data(settings: Settings) -> BenchData:
    catalog = load_default_catalog()
    log_, mapping = load_movielens(catalog)
    item_ids = log_.item_ids
    by_id = {t.id: t for t in catalog}
    titles = [by_id[i] for i in item_ids]
    embeddings, source = title_embeddings(settings, titles)
    sequences = user_sequences(log_, item_ids)
    started = time.perf_counter()
    content = ContentSimilarity(titles, embeddings).matrix()
    source += f"; content similarity matrix built in {time.perf_counter() - started:.2f} s (not in fit times)"
    return BenchData(
        titles=titles, sequences=sequences, content=content,
        mapping_summary=mapping.summary(), embeddings_source=source,
        interactions=int(sum(len(s) for s in sequences)),
    )

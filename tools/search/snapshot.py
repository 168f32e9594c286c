"""Everything a search needs, built once at ingest and kept on disk beside the index.

Rebuilding the vocabulary and the in-memory mirror from Chroma took ~11 s in every process; loading this
snapshot takes well under a second. It is keyed by the collection's catalog hash, so an ingest that changes the
catalog makes the old snapshot stale and the next search rebuilds it (and saves it again).
"""

from __future__ import annotations

import hashlib
import json
import logging
import pickle
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from knowledge.memory_index import MemoryIndex
from knowledge.store import CatalogStore
from tools.search.facet_calibration import LABELS_FILE
from tools.search.facets import FacetScores, descriptors, score_facets
from tools.search.keyword import TITLE_BM25, KeywordIndex, title_text
from tools.search.passages import Passages
from tools.search.vocabulary import Vocabulary

log = logging.getLogger(__name__)
FORMAT = 14  # bump when facet, keyword or vocabulary indexing changes: the snapshot is rebuilt (14: actor surnames)


@dataclass
class Snapshot:
    index: MemoryIndex
    vocabulary: Vocabulary
    keywords: KeywordIndex
    title_words: KeywordIndex
    passages: Passages
    facets: FacetScores
    catalog_hash: str

    @classmethod
    def build(cls, store: CatalogStore, catalog_hash: str) -> Snapshot:
        index = MemoryIndex.from_store(store)
        vocab = Vocabulary.from_titles(index.titles)
        keywords = KeywordIndex.build(index.titles)
        title_words = KeywordIndex.build(index.titles, text=title_text, params=TITLE_BM25)
        vectors = store.embedder.embed_documents(descriptors()) if len(index) else np.zeros((0, 0), np.float32)
        facets = score_facets(index.titles, index.embeddings, vectors)
        _add_facet_postings(index, facets)
        passages = Passages.build(index.titles, store.embedder)
        return cls(index, vocab, keywords, title_words, passages, facets, catalog_hash)

    def save(self, folder: Path) -> None:
        tmp = folder.with_name(folder.name + ".tmp")
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir(parents=True)
        np.save(tmp / "embeddings.npy", self.index.embeddings)
        np.save(tmp / "facets.npy", self.facets.scores)
        np.save(tmp / "passage_rows.npy", self.passages.rows)
        np.save(tmp / "passage_vectors.npy", self.passages.vectors)
        with open(tmp / "objects.pkl", "wb") as fh:
            # The filter tables too: rebuilding them from 17k titles was over a second of every cold search.
            pickle.dump({"titles": self.index.titles, "vocabulary": self.vocabulary, "facet_names": self.facets.names,
                         "facet_has": self.facets.has, "facet_quality": self.facets.quality,
                         "numeric": self.index.numeric, "postings": _pack(self.index.postings)},
                        fh, protocol=pickle.HIGHEST_PROTOCOL)
        self.keywords.save(tmp / "bm25")
        self.title_words.save(tmp / "bm25-titles")
        (tmp / "manifest.json").write_text(json.dumps({"format": FORMAT, "catalog_hash": self.catalog_hash,
                                                       "labels_hash": labels_hash()}))
        shutil.rmtree(folder, ignore_errors=True)
        tmp.rename(folder)  # a reader never sees half a snapshot

    @classmethod
    def load(cls, folder: Path, catalog_hash: str | None) -> Snapshot | None:
        """The snapshot in ``folder`` if it is for ``catalog_hash`` (``None``: trust it), else ``None``."""
        try:
            manifest = json.loads((folder / "manifest.json").read_text())
            if manifest.get("format") != FORMAT or (catalog_hash and manifest.get("catalog_hash") != catalog_hash):
                return None
            if manifest.get("labels_hash") != labels_hash():
                return None  # the facet labels changed (an upgrade): the facets are refitted
            with open(folder / "objects.pkl", "rb") as fh:
                objects = pickle.load(fh)  # noqa: S301 - our own file, written by save() above
            index = MemoryIndex(objects["titles"], np.load(folder / "embeddings.npy"), objects["numeric"],
                                _unpack(objects["postings"]))
            facets = FacetScores(tuple(objects["facet_names"]), np.load(folder / "facets.npy"), objects["facet_has"],
                                 tuple(objects["facet_quality"]))
            return cls(index, objects["vocabulary"], KeywordIndex.load(folder / "bm25"),
                       KeywordIndex.load(folder / "bm25-titles"),
                       Passages(np.load(folder / "passage_rows.npy"), np.load(folder / "passage_vectors.npy")), facets,
                       manifest["catalog_hash"])
        except FileNotFoundError:
            return None
        except Exception as exc:  # noqa: BLE001 - a broken cache is rebuilt, never fatal
            log.warning("Search snapshot at %s is unreadable (%s); rebuilding it.", folder, exc)
            return None


def labels_hash() -> str:
    """The shipped facet labels' fingerprint: the facets were fitted on them."""
    return hashlib.sha256(LABELS_FILE.read_bytes()).hexdigest()[:16]


def _add_facet_postings(index: MemoryIndex, facets: FacetScores) -> None:
    table: dict[str, list[int]] = {}
    for row, names in enumerate(facets.has):
        for name in names:
            table.setdefault(name, []).append(row)
    index.postings["facets"] = {name: np.asarray(rows) for name, rows in table.items()}


Packed = dict[str, tuple[np.ndarray, dict[str, tuple[int, int]]]]


def _pack(postings: dict[str, dict[str, np.ndarray]]) -> Packed:
    """One row array per field and each value's slice of it: unpickling 70k small arrays took most of a second."""
    packed: Packed = {}
    for name, table in postings.items():
        spans, start = {}, 0
        for value, rows in table.items():
            spans[value] = (start, start + len(rows))
            start += len(rows)
        parts = [np.asarray(r, dtype=np.int32) for r in table.values()]
        rows = np.concatenate(parts) if parts else np.zeros(0, np.int32)
        packed[name] = (rows, spans)
    return packed


def _unpack(packed: Packed) -> dict[str, dict[str, np.ndarray]]:
    return {name: {value: rows[a:b] for value, (a, b) in spans.items()} for name, (rows, spans) in packed.items()}

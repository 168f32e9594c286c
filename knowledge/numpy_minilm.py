"""The packaged all-MiniLM-L6-v2 as a few numpy lines, for embedding one query without importing torch.

Importing torch and sentence-transformers costs 5-20 s on a small CPU; a search needs one short query vector.
This is the same BERT forward pass (6 layers, 12 heads, GELU, mean pooling, L2 norm) on the same safetensors
weights and the same ``tokenizers`` tokenizer, so its vectors match sentence-transformers' to float precision
(``tests/test_numpy_minilm.py`` checks that). Documents are still embedded in batches by sentence-transformers.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

LAYERS, HEADS, EPS = 6, 12, 1e-12


def _layer_norm(x: np.ndarray, weight: np.ndarray, bias: np.ndarray) -> np.ndarray:
    mean = x.mean(-1, keepdims=True)
    var = ((x - mean) ** 2).mean(-1, keepdims=True)
    return (x - mean) / np.sqrt(var + EPS) * weight + bias


def _erf(x: np.ndarray) -> np.ndarray:
    """Abramowitz & Stegun 7.1.26 (absolute error below 1.5e-7, under float32's resolution near 1): importing
    scipy.special for the exact one costs a few hundred milliseconds of every cold search."""
    sign, z = np.sign(x), np.abs(x)
    t = 1.0 / (1.0 + 0.3275911 * z)
    poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))))
    return sign * (1.0 - poly * np.exp(-z * z))


def _gelu(x: np.ndarray) -> np.ndarray:
    return 0.5 * x * (1.0 + _erf(x / math.sqrt(2.0)))


class NumpyMiniLM:
    """``encode(text)`` -> normalised float32 vector, like ``SentenceTransformer.encode(normalize=True)``."""

    def __init__(self, folder: Path, max_tokens: int = 128):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        if config.get("model_type") != "bert" or config.get("num_hidden_layers") != LAYERS:
            raise ValueError(f"{folder} is not the 6-layer MiniLM this encoder implements")
        # Fresh copies: matrix products on the arrays safetensors hands back ran 7x slower here (19.9 vs 2.9 ms for
        # one 25x384 @ 384x1536), and Linear weights are stored transposed once instead of on every call.
        self.w = {name: np.ascontiguousarray(array.T if name.endswith(".weight") and array.ndim == 2
                                             and "embeddings" not in name else array)
                  for name, array in load_file(str(folder / "model.safetensors")).items()}
        from threadpoolctl import ThreadpoolController

        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self._blas = ThreadpoolController()
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens)

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"] + self.w[name + ".bias"]  # stored transposed (see __init__)

    def _layer(self, x: np.ndarray, i: int) -> np.ndarray:
        p = f"encoder.layer.{i}."
        n, d = x.shape
        head = d // HEADS
        q, k, v = (self._linear(x, p + f"attention.self.{m}").reshape(n, HEADS, head).transpose(1, 0, 2)
                   for m in ("query", "key", "value"))
        att = q @ k.transpose(0, 2, 1) / math.sqrt(head)
        att = np.exp(att - att.max(-1, keepdims=True))
        att /= att.sum(-1, keepdims=True)
        ctx = (att @ v).transpose(1, 0, 2).reshape(n, d)
        x = _layer_norm(x + self._linear(ctx, p + "attention.output.dense"),
                        self.w[p + "attention.output.LayerNorm.weight"], self.w[p + "attention.output.LayerNorm.bias"])
        ff = self._linear(_gelu(self._linear(x, p + "intermediate.dense")), p + "output.dense")
        return _layer_norm(x + ff, self.w[p + "output.LayerNorm.weight"], self.w[p + "output.LayerNorm.bias"])

    def encode(self, text: str) -> np.ndarray:
        # One BLAS thread: these are tiny matrices, and on a busy 2-core machine two threads waiting on each other
        # made a query 106 ms instead of 16 ms.
        with self._blas.limit(limits=1, user_api="blas"):
            return self._encode(text)

    def _encode(self, text: str) -> np.ndarray:
        ids = np.array(self.tokenizer.encode(text).ids)
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][: len(ids)]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        for i in range(LAYERS):
            x = self._layer(x, i)
        pooled = x.mean(0)
        return (pooled / max(np.linalg.norm(pooled), 1e-12)).astype(np.float32)

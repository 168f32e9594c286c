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


def _gelu(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return 0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))


class NumpyMiniLM:
    """``encode(text)`` -> normalised float32 vector, like ``SentenceTransformer.encode(normalize=True)``."""

    def __init__(self, folder: Path, max_tokens: int = 128):
        from safetensors.numpy import load_file
        from tokenizers import Tokenizer

        config = json.loads((folder / "config.json").read_text())
        if config.get("model_type") != "bert" or config.get("num_hidden_layers") != LAYERS:
            raise ValueError(f"{folder} is not the 6-layer MiniLM this encoder implements")
        self.w = load_file(str(folder / "model.safetensors"))
        self.tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens)

    def _linear(self, x: np.ndarray, name: str) -> np.ndarray:
        return x @ self.w[name + ".weight"].T + self.w[name + ".bias"]

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
        ids = np.array(self.tokenizer.encode(text).ids)
        w = self.w
        x = (w["embeddings.word_embeddings.weight"][ids] + w["embeddings.position_embeddings.weight"][: len(ids)]
             + w["embeddings.token_type_embeddings.weight"][0])
        x = _layer_norm(x, w["embeddings.LayerNorm.weight"], w["embeddings.LayerNorm.bias"])
        for i in range(LAYERS):
            x = self._layer(x, i)
        pooled = x.mean(0)
        return (pooled / max(np.linalg.norm(pooled), 1e-12)).astype(np.float32)

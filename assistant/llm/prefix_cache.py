"""Reusing the KV cache of a prompt prefix seen before, so a turn only prefills what is new.

An agent sends the same system prompt and tool schemas (about a thousand tokens) on every call, and each call
repeats the conversation so far. Prefilling all of that costs seconds on a CPU. :class:`PrefixCache` keeps the
KV caches of recent generations, keyed by the exact token ids they hold; a new prompt starts from a copy of the
entry that shares the longest token prefix with it, cut to that prefix, and generate() prefills only the rest.

Keys are token ids, never text: the cached keys and values of positions ``0..n-1`` depend only on tokens
``0..n-1`` of a causal model, so a copy cut at the first differing token is exactly what prefilling those tokens
again would give (up to floating-point rounding of differently shaped matrix products).
"""

from __future__ import annotations

import copy
import logging
import threading
from dataclasses import dataclass
from typing import Any

import torch

logger = logging.getLogger(__name__)

#: Shorter shared prefixes are prefilled again: copying a cache for them would save next to nothing.
MIN_REUSED_TOKENS = 8
#: An agent's prompts: all tools, each tool forced alone, no tools (its answers), a few conversations' histories.
DEFAULT_MAX_ENTRIES = 12
#: Upper bound on the memory the kept caches may take (Qwen2.5-0.5B: about 24 KiB per token in float32).
DEFAULT_MAX_BYTES = 512 * 1024**2


@dataclass(eq=False)  # entries are compared by identity, not by their tensors
class _Entry:
    ids: torch.Tensor  # 1-D, on the CPU: the tokens whose keys and values ``cache`` holds
    cache: Any
    size_bytes: int


class PrefixCache:
    """Recent KV caches by token prefix; thread-safe, least recently used entries go first."""

    def __init__(self, max_entries: int = DEFAULT_MAX_ENTRIES, max_bytes: int = DEFAULT_MAX_BYTES) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._entries: list[_Entry] = []  # least recently used first
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def take(self, prompt_ids: torch.Tensor) -> tuple[Any | None, int]:
        """A private copy of the cache that shares the longest prefix with ``prompt_ids``, cut to that prefix.

        At most ``len(prompt_ids) - 1`` tokens are reused: generate() must run the model on at least one token
        to get the logits of the next. Returns ``(None, 0)`` when no entry shares enough.
        """
        prompt = _as_key(prompt_ids)
        limit = int(prompt.shape[0]) - 1
        with self._lock:
            best: _Entry | None = None
            best_length = 0
            for entry in self._entries:
                length = min(_common_prefix_length(entry.ids, prompt), limit)
                if length > best_length:
                    best, best_length = entry, length
            if best is None or best_length < MIN_REUSED_TOKENS:
                return None, 0
            self._entries.remove(best)
            self._entries.append(best)
            cache = copy.deepcopy(best.cache)
        extra = cache.get_seq_length() - best_length
        if extra > 0:
            cache.crop(-extra)  # a negative count removes that many tokens, in every transformers version
        return cache, best_length

    def put(self, ids: torch.Tensor, cache: Any) -> None:
        """Keep ``cache``, which holds the keys and values of exactly the tokens ``ids`` (the caller's no more)."""
        key = _as_key(ids)
        if int(key.shape[0]) != cache.get_seq_length() or key.shape[0] < MIN_REUSED_TOKENS:
            return
        entry = _Entry(key, cache, _size_bytes(cache))
        if entry.size_bytes > self.max_bytes:
            return
        with self._lock:
            # An entry whose tokens all start the new one is of no more use: the new one covers it.
            self._entries = [old for old in self._entries if not _is_prefix(old.ids, key)]
            self._entries.append(entry)
            while len(self._entries) > self.max_entries or sum(e.size_bytes for e in self._entries) > self.max_bytes:
                self._entries.pop(0)


def supports_prefix_cache(model: Any) -> bool:
    """Whether generate() on ``model`` takes a plain, croppable ``DynamicCache`` of full-attention layers.

    Sliding-window, linear-attention and static caches forget or preallocate states, so a copy cut at a prefix
    would not be what prefilling that prefix gives; those models simply run without prefix reuse.
    """
    try:
        cache = new_dynamic_cache(model)
        from transformers.cache_utils import DynamicLayer
    except Exception:  # an old transformers or an odd config: no reuse, generation as before
        return False
    if getattr(getattr(model, "generation_config", None), "cache_implementation", None):
        return False
    supports_default = getattr(model, "_supports_default_dynamic_cache", None)
    if callable(supports_default) and not supports_default():
        return False
    layers = getattr(cache, "layers", None)
    return bool(layers) and all(type(layer) is DynamicLayer for layer in layers)


def new_dynamic_cache(model: Any) -> Any:
    """The empty cache generate() would make for ``model`` itself."""
    from transformers import DynamicCache

    config = model.config.get_text_config(decoder=True) if hasattr(model.config, "get_text_config") else model.config
    return DynamicCache(config=config)


def _as_key(ids: torch.Tensor) -> torch.Tensor:
    return ids.reshape(-1).to(device="cpu", dtype=torch.long)


def _common_prefix_length(a: torch.Tensor, b: torch.Tensor) -> int:
    n = min(int(a.shape[0]), int(b.shape[0]))
    differ = torch.nonzero(a[:n] != b[:n])
    return int(differ[0, 0]) if differ.numel() else n


def _is_prefix(short: torch.Tensor, long: torch.Tensor) -> bool:
    return short.shape[0] <= long.shape[0] and _common_prefix_length(short, long) == short.shape[0]


def _size_bytes(cache: Any) -> int:
    total = 0
    for layer in getattr(cache, "layers", []):
        for tensor in (getattr(layer, "keys", None), getattr(layer, "values", None)):
            if isinstance(tensor, torch.Tensor):
                total += tensor.numel() * tensor.element_size()
    return total

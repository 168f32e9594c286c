"""Cold load of the embedded chat model and its first token: quantizing at every load vs. the int8 cache.

Both are measured in the same run, each on a fresh model object (the process has already imported torch and
transformers, so this is the weights' cost, not the interpreter's). The cache is written first if it is missing,
and that one-time cost is reported on its own.
"""

from __future__ import annotations

import gc
import time
from typing import Any

from langchain_core.messages import HumanMessage


def model_load_seconds(settings: Any) -> dict[str, Any]:
    """``{"quantize_at_load": {...}, "from_int8_cache": {...}}`` with load and first-token seconds; only for the
    embedded model on a CPU (another backend has its own loading)."""
    from assistant.llm.embedded import ensure_embedded_model, text_plan_is_default
    from assistant.llm.quantized_cache import cache_key, cache_path
    from assistant.llm.select import int8_cache_dir

    if not text_plan_is_default(settings):
        return {"skipped": "not the embedded model on a CPU"}
    folder = ensure_embedded_model(settings.cache_dir)
    cache_dir = int8_cache_dir(settings)
    out: dict[str, Any] = {}
    if not cache_path(cache_dir, folder, cache_key(folder)).is_file():
        out["first_load_writing_the_cache"] = _load_once(settings, str(folder), str(cache_dir))
    out["quantize_at_load"] = _load_once(settings, str(folder), "")
    out["from_int8_cache"] = _load_once(settings, str(folder), str(cache_dir))
    return out


def _load_once(settings: Any, folder: str, cache_dir: str) -> dict[str, float]:
    from assistant.llm.local import LocalChatModel

    llm = LocalChatModel(model_name=folder, device=settings.device, max_new_tokens=1, int8_cache_dir=cache_dir,
                         cpu_quantization=settings.llm_quantization)
    started = time.perf_counter()
    llm.warm_up()
    loaded = time.perf_counter()
    llm.invoke([HumanMessage("Say hi.")])
    first_token = time.perf_counter()
    del llm
    gc.collect()
    return {"load_s": round(loaded - started, 1), "first_token_s": round(first_token - loaded, 2)}

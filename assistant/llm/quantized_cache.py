"""The int8 model on disk: quantize once, then every later load reads the quantized weights back in seconds.

Quantizing the embedded 0.5B model costs 9-20 s of CPU at every load (``assistant.llm.quantize``). This keeps the
quantized state dict in one file under the cache directory, named by a key over everything that changes its
contents: the model folder's files (names, sizes, modification times), the torch and transformers versions, the
quantized engine, and the quantization rule. A load from the cache builds the model's skeleton without
initialising it, puts int8/float16 layers where the file says, and loads the state dict memory-mapped, so only
the packing of the quantized weights costs CPU time.

The file is written to a temporary name and renamed into place, so a killed run never leaves a file that looks
finished. A cache that is stale, corrupt or unreadable is logged, deleted and rebuilt from the model folder: it is
a speed-up, never a reason for a chat to fail. Files are read with ``torch.load(weights_only=True)``: tensors and
plain values only, no pickled code.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any

import torch

from assistant.llm.quantize import QUANTIZATION_RULE

logger = logging.getLogger(__name__)

#: Bump when the layout of the cached file changes.
CACHE_FORMAT = 1
# The files of a model folder whose contents decide the weights and the architecture.
_MODEL_FILE_SUFFIXES = (".safetensors", ".bin", ".json")


def cache_key(model_folder: Path) -> dict[str, Any]:
    """Everything the cached weights depend on; a file made under another key is stale."""
    import transformers

    files = sorted(
        (path.name, path.stat().st_size, path.stat().st_mtime_ns)
        for path in Path(model_folder).iterdir()
        if path.is_file() and path.suffix in _MODEL_FILE_SUFFIXES and "tokenizer" not in path.name
    )
    return {
        "format": CACHE_FORMAT,
        "model": str(Path(model_folder).resolve()),
        "files": [list(entry) for entry in files],
        "torch": str(torch.__version__),  # a TorchVersion object would need pickled code to load
        "transformers": str(transformers.__version__),
        "engine": torch.backends.quantized.engine,
        "rule": QUANTIZATION_RULE,
    }


def cache_path(cache_dir: Path, model_folder: Path, key: dict[str, Any]) -> Path:
    digest = hashlib.sha256(json.dumps(key, sort_keys=True).encode("utf-8")).hexdigest()[:16]
    return Path(cache_dir) / f"{Path(model_folder).name}-{digest}.pt"


def load_cached_int8(cache_dir: Path, model_folder: Path) -> Any | None:
    """The quantized model from the cache, or None (nothing cached, stale or unreadable: the caller rebuilds)."""
    key = cache_key(model_folder)
    path = cache_path(cache_dir, model_folder, key)
    if not path.is_file():
        _log_stale_neighbours(cache_dir, model_folder, path)
        return None
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            # Notes about quantized tensor types and storage devices: known, not actionable.
            warnings.simplefilter("ignore", UserWarning)
            saved = torch.load(path, weights_only=True, mmap=True)
            if saved.get("key") != key:
                raise ValueError("its key does not match this model, torch and quantization rule")
            model = _rebuild(model_folder, saved["layers"], saved["state"])
    except Exception as error:  # a truncated, corrupt or foreign file: rebuild, never fail the chat
        logger.warning("Ignoring the int8 cache %s (%s); quantizing again.", path, error)
        path.unlink(missing_ok=True)
        return None
    logger.info("Loaded the int8 chat model from %s in %.1f s.", path, time.perf_counter() - started)
    return model


def save_int8(model: Any, cache_dir: Path, model_folder: Path) -> Path | None:
    """Write ``model`` (already quantized) to the cache atomically; other keys' files for this folder go."""
    key = cache_key(model_folder)
    path = cache_path(cache_dir, model_folder, key)
    started = time.perf_counter()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".partial", dir=path.parent)
        os.close(handle)
        try:
            torch.save({"key": key, "layers": quantized_layers(model), "state": model.state_dict()}, temporary)
            os.chmod(temporary, 0o644)  # mkstemp makes it private; the cache may be shared by several users
            os.replace(temporary, path)
        finally:
            Path(temporary).unlink(missing_ok=True)
    except Exception as error:  # a full disk or a read-only cache: the model in memory is fine as it is
        logger.warning("Could not write the int8 cache %s (%s); the next load quantizes again.", path, error)
        return None
    _remove_other_keys(cache_dir, model_folder, keep=path)
    logger.info("Wrote the int8 chat model to %s in %.1f s.", path, time.perf_counter() - started)
    return path


def quantized_layers(model: Any) -> dict[str, str]:
    """Each dynamically quantized layer's name and weight type ("qint8" or "float16")."""
    from torch.ao.nn.quantized.dynamic import Linear as DynamicQuantizedLinear

    return {
        name: str(module._packed_params.dtype).removeprefix("torch.")
        for name, module in model.named_modules()
        if isinstance(module, DynamicQuantizedLinear)
    }


def _rebuild(model_folder: Path, layers: dict[str, str], state: dict[str, Any]) -> Any:
    """The model's skeleton with quantized layers where ``layers`` says, filled from ``state``."""
    from transformers import AutoConfig, AutoModelForCausalLM, GenerationConfig
    from transformers.initialization import no_init_weights

    config = AutoConfig.from_pretrained(model_folder)
    with no_init_weights():  # every weight is overwritten from the cache: random init would be wasted time
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    for name, dtype in layers.items():
        _swap_in_quantized_linear(model, name, getattr(torch, dtype))
    # assign=True: the float tensors (embeddings, norms) stay memory-mapped instead of being copied.
    model.load_state_dict(state, strict=True, assign=True)
    if (Path(model_folder) / "generation_config.json").is_file():
        model.generation_config = GenerationConfig.from_pretrained(model_folder)
    return model.eval()


def _swap_in_quantized_linear(model: Any, name: str, dtype: torch.dtype) -> None:
    from torch.ao.nn.quantized.dynamic import Linear as DynamicQuantizedLinear

    linear = model.get_submodule(name)
    if not isinstance(linear, torch.nn.Linear):
        raise ValueError(f"layer {name} is a {type(linear).__name__}, not a Linear layer")
    # Built 1x1 and resized: the constructor packs a zero weight of its size, and load_state_dict packs again.
    quantized = DynamicQuantizedLinear(1, 1, bias_=linear.bias is not None, dtype=dtype)
    quantized.in_features, quantized.out_features = linear.in_features, linear.out_features
    parent, _, child = name.rpartition(".")
    setattr(model.get_submodule(parent) if parent else model, child, quantized)


def _other_key_files(cache_dir: Path, model_folder: Path, keep: Path) -> list[Path]:
    if not Path(cache_dir).is_dir():
        return []
    pattern = f"{Path(model_folder).name}-*.pt"
    return [path for path in Path(cache_dir).glob(pattern) if path != keep]


def _log_stale_neighbours(cache_dir: Path, model_folder: Path, wanted: Path) -> None:
    for stale in _other_key_files(cache_dir, model_folder, keep=wanted):
        logger.info("The int8 cache %s was made for another model, torch or rule; quantizing again.", stale)


def _remove_other_keys(cache_dir: Path, model_folder: Path, keep: Path) -> None:
    """Stale files of this folder (another key) and leftovers of killed writes: half a gigabyte and more each."""
    leftovers = list(Path(cache_dir).glob(f".{Path(model_folder).name}-*.partial"))
    for path in _other_key_files(cache_dir, model_folder, keep) + leftovers:
        path.unlink(missing_ok=True)

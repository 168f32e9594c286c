"""Loading a causal LM and its tokenizer from a hub id, a local folder or a GGUF file, on the best device."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from assistant.llm.qwen_template import ensure_tool_chat_template
from knowledge.embeddings import pick_device

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DevicePlan:
    """Where and in which precision to run a model."""

    device: str
    dtype: torch.dtype
    #: For accelerate's ``device_map``; None means load on CPU and move with ``.to(device)``.
    device_map: str | dict[str, str] | None


def plan_device(requested: str = "auto") -> DevicePlan:
    """ "auto" picks CUDA (bf16, spread by accelerate), then Apple MPS (fp16), then CPU (fp32)."""
    wanted = pick_device((requested or "auto").strip().lower())
    if wanted.startswith("cuda"):
        if not torch.cuda.is_available():
            raise RuntimeError(f"device={requested!r} asked for CUDA, but torch sees no CUDA GPU; use 'auto'.")
        # A bare "cuda" lets accelerate spread a model too big for one card; "cuda:N" pins it there.
        device_map: str | dict[str, str] = "auto" if wanted == "cuda" else {"": wanted}
        return DevicePlan(wanted, torch.bfloat16, device_map)
    if wanted == "mps":
        if not torch.backends.mps.is_available():
            raise RuntimeError(f"device={requested!r} asked for MPS, but torch sees no Apple GPU; use 'auto'.")
        return DevicePlan("mps", torch.float16, None)
    if wanted == "cpu":
        # This CPU path has no fast bf16 matmul on most x86 machines; float32 is the quick and exact choice.
        return DevicePlan("cpu", torch.float32, None)
    raise ValueError(f"Unknown device {requested!r}; use 'auto', 'cpu', 'cuda', 'cuda:N' or 'mps'.")


def configure_cpu_threads() -> int:
    """One torch thread per core this process may use, unless OMP_NUM_THREADS already says otherwise."""
    if os.environ.get("OMP_NUM_THREADS"):
        return torch.get_num_threads()
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    torch.set_num_threads(max(1, cores))
    return torch.get_num_threads()


def load_model_and_tokenizer(source: str, device: str = "auto") -> tuple[Any, Any]:
    """Load ``source`` (hub id, local folder or ``.gguf`` file) ready for generation on ``device``."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    plan = plan_device(device)
    if plan.device == "cpu":
        configure_cpu_threads()
    location, extra = _source_arguments(source)
    try:
        tokenizer = AutoTokenizer.from_pretrained(location, **extra)
        model = AutoModelForCausalLM.from_pretrained(
            location, dtype=plan.dtype, device_map=plan.device_map, **_gguf_options(extra)
        )
    except OSError as error:
        raise _load_error(source, error) from error
    if plan.device_map is None and plan.device != "cpu":
        model = model.to(plan.device)
    model.eval()
    ensure_tool_chat_template(tokenizer, getattr(model.config, "model_type", None))
    logger.info("Loaded chat model %s on %s (%s).", source, plan.device, str(plan.dtype).removeprefix("torch."))
    return model, tokenizer


def load_tokenizer(folder: str, model: Any) -> Any:
    """The tokenizer of the model in ``folder`` (for a model built without from_pretrained, e.g. from a cache)."""
    from transformers import AutoTokenizer

    try:
        tokenizer = AutoTokenizer.from_pretrained(folder)
    except OSError as error:
        raise _load_error(folder, error) from error
    ensure_tool_chat_template(tokenizer, getattr(model.config, "model_type", None))
    return tokenizer


def _load_error(source: str, error: OSError) -> RuntimeError:
    return RuntimeError(
        f"Could not load the chat model {source!r}: {error}. Set MARQUEE_LLM_MODEL to a local folder or "
        "GGUF file, or leave it empty to use the embedded model."
    )


def _source_arguments(source: str) -> tuple[str, dict[str, Any]]:
    path = Path(source).expanduser()
    if path.suffix.lower() == ".gguf":
        if not path.is_file():
            raise FileNotFoundError(f"GGUF file {path} does not exist; check MARQUEE_LLM_MODEL.")
        return str(path.parent), {"gguf_file": path.name}
    if path.is_dir():
        return str(path), {}
    return source, {}


def _gguf_options(extra: dict[str, Any]) -> dict[str, Any]:
    if "gguf_file" not in extra:
        return extra
    from transformers import GgufConfig

    # Unpacked weights run on every device and need no optional `kernels` package.
    return {**extra, "quantization_config": GgufConfig(dequantize=True)}


def stop_token_ids(model: Any, tokenizer: Any) -> list[int]:
    """Every token that ends a turn: the generation config's, the tokenizer's and ChatML's ``<|im_end|>``."""
    ids: list[int] = []
    generation_config = getattr(model, "generation_config", None)
    configured = getattr(generation_config, "eos_token_id", None)
    ids.extend(configured if isinstance(configured, list) else [configured])
    ids.append(tokenizer.eos_token_id)
    im_end = tokenizer.convert_tokens_to_ids("<|im_end|>")
    if isinstance(im_end, int) and im_end != tokenizer.unk_token_id:
        ids.append(im_end)
    return sorted({int(i) for i in ids if i is not None})


def output_vocab_size(model: Any) -> int:
    """Size of the logits row (can exceed the tokenizer's vocabulary by padding)."""
    embeddings = model.get_output_embeddings()
    if isinstance(getattr(embeddings, "out_features", None), int):  # also an int8 layer, whose weight is a method
        return int(embeddings.out_features)
    if embeddings is not None and isinstance(getattr(embeddings, "weight", None), torch.Tensor):
        return int(embeddings.weight.shape[0])
    return int(model.config.vocab_size)

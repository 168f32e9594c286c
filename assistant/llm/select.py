"""Choosing the chat model from the settings and the hardware."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langchain_core.language_models import BaseChatModel

from knowledge.hub import hub_is_offline_by_env, hub_is_reachable
from knowledge.settings import Settings

__all__ = ["GPU_MODELS_BY_FREE_VRAM", "LLMChoice", "choose_llm", "free_cuda_vram_gib", "hub_is_offline_by_env",
           "hub_is_reachable", "int8_cache_dir", "resolve_llm"]

logger = logging.getLogger(__name__)

# (free VRAM needed in GiB, model): the largest that fits with room for the KV cache of a long chat.
GPU_MODELS_BY_FREE_VRAM = (
    (20.0, "Qwen/Qwen2.5-7B-Instruct"),
    (8.0, "Qwen/Qwen2.5-3B-Instruct"),
    (0.0, "Qwen/Qwen2.5-1.5B-Instruct"),
)


@dataclass(frozen=True)
class LLMChoice:
    """Which backend and model to use, and why (for logs and the UI)."""

    backend: str  # "openai" | "local" | "embedded"
    model: str
    reason: str


def choose_llm(
    settings: Settings,
    *,
    hub_reachable: Callable[[], bool] | None = None,
    free_vram_gib: Callable[[str], float | None] | None = None,
) -> LLMChoice:
    """Decide the backend without loading anything; the probes are injectable for tests."""
    if settings.llm_base_url:
        return LLMChoice("openai", settings.llm_model, f"server at {settings.llm_base_url}")
    if settings.llm_model:
        return LLMChoice("local", settings.llm_model, "MARQUEE_LLM_MODEL is set")
    device = settings.device or "auto"
    if device != "auto" and not device.startswith("cuda"):
        return LLMChoice("embedded", "", f"the device is set to {device!r}, not a CUDA GPU")
    vram = (free_vram_gib or free_cuda_vram_gib)(device)
    if vram is None:
        return LLMChoice("embedded", "", "there is no CUDA GPU")
    if hub_is_offline_by_env():
        return LLMChoice("embedded", "", "HF_HUB_OFFLINE is set, so no model can be downloaded")
    if not (hub_reachable or hub_is_reachable)():
        return LLMChoice("embedded", "", "the Hugging Face hub is unreachable")
    model = next(name for needed, name in GPU_MODELS_BY_FREE_VRAM if vram >= needed)
    return LLMChoice("local", model, f"{vram:.1f} GiB free on the GPU")


def resolve_llm(
    settings: Settings,
    *,
    hub_reachable: Callable[[], bool] | None = None,
    free_vram_gib: Callable[[str], float | None] | None = None,
) -> BaseChatModel:
    """The chat model the settings and hardware call for, ready to bind tools to.

    The embedded fallback is prepared here (a minute the first time, then a quick check), so that a broken
    install shows up at start-up rather than at the first question.
    """
    choice = choose_llm(settings, hub_reachable=hub_reachable, free_vram_gib=free_vram_gib)
    if choice.backend == "openai":
        from assistant.llm.openai_compat import openai_compatible_chat_model

        logger.info("Chat model: OpenAI-compatible %s.", choice.reason)
        return openai_compatible_chat_model(
            settings.llm_base_url or "", api_key=settings.llm_api_key, model=settings.llm_model
        )
    from assistant.llm.local import LocalChatModel

    if choice.backend == "local":
        logger.info("Chat model: %s (%s).", choice.model, choice.reason)
        return LocalChatModel(
            model_name=choice.model,
            device=settings.device,
            cpu_quantization=_cpu_quantization(settings),
            int8_cache_dir=str(int8_cache_dir(settings)),
        )
    from assistant.llm.embedded import ensure_embedded_model

    logger.warning(
        "Using the small embedded chat model (Qwen2.5-Coder-0.5B) because %s; set MARQUEE_LLM_MODEL or "
        "MARQUEE_LLM_BASE_URL for a stronger one.",
        choice.reason,
    )
    folder = ensure_embedded_model(settings.cache_dir)
    # A light repetition penalty keeps the 0.5B model out of loops that larger models do not fall into.
    return LocalChatModel(
        model_name=str(folder),
        device=settings.device,
        max_new_tokens=384,
        repetition_penalty=1.05,
        cpu_quantization=_cpu_quantization(settings),
        int8_cache_dir=str(int8_cache_dir(settings)),
    )


def int8_cache_dir(settings: Settings) -> Path:
    """Beside the converted embedded model: ``<cache>/models/int8`` (only local model folders are cached)."""
    return settings.cache_dir / "models" / "int8"


def _cpu_quantization(settings: Settings) -> str:
    """int8 weights on a CPU unless ``MARQUEE_LLM_QUANTIZATION`` says otherwise ("none" keeps float32)."""
    return settings.llm_quantization


def free_cuda_vram_gib(device: str = "auto") -> float | None:
    """Free memory in GiB of the CUDA GPU ``device`` names (the first one for "auto"/"cuda"), or None."""
    try:
        import torch

        if not torch.cuda.is_available():
            return None
        index = int(device.split(":", 1)[1]) if ":" in device else 0
        free_bytes, _total = torch.cuda.mem_get_info(index)
    except (ImportError, RuntimeError, ValueError):
        return None
    return free_bytes / 1024**3

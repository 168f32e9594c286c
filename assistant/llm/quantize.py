"""Smaller weights for CPU inference: dynamic quantization of the ``nn.Linear`` layers, output head included.

Decoding on a CPU is bound by memory bandwidth: every new token reads every weight once. Weights stored as int8
(one scale per output row) are a quarter of float32's bytes, and PyTorch's fbgemm kernels multiply them with
activations quantized on the fly. The activations are the catch: fbgemm quantizes them with one scale per call,
and Qwen-style models have "massive activations" (hundreds of times the usual size) at the first token and a few
others, mostly in the input of the MLP's down projection. So:

* the MLP down projections keep float16 weights (exact for this model, half of float32's bytes) and float32
  activations; every other Linear layer gets int8 weights;
* callers should prefill the first token on its own and the rest in chunks (:data:`PREFILL_CHUNK`), so that one
  outlier token does not set the activation scale of a whole prompt (``LocalChatModel`` does).

Measured with the embedded Qwen2.5-Coder-0.5B against float32 (6 agent prompts, 32 greedy tokens each, decoded
one by one as generate() does): 97-98% of next tokens identical, the first token of every reply identical, mean KL
0.008-0.01; int8 everywhere, prefilled in one piece, agreed on 84% and on no first token. Single-thread CPU time
per decoded token fell from 136-144 ms to 60-70 ms, prefill rose from 108 to 130-160 tokens/s. Quantizing
costs about 9 s of CPU once, at load.

This uses ``torch.ao.quantization.quantize_dynamic``, deprecated in favour of torchao but still shipped with
torch (torchao's CPU kernels were slower than float32 on such a machine without ``torch.compile``). Anything
that goes wrong leaves the model as it was: quantization is a speed-up, never a reason for a chat to fail.
"""

from __future__ import annotations

import logging
import time
import warnings
from typing import Any, Literal

import torch

logger = logging.getLogger(__name__)

#: Tokens per forward pass when prefilling an int8 model (see the module docstring).
PREFILL_CHUNK = 64
# Names of the MLP's output projection in the common architectures (Llama/Qwen/Mistral, GPT-J/NeoX, Falcon...).
_DOWN_PROJECTION_NAMES = ("down_proj", "w2", "fc2", "fc_out", "dense_4h_to_h")
#: What :func:`quantize_linear_int8` does, in words; part of the int8 cache's key (``assistant.llm.quantized_cache``),
#: so change it whenever the rule below changes.
QUANTIZATION_RULE = "v1: Linear -> per-channel qint8 dynamic; MLP down projections -> float16 dynamic"

#: "auto": int8 when LocalChatModel loads a float32 model onto the CPU itself; "int8": also for a model passed
#: in (quantized in place); "none": weights as loaded.
CpuQuantization = Literal["auto", "int8", "none"]


def wants_int8(mode: str, model: Any, *, loaded_here: bool) -> bool:
    """Whether ``mode`` calls for int8 on this model: a float32 model on the CPU, not yet quantized."""
    if mode == "none" or (mode == "auto" and not loaded_here):
        return False
    return _on_cpu_in_float32(model) and not is_int8_quantized(model)


def quantize_linear_int8(model: Any) -> bool:
    """Quantize ``model``'s Linear layers to int8 in place (dynamic activations); False when it cannot be done."""
    try:
        from torch.ao.quantization import float16_dynamic_qconfig, per_channel_dynamic_qconfig, quantize_dynamic
    except ImportError as error:  # a torch without the eager quantization API
        logger.warning("int8 quantization is unavailable in this torch (%s); keeping float32 weights.", error)
        return False
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            # The API's deprecation notes, and one per layer about quantized tensor types: known, not actionable.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.simplefilter("ignore", UserWarning)
            # Per-row weight scales: one scale for a whole 151,936 x 896 head would flatten its smaller rows.
            plan: dict[Any, Any] = {torch.nn.Linear: per_channel_dynamic_qconfig}
            plan.update({name: float16_dynamic_qconfig for name in down_projections(model)})
            quantize_dynamic(model, plan, dtype=torch.qint8, inplace=True)
    except Exception as error:  # an engine without these kernels (some ARM builds), an odd layer type
        logger.warning("int8 quantization failed (%s); keeping float32 weights.", error)
        return False
    logger.info("Quantized the chat model's Linear layers to int8 in %.1f s.", time.perf_counter() - started)
    return True


def down_projections(model: Any) -> list[str]:
    """Names of the Linear layers that take the MLP's wide hidden state back to the model width."""
    config = getattr(model, "config", None)
    text_config = config.get_text_config(decoder=True) if hasattr(config, "get_text_config") else config
    wide = getattr(text_config, "intermediate_size", None)
    return [
        name
        for name, module in model.named_modules()
        if isinstance(module, torch.nn.Linear)
        and (name.rsplit(".", 1)[-1] in _DOWN_PROJECTION_NAMES or (wide and module.in_features == wide))
    ]


def is_int8_quantized(model: Any) -> bool:
    from torch.ao.nn.quantized.dynamic import Linear as DynamicQuantizedLinear

    return any(isinstance(module, DynamicQuantizedLinear) for module in model.modules())


def _on_cpu_in_float32(model: Any) -> bool:
    parameter = next(iter(model.parameters()), None)
    return parameter is not None and parameter.device.type == "cpu" and parameter.dtype == torch.float32

"""The Qwen2.5 instruct chat template, with tool support.

Set on a tokenizer whose own template was lost (some GGUF conversions drop it) or cannot render ``tools``.
Tool calls are written as ``<tool_call>\\n{"name": ..., "arguments": {...}}\\n</tool_call>``, the format that
``tool_parsing`` reads and ``constrained`` enforces. The template text ships as package data (a ``.txt`` file,
which the package-data rule in pyproject.toml already includes).
"""

from __future__ import annotations

import logging
from functools import cache
from importlib import resources
from typing import Any

logger = logging.getLogger(__name__)

_TEMPLATE_FILE = "qwen25_chat_template.txt"


@cache
def qwen25_chat_template() -> str:
    return resources.files(__package__).joinpath(_TEMPLATE_FILE).read_text(encoding="utf-8")


def template_renders_tools(template: str | None) -> bool:
    """Whether a chat template can show tool schemas and earlier tool calls to the model."""
    return bool(template) and "tools" in template and "tool_calls" in template


def ensure_tool_chat_template(tokenizer: Any, model_type: str | None = None) -> bool:
    """Give ``tokenizer`` the Qwen2.5 template where its own cannot render tools; True when replaced.

    A non-Qwen model keeps a template it has (its special tokens differ from Qwen's); only a missing template
    or a Qwen model's tool-less one is replaced.
    """
    template = getattr(tokenizer, "chat_template", None)
    if template_renders_tools(template):
        return False
    is_qwen = (model_type or "").startswith("qwen")
    if template and not is_qwen:
        logger.warning("The chat template of this %s model does not render tools.", model_type or "unknown")
        return False
    logger.info("Tokenizer has no tool-aware chat template; using the Qwen2.5 template.")
    tokenizer.chat_template = qwen25_chat_template()
    return True

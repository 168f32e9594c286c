"""Chat-model backends: all LangChain chat models, so they drop into LangChain agents.

- :func:`resolve_llm` picks one from the settings and the hardware.
- :class:`LocalChatModel` runs a transformers model in-process, with schema-constrained tool calls.
- :func:`ensure_embedded_model` prepares the offline fallback model shipped on PyPI.
- :func:`openai_compatible_chat_model` talks to vLLM or any OpenAI-compatible server.
- :class:`ScriptedChatModel` plays back scripted replies for tests.
"""

from assistant.llm.constrained import ToolChoice, normalize_tool_choice
from assistant.llm.embedded import EmbeddedModelError, embedded_model_dir, ensure_embedded_model
from assistant.llm.local import LocalChatModel
from assistant.llm.openai_compat import openai_compatible_chat_model
from assistant.llm.scripted import Script, ScriptedChatModel, ScriptExhaustedError
from assistant.llm.select import LLMChoice, choose_llm, hub_is_reachable, resolve_llm
from assistant.llm.tool_parsing import ParsedToolCall, ToolParseResult, parse_tool_calls

__all__ = [
    "EmbeddedModelError",
    "LLMChoice",
    "LocalChatModel",
    "ParsedToolCall",
    "Script",
    "ScriptExhaustedError",
    "ScriptedChatModel",
    "ToolChoice",
    "ToolParseResult",
    "choose_llm",
    "embedded_model_dir",
    "ensure_embedded_model",
    "hub_is_reachable",
    "normalize_tool_choice",
    "openai_compatible_chat_model",
    "parse_tool_calls",
    "resolve_llm",
]

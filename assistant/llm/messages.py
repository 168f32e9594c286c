"""LangChain messages to the ``{"role": ..., "content": ...}`` dicts that Hugging Face chat templates read."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import (
    AIMessage,
    BaseMessage,
    ChatMessage,
    FunctionMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
)


def to_chat_template_messages(messages: Sequence[BaseMessage]) -> list[dict[str, Any]]:
    return [_convert(message) for message in messages]


def _convert(message: BaseMessage) -> dict[str, Any]:
    if isinstance(message, SystemMessage):
        return {"role": "system", "content": message_text(message)}
    if isinstance(message, HumanMessage):
        return {"role": "user", "content": message_text(message)}
    if isinstance(message, AIMessage):
        return _assistant(message)
    if isinstance(message, ToolMessage):
        return {
            "role": "tool",
            "content": message_text(message),
            "tool_call_id": message.tool_call_id,
            "name": message.name or "",
        }
    if isinstance(message, FunctionMessage):
        return {"role": "tool", "content": message_text(message), "name": message.name}
    if isinstance(message, ChatMessage):
        return {"role": message.role, "content": message_text(message)}
    raise TypeError(f"Cannot send a {type(message).__name__} to a chat template; use System/Human/AI/Tool.")


def _assistant(message: AIMessage) -> dict[str, Any]:
    converted: dict[str, Any] = {"role": "assistant", "content": message_text(message)}
    if message.tool_calls:
        # Templates (Qwen's among them) print `arguments | tojson`, so they get the dict, not a JSON string.
        converted["tool_calls"] = [
            {
                "id": call.get("id") or "",
                "type": "function",
                "function": {"name": call["name"], "arguments": call.get("args") or {}},
            }
            for call in message.tool_calls
        ]
    return converted


def message_text(message: BaseMessage) -> str:
    """The text of a message; content blocks (lists of dicts) keep their text parts only."""
    content = message.content
    if isinstance(content, str):
        return content
    parts: list[str] = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
        elif isinstance(block, dict) and block.get("type") not in {"tool_call", "tool_call_chunk"}:
            # Images and other media cannot reach a text-only model; say so instead of dropping silently.
            parts.append(f"[{block.get('type', 'content')} omitted]")
    return "".join(parts)

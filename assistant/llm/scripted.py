"""``ScriptedChatModel``: a chat model that plays back a fixed script, for testing agent loops offline.

Each turn takes the next response from the script: an ``AIMessage`` (tool calls included), a string (plain
content), or a callable that receives the messages sent and returns either. Copies made by ``bind_tools``
share the script and the log of calls, so a test can script a whole agent run and then inspect it.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, Field

ScriptStep = AIMessage | str | Callable[[list[BaseMessage]], AIMessage | str]
_TOKEN = re.compile(r"\s*\S+|\s+")


class ScriptExhaustedError(RuntimeError):
    """The code under test asked the model for more turns than the script has."""


class Script:
    """The responses and what the model was sent; shared by every copy of a ScriptedChatModel."""

    def __init__(self, steps: Sequence[ScriptStep]) -> None:
        self.steps = list(steps)
        self.position = 0
        #: The messages of every call, in order.
        self.received: list[list[BaseMessage]] = []
        self._lock = threading.Lock()

    @property
    def remaining(self) -> int:
        return len(self.steps) - self.position

    def next_reply(self, messages: list[BaseMessage]) -> AIMessage:
        with self._lock:
            self.received.append(list(messages))
            if self.position >= len(self.steps):
                raise ScriptExhaustedError(
                    f"The script has {len(self.steps)} response(s) and call {self.position + 1} asked for "
                    f"another; the last message sent was: {_preview(messages)}. Add a response to the script."
                )
            step = self.steps[self.position]
            self.position += 1
        reply = step(list(messages)) if callable(step) else step
        return _as_ai_message(reply)


class ScriptedChatModel(BaseChatModel):
    """Returns scripted replies in order; ``bind_tools`` records the tools and shares the script."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    script: Script
    bound_tools: list[dict[str, Any]] = Field(default_factory=list)
    tool_choice: Any = None

    def __init__(self, responses: Sequence[ScriptStep] | Script | None = None, **kwargs: Any) -> None:
        if "script" not in kwargs:
            kwargs["script"] = responses if isinstance(responses, Script) else Script(list(responses or []))
        super().__init__(**kwargs)

    @property
    def _llm_type(self) -> str:
        return "marquee-scripted"

    @property
    def calls(self) -> list[list[BaseMessage]]:
        """The messages of every call so far (shared with copies)."""
        return self.script.received

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: Any = None,
        **kwargs: Any,
    ) -> ScriptedChatModel:
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        return self.model_copy(update={"bound_tools": formatted, "tool_choice": tool_choice})

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        return ChatResult(generations=[ChatGeneration(message=self.script.next_reply(messages))])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        reply = self.script.next_reply(messages)
        text = reply.content if isinstance(reply.content, str) else ""
        for token in _TOKEN.findall(text):
            chunk = ChatGenerationChunk(message=AIMessageChunk(content=token, id=reply.id))
            if run_manager:
                run_manager.on_llm_new_token(token, chunk=chunk)
            yield chunk
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content="" if text or not reply.content else reply.content,
                id=reply.id,
                tool_call_chunks=[
                    {
                        "type": "tool_call_chunk",
                        "name": call["name"],
                        "args": json.dumps(call["args"]),
                        "id": call["id"],
                        "index": index,
                    }
                    for index, call in enumerate(reply.tool_calls)
                ],
                response_metadata=reply.response_metadata,
                chunk_position="last",
            )
        )


def _as_ai_message(reply: AIMessage | str) -> AIMessage:
    if isinstance(reply, str):
        reply = AIMessage(content=reply)
    if not isinstance(reply, AIMessage):
        raise TypeError(f"A script step must give an AIMessage or a str, not {type(reply).__name__}.")
    # Agents match tool results to calls by id; give every scripted call one, as a real model would.
    calls = [{**call, "id": call.get("id") or f"call_{uuid.uuid4().hex[:12]}"} for call in reply.tool_calls]
    update: dict[str, Any] = {"tool_calls": calls}
    if reply.id is None:
        update["id"] = f"scripted-{uuid.uuid4().hex[:12]}"
    return reply.model_copy(update=update)


def _preview(messages: list[BaseMessage]) -> str:
    if not messages:
        return "(no messages)"
    last = messages[-1]
    return f"{type(last).__name__}({str(last.content)[:80]!r})"

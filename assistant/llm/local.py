"""``LocalChatModel``: a LangChain chat model over a transformers causal LM, with tool calling."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import Any

import torch
from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolCall
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, Field, PrivateAttr, model_validator
from transformers import GenerationConfig, LogitsProcessorList, StoppingCriteriaList, TextIteratorStreamer

from assistant.llm.constrained import (
    ToolCallGrammar,
    ToolChoice,
    arguments_fit,
    check_tool_schema,
    normalize_tool_choice,
    tool_name,
)
from assistant.llm.loading import load_model_and_tokenizer, output_vocab_size, stop_token_ids
from assistant.llm.messages import to_chat_template_messages
from assistant.llm.streaming import CancelAndCount, GenerationThread, StreamGate, cut_at_stop
from assistant.llm.tool_parsing import ParsedToolCall, parse_tool_calls

logger = logging.getLogger(__name__)


@dataclass
class _Turn:
    """One request, ready for generate(): the prompt and the tools in play."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    tools: list[dict[str, Any]]
    choice: ToolChoice

    @property
    def prompt_length(self) -> int:
        return int(self.input_ids.shape[1])

    @property
    def tools_active(self) -> bool:
        return bool(self.tools) and self.choice.mode != "none"


class LocalChatModel(BaseChatModel):
    """Chat model running a Hugging Face causal LM in this process.

    Give ``model_name`` (hub id, local folder or ``.gguf`` file; loaded on first use) or an already loaded
    ``model`` and ``tokenizer``. Tools bound with :meth:`bind_tools` are shown to the model through its chat
    template, and with ``constrained_decoding`` every call it writes is forced to fit the tool's schema.
    """

    model_config = ConfigDict(arbitrary_types_allowed=True, protected_namespaces=())

    model_name: str = ""
    device: str = "auto"
    max_new_tokens: int = 512
    #: 0 means greedy decoding.
    temperature: float = 0.0
    top_p: float = 1.0
    top_k: int = 0
    repetition_penalty: float = 1.0
    constrained_decoding: bool = True
    model: Any = Field(default=None, exclude=True, repr=False)
    tokenizer: Any = Field(default=None, exclude=True, repr=False)

    _load_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    # One generation at a time: parallel generate() calls on a CPU only slow each other down.
    _generate_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _grammar: ToolCallGrammar | None = PrivateAttr(default=None)
    _grammar_unavailable: bool = PrivateAttr(default=False)

    @model_validator(mode="after")
    def _check_model_source(self) -> LocalChatModel:
        if (self.model is None) != (self.tokenizer is None):
            raise ValueError("Pass both `model` and `tokenizer`, or neither and a `model_name` to load.")
        if self.model is None and not self.model_name:
            raise ValueError("LocalChatModel needs a `model_name` (hub id, folder or .gguf) or a loaded model.")
        if self.temperature < 0 or self.max_new_tokens < 1:
            raise ValueError("temperature must be >= 0 and max_new_tokens >= 1.")
        return self

    @property
    def _llm_type(self) -> str:
        return "marquee-local-transformers"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {
            "model_name": self.model_name,
            "temperature": self.temperature,
            "max_new_tokens": self.max_new_tokens,
        }

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | dict[str, Any] | bool | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        """Bind tools; ``tool_choice``: "auto", "none", "any"/"required", or a tool name to force it."""
        formatted = [convert_to_openai_tool(tool) for tool in tools]
        for tool in formatted:
            check_tool_schema(tool)
        normalize_tool_choice(tool_choice, [tool_name(tool) for tool in formatted])  # a bad choice fails here
        return super().bind(tools=formatted, tool_choice=tool_choice, **kwargs)

    # --- LangChain entry points -------------------------------------------------------------------------

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        turn = self._prepare_turn(messages, kwargs)
        text, output_length = self._generate_text(turn, stop)
        calls, content = self._extract_calls(text, turn)
        message = AIMessage(
            content=content,
            tool_calls=calls,
            response_metadata=self._response_metadata(calls, output_length),
            usage_metadata=_usage(turn.prompt_length, output_length),
        )
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _stream(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> Iterator[ChatGenerationChunk]:
        turn = self._prepare_turn(messages, kwargs)
        gate = StreamGate(watch_tool_calls=turn.tools_active, stop=stop)
        pieces: list[str] = []
        counter = CancelAndCount()
        # closing(): if the caller stops reading, generate() is cancelled now, not when garbage is collected.
        with closing(self._stream_text(turn, stop, counter)) as pieces_stream:
            for piece in pieces_stream:
                pieces.append(piece)
                shown = gate.feed(piece)
                if shown:
                    chunk = ChatGenerationChunk(message=AIMessageChunk(content=shown))
                    if run_manager:
                        run_manager.on_llm_new_token(shown, chunk=chunk)
                    yield chunk
        output_length = max(counter.sequence_length - turn.prompt_length, 0)
        calls, content = self._extract_calls(cut_at_stop("".join(pieces), stop), turn)
        yield ChatGenerationChunk(
            message=AIMessageChunk(
                content=gate.remaining_content(content),
                tool_call_chunks=[_call_chunk(index, call) for index, call in enumerate(calls)],
                response_metadata=self._response_metadata(calls, output_length),
                usage_metadata=_usage(turn.prompt_length, output_length),
                chunk_position="last",
            )
        )

    # --- preparing a turn --------------------------------------------------------------------------------

    def _ensure_loaded(self) -> None:
        with self._load_lock:
            if self.model is None:
                self.model, self.tokenizer = load_model_and_tokenizer(self.model_name, self.device)

    def _prepare_turn(self, messages: list[BaseMessage], kwargs: dict[str, Any]) -> _Turn:
        self._ensure_loaded()
        tools = list(kwargs.get("tools") or [])
        names = [tool_name(tool) for tool in tools]
        choice = normalize_tool_choice(kwargs.get("tool_choice"), names) if tools else ToolChoice("none")
        encoded = self.tokenizer.apply_chat_template(
            to_chat_template_messages(messages),
            tools=tools if choice.mode != "none" else None,
            add_generation_prompt=True,
            return_dict=True,
            return_tensors="pt",
        )
        device = self.model.device
        return _Turn(
            input_ids=encoded["input_ids"].to(device),
            attention_mask=encoded["attention_mask"].to(device),
            tools=tools,
            choice=choice,
        )

    def _tool_grammar(self) -> ToolCallGrammar | None:
        """The grammar compiler for this tokenizer, built on first use; None when it cannot be built."""
        if not self.constrained_decoding or self._grammar_unavailable:
            return None
        if self._grammar is None:
            try:
                self._grammar = ToolCallGrammar(
                    self.tokenizer, output_vocab_size(self.model), stop_token_ids(self.model, self.tokenizer)
                )
            except Exception as error:  # an odd tokenizer must cost schema enforcement, not the whole chat
                logger.warning("Constrained decoding is off for this model: %s", error)
                self._grammar_unavailable = True
        return self._grammar

    def _generate_kwargs(self, turn: _Turn, stop: list[str] | None) -> dict[str, Any]:
        processors = LogitsProcessorList()
        grammar = self._tool_grammar() if turn.tools_active else None
        processor = grammar.logits_processor(turn.tools, turn.choice) if grammar else None
        if processor is not None:
            processors.append(processor)
        kwargs: dict[str, Any] = {
            "input_ids": turn.input_ids,
            "attention_mask": turn.attention_mask,
            "generation_config": self._generation_config(),
            "logits_processor": processors,
        }
        if stop:
            kwargs.update(stop_strings=list(stop), tokenizer=self.tokenizer)
        return kwargs

    def _generation_config(self) -> GenerationConfig:
        stop_ids = stop_token_ids(self.model, self.tokenizer)
        sampling = self.temperature > 0
        return GenerationConfig(
            max_new_tokens=self.max_new_tokens,
            do_sample=sampling,
            temperature=self.temperature if sampling else None,
            top_p=self.top_p if sampling else None,
            top_k=(self.top_k or None) if sampling else None,
            repetition_penalty=self.repetition_penalty,
            eos_token_id=stop_ids,
            pad_token_id=self.tokenizer.pad_token_id if self.tokenizer.pad_token_id is not None else stop_ids[0],
        )

    # --- running generate() ------------------------------------------------------------------------------

    def _generate_text(self, turn: _Turn, stop: list[str] | None) -> tuple[str, int]:
        with self._generate_lock, torch.inference_mode():
            output = self.model.generate(**self._generate_kwargs(turn, stop))
        new_tokens = output[0, turn.prompt_length :]
        text = self.tokenizer.decode(new_tokens, skip_special_tokens=True)
        return cut_at_stop(text, stop), int(new_tokens.shape[0])

    def _stream_text(self, turn: _Turn, stop: list[str] | None, counter: CancelAndCount) -> Iterator[str]:
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        kwargs = self._generate_kwargs(turn, stop)
        kwargs.update(streamer=streamer, stopping_criteria=StoppingCriteriaList([counter]))
        with self._generate_lock:
            worker = GenerationThread(self.model.generate, kwargs, on_failure=streamer.end)
            worker.start()
            try:
                yield from streamer
            finally:
                counter.cancelled.set()  # the consumer may have stopped early: let generate() finish now
                worker.join()
        worker.raise_if_failed()

    # --- from text to tool calls -------------------------------------------------------------------------

    def _extract_calls(self, text: str, turn: _Turn) -> tuple[list[ToolCall], str]:
        """Tool calls in ``text`` that fit their schemas, and the content left; never raises on model text."""
        if not turn.tools_active:
            return [], text.strip()
        parsed = parse_tool_calls(text, known_tools={tool_name(tool) for tool in turn.tools})
        fitting = [call for call in parsed.calls if self._fits_schema(call, turn)]
        misfits = [call for call in parsed.calls if call not in fitting]
        _log_parse_problems(parsed.unknown_tools, parsed.errors, misfits)
        if misfits and not fitting:
            repaired = self._regenerate_call(turn, misfits[0].name)
            fitting = [repaired] if repaired else []
        if not fitting:
            if turn.choice.mode in ("required", "forced"):
                logger.warning("The model was required to call a tool but wrote no usable call.")
            return [], text.strip()
        calls = [ToolCall(name=c.name, args=c.arguments, id=_new_call_id(), type="tool_call") for c in fitting]
        return calls, parsed.text

    @staticmethod
    def _fits_schema(call: ParsedToolCall, turn: _Turn) -> bool:
        tool = next(tool for tool in turn.tools if tool_name(tool) == call.name)
        return arguments_fit(tool, call.arguments)

    def _regenerate_call(self, turn: _Turn, name: str) -> ParsedToolCall | None:
        """Ask again with the output constrained to a call of ``name``, after an unconstrained misfit."""
        if self._tool_grammar() is None:
            return None
        logger.info("Regenerating the call to %r under its schema.", name)
        forced = _Turn(turn.input_ids, turn.attention_mask, turn.tools, ToolChoice("forced", name))
        text, _ = self._generate_text(forced, None)
        parsed = parse_tool_calls(text, known_tools={name})
        return next((call for call in parsed.calls if self._fits_schema(call, forced)), None)

    def _response_metadata(self, calls: list[ToolCall], output_length: int) -> dict[str, Any]:
        finish = "tool_calls" if calls else ("length" if output_length >= self.max_new_tokens else "stop")
        return {"model_name": self.model_name or type(self.model).__name__, "finish_reason": finish}


def _log_parse_problems(unknown: list[str], errors: list[str], misfits: list[ParsedToolCall]) -> None:
    if unknown:
        logger.warning("The model called unknown tool(s) %s; kept as text.", ", ".join(sorted(set(unknown))))
    for error in errors:
        logger.warning("Unreadable tool call from the model: %s", error)
    for call in misfits:
        logger.warning("Arguments of the model's call to %r do not fit its schema: %s", call.name, call.arguments)


def _new_call_id() -> str:
    return f"call_{uuid.uuid4().hex[:24]}"


def _call_chunk(index: int, call: ToolCall) -> dict[str, Any]:
    return {
        "type": "tool_call_chunk",
        "name": call["name"],
        "args": json.dumps(call["args"], ensure_ascii=False),
        "id": call["id"],
        "index": index,
    }


def _usage(input_tokens: int, output_tokens: int) -> dict[str, int]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }

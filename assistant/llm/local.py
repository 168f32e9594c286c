"""``LocalChatModel``: a LangChain chat model over a transformers causal LM, with tool calling."""

from __future__ import annotations

import functools
import inspect
import itertools
import json
import logging
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
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
    forced_call_opener,
    normalize_tool_choice,
    tool_name,
)
from assistant.llm.loading import (
    configure_cpu_threads,
    load_model_and_tokenizer,
    load_tokenizer,
    output_vocab_size,
    plan_device,
    stop_token_ids,
)
from assistant.llm.messages import to_chat_template_messages
from assistant.llm.prefix_cache import PrefixCache, new_dynamic_cache, supports_prefix_cache
from assistant.llm.quantize import (
    PREFILL_CHUNK,
    CpuQuantization,
    is_int8_quantized,
    quantize_linear_int8,
    wants_int8,
)
from assistant.llm.quantized_cache import load_cached_int8, save_int8
from assistant.llm.streaming import CancelAndCount, GenerationThread, StopStrings, StreamGate, cut_at_stop
from assistant.llm.threads import ThreadTuner, shared_thread_tuner
from assistant.llm.tool_parsing import ParsedToolCall, parse_tool_calls

logger = logging.getLogger(__name__)


@dataclass
class _Turn:
    """One request, ready for generate(): the prompt and the tools in play."""

    input_ids: torch.Tensor
    attention_mask: torch.Tensor
    tools: list[dict[str, Any]]
    choice: ToolChoice
    #: Prompt tokens whose keys and values came from the prefix cache (set when generation starts).
    reused_tokens: int = 0
    #: Output placed at the end of the prompt (a forced call's opener): part of the reply, but prefilled in one
    #: pass instead of decoded token by token.
    written: str = ""

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
    #: int8 weights on a CPU (see ``assistant.llm.quantize``): "auto" quantizes a float32 model this class loads
    #: onto the CPU itself, "int8" also a CPU model passed in (in place), "none" keeps the weights as they are.
    cpu_quantization: CpuQuantization = "auto"
    #: Folder for the int8 weights of a model loaded from a local folder (``assistant.llm.quantized_cache``):
    #: quantized once, read back in seconds at later loads. Empty: quantize at every load.
    int8_cache_dir: str = ""
    #: Reuse the KV cache of the longest token prefix shared with an earlier generation (system prompt, tool
    #: schemas, conversation so far), so that each call prefills only what is new.
    prefix_cache: bool = True
    #: On a CPU, time the decode steps and switch between one thread per core and a single thread, whichever is
    #: faster now (a single thread wins by far on an overloaded machine); off, torch's thread count is left alone.
    adaptive_threads: bool = True
    model: Any = Field(default=None, exclude=True, repr=False)
    tokenizer: Any = Field(default=None, exclude=True, repr=False)

    _load_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    # One generation at a time: parallel generate() calls on a CPU only slow each other down.
    _generate_lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _grammar: ToolCallGrammar | None = PrivateAttr(default=None)
    _grammar_unavailable: bool = PrivateAttr(default=False)
    _prepared: bool = PrivateAttr(default=False)
    _loaded_here: bool = PrivateAttr(default=False)
    _prefixes: PrefixCache | None = PrivateAttr(default=None)
    _threads: ThreadTuner | None = PrivateAttr(default=None)
    # Whether generate() takes a DynamicCache made here (needed for both the prefix cache and chunked prefill).
    _own_cache: bool = PrivateAttr(default=False)
    # int8 models prefill in chunks, the first token alone: see assistant.llm.quantize.
    _chunked_prefill: bool = PrivateAttr(default=False)

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
            usage_metadata=_usage(turn.prompt_length, output_length, turn.reused_tokens),
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
            for piece in itertools.chain([turn.written] if turn.written else [], pieces_stream):
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
                usage_metadata=_usage(turn.prompt_length, output_length, turn.reused_tokens),
                chunk_position="last",
            )
        )

    # --- preparing a turn --------------------------------------------------------------------------------

    def warm_up(
        self,
        messages: list[BaseMessage] | None = None,
        *,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool] | None = None,
        tool_choice: str | dict[str, Any] | bool | None = None,
    ) -> None:
        """Load the model and build the tool grammar now; with ``messages``, also prefill their prompt.

        Everything here would otherwise happen on the first question. The prefilled prompt (e.g. the system
        prompt with the agent's tools and an empty user turn) goes into the prefix cache, so the first real turn
        prefills only what follows the shared part. Safe to call from a background thread.
        """
        self._ensure_loaded()
        formatted = [convert_to_openai_tool(tool) for tool in tools or []]
        choice = normalize_tool_choice(tool_choice, [tool_name(t) for t in formatted]) if formatted else None
        grammar = self._tool_grammar() if choice is not None and choice.mode != "none" else None
        if grammar is not None:
            grammar.logits_processor(formatted, choice)  # compiles this tool set's grammar into its cache
        if messages and self._prefixes is not None:
            self._prefill(self._prepare_turn(list(messages), {"tools": formatted, "tool_choice": tool_choice}))

    def _ensure_loaded(self) -> None:
        with self._load_lock:
            if self.model is None:
                self.model, self.tokenizer = self._load()
                self._loaded_here = True
            if not self._prepared:
                self._prepare_model()
                self._prepared = True

    def _load(self) -> tuple[Any, Any]:
        """The model and tokenizer: the int8 weights from the cache when there are some for this model."""
        folder = self._int8_cacheable_folder()
        if folder is not None:
            model = load_cached_int8(Path(self.int8_cache_dir), folder)
            if model is not None:
                configure_cpu_threads()
                return model, load_tokenizer(str(folder), model)
        return load_model_and_tokenizer(self.model_name, self.device)

    def _int8_cacheable_folder(self) -> Path | None:
        """The local model folder whose int8 weights may be cached: int8 wanted, on a CPU, a cache dir set."""
        if not self.int8_cache_dir or self.cpu_quantization == "none" or plan_device(self.device).device != "cpu":
            return None
        folder = Path(self.model_name).expanduser()
        return folder if folder.is_dir() else None

    def _prepare_model(self) -> None:
        """The one-time speed-ups: int8 weights on a CPU, and the prefix cache where the model's cache allows."""
        if wants_int8(self.cpu_quantization, self.model, loaded_here=self._loaded_here):
            self._quantize_and_cache()
        self._own_cache = supports_prefix_cache(self.model)
        self._chunked_prefill = self._own_cache and is_int8_quantized(self.model)
        if self.prefix_cache and self._own_cache:
            self._prefixes = PrefixCache()
        if self.adaptive_threads and _runs_on_cpu(self.model):
            self._threads = shared_thread_tuner()

    def _quantize_and_cache(self) -> None:
        """int8 weights now, and on disk for the next load when the model came from a local folder."""
        if quantize_linear_int8(self.model) and (folder := self._int8_cacheable_folder()) is not None:
            save_int8(self.model, Path(self.int8_cache_dir), folder)

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
        turn = _Turn(
            input_ids=encoded["input_ids"].to(device),
            attention_mask=encoded["attention_mask"].to(device),
            tools=tools,
            choice=choice,
        )
        return self._with_forced_opener(turn)

    def _with_forced_opener(self, turn: _Turn) -> _Turn:
        """A forced call starts with known text (``<tool_call>{"name": ..., "arguments": ``, about 15 tokens):
        put it in the prompt, where it costs one prefill pass instead of a forward pass per token."""
        if turn.choice.mode != "forced" or self._tool_grammar() is None:
            return turn
        written = forced_call_opener(turn.choice.name or "")
        ids = self.tokenizer.encode(written, add_special_tokens=False, return_tensors="pt").to(turn.input_ids.device)
        turn.input_ids = torch.cat([turn.input_ids, ids], dim=1)
        turn.attention_mask = torch.cat([turn.attention_mask, torch.ones_like(ids)], dim=1)
        turn.written = written
        return turn

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
        """Arguments for generate(); call with the generation lock held (it takes a cache from the prefix cache)."""
        processors = LogitsProcessorList()
        grammar = self._tool_grammar() if turn.tools_active else None
        processor = grammar.logits_processor(turn.tools, turn.choice, turn.written) if grammar else None
        if processor is not None:
            processors.append(processor)
        criteria = StoppingCriteriaList()
        if self._threads is not None:
            criteria.append(self._threads.watch())
        if stop and any(stop):
            criteria.append(StopStrings(self.tokenizer, list(stop), turn.prompt_length))
        kwargs: dict[str, Any] = {
            "input_ids": turn.input_ids,
            "attention_mask": turn.attention_mask,
            "generation_config": self._generation_config(),
            "logits_processor": processors,
            "stopping_criteria": criteria,
        }
        cache = self._cache_for(turn)
        if cache is not None:
            kwargs["past_key_values"] = cache
        return kwargs

    def _run_generate(self, **kwargs: Any) -> Any:
        """generate(), in the thread that runs it with the thread count the tuner chose (torch keeps it per thread)."""
        if self._threads is not None:
            self._threads.apply()
        cache = kwargs.get("past_key_values")
        if cache is not None and self._chunked_prefill:
            self._prefill_in_chunks(cache, kwargs["input_ids"])
        return self.model.generate(**kwargs)

    def _prefill_in_chunks(self, cache: Any, input_ids: torch.Tensor) -> None:
        """Fill ``cache`` with all prompt tokens but the last (left for generate()): the first token alone, then
        chunks, so that no outlier token sets the int8 activation scale for the whole prompt."""
        start, end = cache.get_seq_length(), int(input_ids.shape[1]) - 1
        extra = {"logits_to_keep": 1} if _takes_logits_to_keep(self.model) else {}
        while start < end:
            stop = 1 if start == 0 else min(start + PREFILL_CHUNK, end)
            self.model(input_ids=input_ids[:, start:stop], past_key_values=cache, use_cache=True, **extra)
            start = stop

    # --- the prefix cache ----------------------------------------------------------------------------------

    def _cache_for(self, turn: _Turn) -> Any | None:
        """A KV cache for generate() to fill: a copy of the best cached prefix, or a new one to keep after."""
        turn.reused_tokens = 0
        if not self._own_cache or not bool(turn.attention_mask.all()):
            return None
        cache = None
        if self._prefixes is not None:
            cache, turn.reused_tokens = self._prefixes.take(turn.input_ids)
        if cache is None:
            return new_dynamic_cache(self.model)
        logger.debug("Prefix cache: reusing %d of %d prompt tokens.", turn.reused_tokens, turn.prompt_length)
        return cache

    def _remember(self, kwargs: dict[str, Any], sequence: Any) -> None:
        """Keep the cache generate() filled, keyed by the tokens it holds (prompt and reply, less the last)."""
        cache = kwargs.get("past_key_values")
        if self._prefixes is None or cache is None or not isinstance(sequence, torch.Tensor):
            return
        try:
            length = cache.get_seq_length()
            if length <= sequence.shape[-1]:
                self._prefixes.put(sequence.reshape(-1)[:length], cache)
        except Exception as error:  # the cache is an optimisation: a surprise in it must not fail the turn
            logger.warning("Prefix cache disabled after an unexpected error: %s", error)
            self._prefixes = None

    def _prefill(self, turn: _Turn) -> None:
        """Run the prompt through the model once, only to leave its KV cache in the prefix cache."""
        with self._generate_lock, torch.inference_mode():
            kwargs = self._generate_kwargs(turn, None)
            kwargs["logits_processor"] = LogitsProcessorList()
            kwargs["generation_config"] = self._generation_config(max_new_tokens=1)
            output = self._run_generate(**kwargs)
            self._remember(kwargs, output)

    def _generation_config(self, max_new_tokens: int | None = None) -> GenerationConfig:
        stop_ids = stop_token_ids(self.model, self.tokenizer)
        sampling = self.temperature > 0
        return GenerationConfig(
            max_new_tokens=max_new_tokens or self.max_new_tokens,
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
            kwargs = self._generate_kwargs(turn, stop)
            output = self._run_generate(**kwargs)
            self._remember(kwargs, output)
        new_tokens = output[0, turn.prompt_length :]
        text = turn.written + self.tokenizer.decode(new_tokens, skip_special_tokens=True)
        return cut_at_stop(text, stop), int(new_tokens.shape[0])

    def _stream_text(self, turn: _Turn, stop: list[str] | None, counter: CancelAndCount) -> Iterator[str]:
        streamer = TextIteratorStreamer(self.tokenizer, skip_prompt=True, skip_special_tokens=True)
        with self._generate_lock:
            kwargs = self._generate_kwargs(turn, stop)
            kwargs["streamer"] = streamer
            kwargs["stopping_criteria"].append(counter)
            worker = GenerationThread(self._run_generate, kwargs, on_failure=streamer.end)
            worker.start()
            try:
                yield from streamer
            finally:
                counter.cancelled.set()  # the consumer may have stopped early: let generate() finish now
                worker.join()
                if worker.error is None:
                    self._remember(kwargs, worker.result)
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
        forced = self._with_forced_opener(_Turn(turn.input_ids, turn.attention_mask, turn.tools,
                                                ToolChoice("forced", name)))
        text, _ = self._generate_text(forced, None)
        parsed = parse_tool_calls(text, known_tools={name})
        return next((call for call in parsed.calls if self._fits_schema(call, forced)), None)

    def _response_metadata(self, calls: list[ToolCall], output_length: int) -> dict[str, Any]:
        finish = "tool_calls" if calls else ("length" if output_length >= self.max_new_tokens else "stop")
        return {"model_name": self.model_name or type(self.model).__name__, "finish_reason": finish}


@functools.lru_cache(maxsize=8)
def _forward_takes_logits_to_keep(model_class: type) -> bool:
    return "logits_to_keep" in inspect.signature(model_class.forward).parameters


def _takes_logits_to_keep(model: Any) -> bool:
    """Whether the model can skip the output head for all but the last position (most transformers LMs can)."""
    try:
        return _forward_takes_logits_to_keep(type(model))
    except (TypeError, ValueError):
        return False


def _runs_on_cpu(model: Any) -> bool:
    parameter = next(iter(model.parameters()), None)
    return parameter is not None and parameter.device.type == "cpu"


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


def _usage(input_tokens: int, output_tokens: int, reused_tokens: int = 0) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }
    if reused_tokens:
        # LangChain's name for prompt tokens served from a cache instead of being run through the model.
        usage["input_token_details"] = {"cache_read": reused_tokens}
    return usage

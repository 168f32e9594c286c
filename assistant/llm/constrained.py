"""Schema-valid tool calls from small models: xgrammar structural tags as a transformers logits processor.

Text stays free until the model opens a call; from then on every token must continue a call that parses and
whose arguments fit the tool's JSON schema. When ``tool_choice`` forces a tool, the whole output is that call.
"""

from __future__ import annotations

import json
import logging
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

import jsonschema
import torch
import xgrammar as xgr
from transformers import LogitsProcessor

logger = logging.getLogger(__name__)

ToolMode = Literal["auto", "none", "required", "forced"]

CALL_OPENER = "<tool_call>\n"
CALL_CLOSER = "\n</tool_call>"
# Qwen2.5-Coder often writes its calls as a ```json fence despite the template; treating the fence as a second
# trigger makes those calls schema-valid too, instead of parsing whatever JSON the model improvised.
FENCE_OPENER = "```json\n"
FENCE_CLOSER = "\n```"
_COMPILED_CACHE_SIZE = 32
# Bounds runs of whitespace inside JSON: a small model can otherwise loop on newlines until max_new_tokens.
_MAX_JSON_WHITESPACE = 12
_NUMBER_BOUND = 10**15


@dataclass(frozen=True)
class ToolChoice:
    mode: ToolMode = "auto"
    #: The tool a "forced" choice names.
    name: str | None = None


def normalize_tool_choice(tool_choice: Any, tool_names: list[str]) -> ToolChoice:
    """LangChain/OpenAI spellings of ``tool_choice`` to a ToolChoice; unknown names raise at bind time."""
    if tool_choice in (None, "auto"):
        return ToolChoice("auto")
    if tool_choice in ("none", False):
        return ToolChoice("none")
    if tool_choice in ("any", "required", True):
        if len(tool_names) == 1:
            return ToolChoice("forced", tool_names[0])
        return ToolChoice("required")
    name = tool_choice
    if isinstance(tool_choice, dict):
        name = (tool_choice.get("function") or {}).get("name") or tool_choice.get("name")
    if isinstance(name, str) and name in tool_names:
        return ToolChoice("forced", name)
    raise ValueError(
        f"tool_choice={tool_choice!r} names no bound tool; use 'auto', 'none', 'any'/'required' "
        f"or one of: {', '.join(tool_names) or '(no tools bound)'}."
    )


def tool_parameters(tool: dict[str, Any]) -> dict[str, Any]:
    """The JSON schema of an OpenAI-format tool's arguments."""
    return tool["function"].get("parameters") or {"type": "object", "properties": {}}


def tool_name(tool: dict[str, Any]) -> str:
    return tool["function"]["name"]


def structural_tag(tools: list[dict[str, Any]], choice: ToolChoice) -> dict[str, Any] | None:
    """The xgrammar structural tag for ``tools`` under ``choice``; None means no constraint at all."""
    if choice.mode == "none" or not tools:
        return None
    if choice.mode == "forced":
        forced = [tool for tool in tools if tool_name(tool) == choice.name]
        return {"type": "structural_tag", "format": _call_tag(forced[0], CALL_OPENER, CALL_CLOSER)}
    canonical = [_call_tag(tool, CALL_OPENER, CALL_CLOSER) for tool in tools]
    if choice.mode == "required":
        # Calls straight away: a small model allowed prose before its required call may never get to it.
        calls = {"type": "tags_with_separator", "tags": canonical, "separator": "\n", "at_least_one": True}
        return {"type": "structural_tag", "format": calls}
    fenced = [_call_tag(tool, FENCE_OPENER, FENCE_CLOSER) for tool in tools]
    free_text = {"type": "triggered_tags", "triggers": ["<tool_call>", "```json"], "tags": canonical + fenced}
    return {"type": "structural_tag", "format": free_text}


def forced_call_opener(name: str) -> str:
    """The text every call to ``name`` starts with: under a forced choice it is known before generation."""
    return f'{CALL_OPENER}{{"name": {json.dumps(name)}, "arguments": '


def _call_tag(tool: dict[str, Any], opener: str, closer: str) -> dict[str, Any]:
    return {
        "type": "tag",
        "begin": f'{opener}{{"name": {json.dumps(tool_name(tool))}, "arguments": ',
        "content": {
            "type": "json_schema",
            "json_schema": grammar_schema(tool_parameters(tool)),
            "max_whitespace_cnt": _MAX_JSON_WHITESPACE,
        },
        "end": "}" + closer,
    }


def grammar_schema(schema: Any) -> Any:
    """A copy of ``schema`` in which every unbounded number gets bounds of +-10**15.

    Without bounds the grammar allows endless digits, and a small model that starts repeating a digit never
    gets out of the number. 10**15 stays below the largest integer JSON parsers keep exactly (2**53).
    """
    if isinstance(schema, list):
        return [grammar_schema(item) for item in schema]
    if not isinstance(schema, dict):
        return schema
    bounded = {key: grammar_schema(value) for key, value in schema.items()}
    types = bounded.get("type")
    types = types if isinstance(types, list) else [types]
    if "integer" in types or "number" in types:
        if "maximum" not in bounded and "exclusiveMaximum" not in bounded:
            bounded["maximum"] = _NUMBER_BOUND
        if "minimum" not in bounded and "exclusiveMinimum" not in bounded:
            bounded["minimum"] = -_NUMBER_BOUND
    return bounded


def check_tool_schema(tool: dict[str, Any]) -> None:
    """Raise at once (at bind time) when a tool's argument schema is not a valid JSON schema."""
    schema = tool_parameters(tool)
    try:
        jsonschema.validators.validator_for(schema).check_schema(schema)
    except jsonschema.SchemaError as error:
        raise ValueError(f"Tool {tool_name(tool)!r} has an invalid argument schema: {error.message}") from error


def arguments_fit(tool: dict[str, Any], arguments: dict[str, Any]) -> bool:
    """Whether ``arguments`` satisfy the tool's own JSON schema (not the grammar's bounded copy)."""
    return _validator(json.dumps(tool_parameters(tool), sort_keys=True)).is_valid(arguments)


@lru_cache(maxsize=64)
def _validator(schema_json: str) -> Any:
    schema = json.loads(schema_json)
    return jsonschema.validators.validator_for(schema)(schema)


class ToolCallGrammar:
    """Compiles and caches tool-call grammars for one tokenizer; a fresh processor per generation."""

    def __init__(self, tokenizer: Any, vocab_size: int, stop_token_ids: list[int]) -> None:
        # Building the token table walks the whole vocabulary (about 0.5 s for Qwen's 152k): do it once.
        info = xgr.TokenizerInfo.from_huggingface(tokenizer, vocab_size=vocab_size, stop_token_ids=stop_token_ids)
        self._compiler = xgr.GrammarCompiler(info)
        self._compiled: OrderedDict[str, xgr.CompiledGrammar] = OrderedDict()

    def logits_processor(self, tools: list[dict[str, Any]], choice: ToolChoice,
                         written: str = "") -> GrammarLogitsProcessor | None:
        """A processor for one generation; ``written`` is output already placed in the prompt (a forced call's
        opener), which the grammar consumes before the first generated token."""
        tag = structural_tag(tools, choice)
        if tag is None:
            return None
        key = json.dumps(tag)  # unsorted: the order of properties in the schema is the order they are written
        compiled = _cached(self._compiled, key, lambda: self._compiler.compile_structural_tag(key))
        return GrammarLogitsProcessor(compiled, written)


def _cached(cache: OrderedDict[str, Any], key: str, build: Any) -> Any:
    if key in cache:
        cache.move_to_end(key)
        return cache[key]
    value = cache[key] = build()
    if len(cache) > _COMPILED_CACHE_SIZE:
        cache.popitem(last=False)
    return value


class GrammarLogitsProcessor(LogitsProcessor):
    """Masks every token that would break the grammar. Single sequence, single use (one per generate call).

    If the model somehow gets a token past the mask (a sampler that ignores logits), the processor stops
    constraining instead of raising: the parser downstream then sees plain text, and the turn survives.
    """

    def __init__(self, compiled: xgr.CompiledGrammar, written: str = "") -> None:
        self._matcher = xgr.GrammarMatcher(compiled)
        self._bitmask = xgr.allocate_token_bitmask(1, compiled.tokenizer_info.vocab_size)
        self._started = False
        self.gave_up = False
        if written and not self._matcher.accept_string(written):
            raise ValueError(f"The grammar does not accept {written!r} as the start of the output.")

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor) -> torch.FloatTensor:
        if input_ids.shape[0] != 1:
            raise ValueError("GrammarLogitsProcessor handles one sequence at a time; generate with batch size 1.")
        tracking = self._started and not self.gave_up and not self._matcher.is_terminated()
        if tracking and not self._matcher.accept_token(int(input_ids[0, -1])):
            logger.warning("Constrained decoding lost track of the output; leaving the rest unconstrained.")
            self.gave_up = True
        self._started = True
        if self.gave_up or self._matcher.is_terminated():
            return scores
        self._matcher.fill_next_token_bitmask(self._bitmask)
        return _apply_bitmask(scores, self._bitmask)


def _apply_bitmask(scores: torch.Tensor, bitmask: torch.Tensor) -> torch.Tensor:
    if scores.device.type == "cuda":
        xgr.apply_token_bitmask_inplace(scores, bitmask.to(scores.device))
        return scores
    # xgrammar's CPU kernel wants float32 logits in host memory (MPS and half precision included).
    host_scores = scores.to(device="cpu", dtype=torch.float32)
    xgr.apply_token_bitmask_inplace(host_scores, bitmask)
    return host_scores.to(device=scores.device, dtype=scores.dtype)

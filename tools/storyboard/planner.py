"""Scene -> shot list with the chat model: a forced, schema-constrained tool call, then repair or fallback."""

from __future__ import annotations

import json
import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, HumanMessage, SystemMessage

from tools.storyboard.coverage import DEFAULT_STYLE, coverage_slot, split_beats
from tools.storyboard.schema import ShotList, shot_list_tool
from tools.storyboard.shots import RepairResult, loads_lenient, repair_shot_list

logger = logging.getLogger(__name__)

SYSTEM_PROMPT = """You are a film director planning the storyboard of one scene. Call the storyboard tool once.
bible: the characters (name, and a fixed look: age, hair, clothes), location, time_of_day, lighting, palette.
shots: in story order, one moment each. action: what we see, one short sentence. subjects: who or what is in frame.
size: ELS or LS wide, MLS or MS medium, MCU or CU close, ECU detail. angle: eye, high, low, overhead or dutch.
movement: static, pan, tilt, dolly, handheld or crane. lens_mm: 18-24 wide, 35-50 normal, 85-100 close.
sound: a line of dialogue or a sound effect. duration_s: seconds on screen.
Cover the scene like a director: establish wide, move closer, show reactions, insert details; vary sizes and angles."""

# The compact request: a model decoding on this machine pays for every token it writes (60-140 ms each on a
# CPU), and the text already gives the bible; so it writes only what the text cannot: each shot's framing.
COMPACT_SYSTEM_PROMPT = """You are a film director planning the storyboard of one scene. Call the storyboard tool once.
shots: in story order, one moment each. action: what we see, one short sentence. subjects: who or what is in frame.
size: ELS or LS wide, MLS or MS medium, MCU or CU close, ECU detail. angle: eye, high, low, overhead or dutch.
movement: static, pan, tilt, dolly, handheld or crane.
Cover the scene like a director: establish wide, move closer, show reactions, insert details; vary sizes and angles."""

# Tokens the JSON takes: the bible, then each shot (about 70 tokens for Qwen's tokenizer, with room to spare);
# a compact shot takes about 40.
_BIBLE_TOKENS = 160
_TOKENS_PER_SHOT = 90
_COMPACT_TOKENS = 24
_TOKENS_PER_COMPACT_SHOT = 60
# (id(model), budget) -> (model, its copy with that budget); the model is kept so its id stays unique.
_SIZED: dict[tuple[int, int], tuple[BaseChatModel, BaseChatModel]] = {}
_SIZED_LOCK = threading.Lock()


@dataclass
class Plan:
    """A shot list and how it was obtained."""

    shot_list: ShotList
    #: "llm": valid as written; "repaired": the model's list with fixes; "text": the plan derived from the scene
    #: text, chosen (no model was asked); "fallback": the same plan because the model's list was unusable.
    source: str
    repairs: list[str] = field(default_factory=list)
    fallback_shots: int = 0
    seconds: float = 0.0
    #: Tokens the chat model wrote (0 without a model, or when the backend does not report usage).
    output_tokens: int = 0

    @property
    def fallback_used(self) -> bool:
        """Whether shots had to come from the coverage pattern because the model fell short (not by choice)."""
        return self.fallback_shots > 0 and self.source != "text"


def plan_shots(llm: BaseChatModel | None, scene: str, count: int, style: str | None = None,
               cues: tuple[str, ...] = ()) -> Plan:
    """Ask ``llm`` for ``count`` shots of ``scene``; without a model (or when it fails) use the text's plan.
    ``cues``: a screenplay's speaking characters."""
    started = time.perf_counter()
    compact = llm is not None and wants_compact(llm)
    raw, tokens = ask_model(llm, scene, count, style, compact) if llm is not None else (None, 0)
    result = repair_shot_list(raw, scene, count, style or DEFAULT_STYLE, cues=cues, compact=compact)
    source = _source(result, asked=llm is not None)
    if result.repairs:
        logger.info("Shot list repaired (%s): %s", source, "; ".join(result.repairs[:8]))
    return Plan(result.shot_list, source, result.repairs, result.fallback_shots, time.perf_counter() - started,
                tokens)


def _source(result: RepairResult, asked: bool) -> str:
    if not asked:
        return "text"
    if result.fallback_shots == len(result.shot_list.shots):
        return "fallback"
    return "llm" if result.valid_as_is else "repaired"


def wants_compact(llm: BaseChatModel) -> bool:
    """A compact shot list for a model that decodes in this process (it has a ``max_new_tokens`` budget): each
    token it writes costs a forward pass here. A server model writes the full list, bible included."""
    return isinstance(getattr(llm, "max_new_tokens", None), int)


def build_messages(scene: str, count: int, style: str | None, compact: bool = False) -> list[Any]:
    """The request, with the scene's beats and a suggested coverage so a small model has a plan to follow."""
    beats = "\n".join(f"- {beat}" for beat in split_beats(scene))
    coverage = ", ".join(f"{i + 1} {coverage_slot(i, count)[0]} {coverage_slot(i, count)[3]}" for i in range(count))
    request = (f"Scene: {scene}\nStyle: {style or DEFAULT_STYLE}\nBeats in order:\n{beats}\n"
               f"Suggested coverage: {coverage}.\nWrite exactly {count} shots.")
    return [SystemMessage(COMPACT_SYSTEM_PROMPT if compact else SYSTEM_PROMPT), HumanMessage(request)]


def ask_model(llm: BaseChatModel, scene: str, count: int, style: str | None,
              compact: bool = False) -> tuple[Any, int]:
    """The model's shot list as parsed JSON (or None) and the tokens it wrote; a failing model never fails the
    storyboard. ``compact``: ask for the shots' framing only (see :func:`wants_compact`)."""
    tool = shot_list_tool(count, compact)
    messages = build_messages(scene, count, style, compact)
    budget = (_COMPACT_TOKENS + _TOKENS_PER_COMPACT_SHOT * count) if compact else (
        _BIBLE_TOKENS + _TOKENS_PER_SHOT * count)
    sized = _with_token_budget(llm, budget)
    try:
        reply = _invoke(sized, tool, messages)
    except Exception as error:  # a model server down or a broken model: the coverage pattern still works
        logger.warning("The chat model could not plan the shots (%s); using the coverage pattern.", error)
        return None, 0
    finally:
        _share_loaded_weights(sized, llm)
    return _parsed(reply), int((reply.usage_metadata or {}).get("output_tokens", 0))


def _invoke(llm: BaseChatModel, tool: dict[str, Any], messages: list[Any]) -> AIMessage:
    try:
        bound = llm.bind_tools([tool], tool_choice="storyboard")
    except NotImplementedError:  # a model without tool calling: ask for the JSON in plain text
        schema = json.dumps(tool["function"]["parameters"], separators=(",", ":"))
        messages = [*messages, HumanMessage(f"Reply with only a JSON object matching this schema: {schema}")]
        return llm.invoke(messages)
    return bound.invoke(messages)


def _parsed(reply: AIMessage) -> Any:
    for call in reply.tool_calls:
        if call.get("name") == "storyboard" and call.get("args"):
            return call["args"]
    content = reply.content if isinstance(reply.content, str) else json.dumps(reply.content)
    return loads_lenient(content)


def _with_token_budget(llm: BaseChatModel, tokens: int) -> BaseChatModel:
    """A copy of a local model allowed ``tokens`` new tokens: the chat default (384) cuts a 6-shot list short.

    Copies are kept per budget: a kept copy keeps its compiled grammars (a fresh one would rebuild the tokenizer
    table each time), and a budget sized to the request bounds a small model that loops inside a string.
    """
    # Duck-typed: a local transformers model has a ``max_new_tokens`` field; a server model sizes its own replies.
    budget = getattr(llm, "max_new_tokens", None)
    if not isinstance(budget, int) or budget >= tokens or not hasattr(llm, "model_copy"):
        return llm
    with _SIZED_LOCK:
        kept = _SIZED.get((id(llm), tokens))
        if kept is None or kept[0] is not llm:
            kept = _SIZED[(id(llm), tokens)] = (llm, llm.model_copy(update={"max_new_tokens": tokens}))
        return kept[1]


def _share_loaded_weights(sized: BaseChatModel, original: BaseChatModel) -> None:
    """If the copy loaded the weights, hand them to the original so chat does not load them a second time."""
    if sized is original or not hasattr(original, "tokenizer") or getattr(original, "model", None) is not None:
        return
    if getattr(sized, "model", None) is not None:
        original.model, original.tokenizer = sized.model, sized.tokenizer

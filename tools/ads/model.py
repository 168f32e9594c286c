"""The one model call per title: a prompt built from the record's safe facts, and a reply read leniently.

The reply is a tool call constrained to the ad-copy schema when the model supports it (``LocalChatModel`` does),
else JSON in the text. Whatever comes back, nothing here raises on model output: an unusable reply is an empty
result and the templates carry the drafts.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage

from knowledge.titles import normalize_title
from tools.ads.checks import words_of
from tools.ads.facts import Facts
from tools.ads.formats import MODEL_FIELDS, MODEL_TOOL_NAME, model_tool
from tools.ads.repair import tidy_end
from tools.search.parsing import STOPWORDS

log = logging.getLogger(__name__)

SYSTEM_PROMPT = (
    "You write advertising copy for films. Use only the facts given: never invent names, places, dates, numbers "
    "or awards. Never reveal how the story ends. No profanity, no violence for its own sake, and never mention "
    "other streaming services. Call the ad_copy tool with the copy."
)
FIELD_NAMES = tuple(key for key, _, _ in MODEL_FIELDS)
MAX_FIELD_CHARS = 400
# Failures that are the installation's fault, not the model's: they must reach the user with their fix-it message.
# Last resort for a reply cut off mid-JSON: the fields that were finished.
PAIR = re.compile(r'"(' + "|".join(FIELD_NAMES) + r')"\s*:\s*"((?:[^"\\]|\\.)*)"')
# A line sharing this much of its field's instruction words is an echo of the instruction, not copy.
ECHO_SHARE = 0.6
CONFIG_ERRORS: tuple[type[BaseException], ...] = (OSError, ImportError, MemoryError)


def build_messages(facts: Facts, tone: str, audience: str, brief: str, language: str,
                   genres: list[str] | None = None, audience_note: str = "") -> list[BaseMessage]:
    """The prompt; ``genres`` are the lead genres to name (default: the record's first three, today's baseline),
    ``audience_note`` the honest way to address the audience ("for older kids and up")."""
    t = facts.title
    named = genres if genres is not None else [g.lower() for g in t.genres[:3]]
    lines = [f"Film: {t.label}" + (f", a {' / '.join(named)} {facts.kind}" if named
                                   else "") + (f" from {', '.join(t.countries[:2])}" if t.countries else "") + "."]
    if t.directors:
        lines.append(f"Directed by {', '.join(t.directors[:2])}.")
    if facts.leads:
        lines.append(f"Starring {', '.join(facts.leads[:3])}.")
    opening = facts.model_opening()
    if opening:
        lines.append(f"Story (the beginning only): {opening}")
    lines.append(f"Tone: {tone}." + (f" Audience: {audience}." if audience else "")
                 + (f" Pitch it honestly: {audience_note}." if audience_note and audience_note != "for the whole family"
                    else ""))
    if brief:
        lines.append(f"Brief from marketing: {brief}")
    if language.lower() not in ("english", "en"):
        lines.append(f"Write the copy in {language}.")
    lines.append("Write the ad copy.")
    return [SystemMessage(SYSTEM_PROMPT), HumanMessage("\n".join(lines))]


def ask_model(llm: BaseChatModel, messages: list[BaseMessage]) -> tuple[dict[str, str], str]:
    """The model's copy by field name, and a notice when there is none; raises only on configuration errors."""
    try:
        bound: Any = llm.bind_tools([model_tool()], tool_choice=MODEL_TOOL_NAME)
    except NotImplementedError:  # a chat model without tool calling: ask for JSON in plain text
        bound = llm
    try:
        reply = bound.invoke(messages)
    except CONFIG_ERRORS:
        raise
    except Exception as error:  # a model that fails mid-call costs its drafts, not the request
        log.warning("The ad-copy model call failed: %s", error)
        return {}, f"The model call failed ({type(error).__name__}); all drafts come from the record's templates."
    fields = parse_reply(reply)
    if not fields:
        return {}, "The model's reply was unusable; all drafts come from the record's templates."
    return fields, ""


def parse_reply(reply: Any) -> dict[str, str]:
    """Copy fields from a tool call, a JSON object in the text, or at worst ``"key": "value"`` pairs."""
    for call in getattr(reply, "tool_calls", None) or []:
        if call.get("name") == MODEL_TOOL_NAME and isinstance(call.get("args"), dict):
            fields = _clean(call["args"])
            if fields:
                return fields
    content = getattr(reply, "content", reply)
    text = content if isinstance(content, str) else ""
    for candidate in _json_objects(text):
        fields = _clean(candidate.get("arguments", candidate) if isinstance(candidate, dict) else {})
        if fields:
            return fields
    pairs = PAIR.findall(text)
    return _clean({key: _unescape(value) for key, value in pairs})


@dataclass(frozen=True)
class ModelLine:
    """One line the model wrote, after screening: mended text, what was mended, or why it is unusable."""

    key: str
    text: str
    fixes: tuple[str, ...] = ()
    problem: str = ""


def screen(fields: dict[str, str], facts: Facts) -> list[ModelLine]:
    """The model's lines with a cut-off last word dropped, and the useless ones marked (see ``_problem``)."""
    lines = []
    for key, what, cap in MODEL_FIELDS:
        text = fields.get(key, "")
        if not text:
            continue
        fixes: tuple[str, ...] = ()
        if len(text) >= cap - 1 and " " in text:  # stopped by the schema's maxLength, likely mid-word
            text = tidy_end(text.rsplit(" ", 1)[0])
            fixes = ("cut off at the length cap: dropped the unfinished last word",)
        lines.append(ModelLine(key, text, fixes, _problem(text, what, facts)))
    return lines


def _problem(text: str, instruction: str, facts: Facts) -> str:
    """Why a line is useless as copy: a small model often echoes its instructions or just the title."""
    said = set(words_of(text))
    asked = {w for w in words_of(instruction) if w not in STOPWORDS and len(w) > 2}
    if asked and len(said & asked) >= ECHO_SHARE * len(asked):
        return "repeats its instructions"
    if normalize_title(text) in {normalize_title(facts.name), normalize_title(facts.short)}:
        return "only repeats the title"
    return ""


def _json_objects(text: str) -> list[Any]:
    found = []
    decoder = json.JSONDecoder()
    for start in (m.start() for m in re.finditer(r"\{", text)):
        try:
            value, _ = decoder.raw_decode(text[start:])
        except ValueError:
            continue
        found.append(value)
        if isinstance(value, dict):
            break
    return found


def _unescape(value: str) -> str:
    try:
        return json.loads(f'"{value}"')
    except ValueError:
        return value


def _clean(values: dict[str, Any]) -> dict[str, str]:
    out = {}
    for key in FIELD_NAMES:
        value = values.get(key)
        if isinstance(value, str) and value.strip():
            out[key] = " ".join(value.split())[:MAX_FIELD_CHARS]
    return out

"""Lenient parsing of tool calls out of raw model text.

Small local models do not always write the ``<tool_call>{...}</tool_call>`` format their chat template asks
for: they wrap calls in Markdown fences, write bare JSON, double the braces of a template they saw, give the
arguments as a JSON *string*, or say ``"parameters"`` instead of ``"arguments"``. This module accepts all of
those and never raises: whatever cannot be read as a call stays in the returned text.
"""

from __future__ import annotations

import ast
import json
import re
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any

# strict=False accepts raw control characters inside strings, which models (and grammars) let through.
_DECODER = json.JSONDecoder(strict=False)
_TAG_BLOCK = re.compile(r"<tool_call>(.*?)(?:</tool_call>|$)", re.DOTALL)
_FENCE_BLOCK = re.compile(r"```[ \t]*(?:json|JSON|tool_call)?[ \t]*\n?(.*?)(?:```|$)", re.DOTALL)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")
_PYTHON_DICT_START = re.compile(r"\{\s*'")
_DOUBLED_BRACE = re.compile(r"\{\{|\}\}")
# Repairs are only worth trying where an object (possibly brace-doubled) opens with a quoted key.
_PLAUSIBLE_OBJECT_START = re.compile(r"\{\{?\s*[\"']")
_NAME_KEYS = ("name", "tool", "tool_name", "function_name")
_ARGUMENT_KEYS = ("arguments", "parameters", "args", "input", "params")
# Bounds on the bare-JSON scan, which retries at every '{': replies are far smaller, garbage may not be.
_MAX_BARE_ATTEMPTS = 500
_MAX_BARE_SCAN_CHARS = 100_000
# Repairs re-read at most this much of the text after a '{': one call is never longer.
_REPAIR_WINDOW = 8_000


@dataclass(frozen=True)
class ParsedToolCall:
    name: str
    arguments: dict[str, Any]


@dataclass
class ToolParseResult:
    calls: list[ParsedToolCall] = field(default_factory=list)
    #: The input with the accepted calls cut out; unreadable or unknown calls stay in it.
    text: str = ""
    #: Names of well-formed calls dropped because no such tool is bound.
    unknown_tools: list[str] = field(default_factory=list)
    #: What looked like a call but could not be read, for logging.
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    calls: list[ParsedToolCall]


def parse_tool_calls(text: object, known_tools: Collection[str] | None = None) -> ToolParseResult:
    """Find tool calls in ``text``; ``known_tools`` (when given) drops calls to any other name."""
    if not isinstance(text, str):
        return ToolParseResult(text="" if text is None else str(text), errors=["input is not a string"])
    try:
        return _parse(text, known_tools)
    except Exception as error:  # the contract is "never raises": a parser bug must not kill a chat turn
        return ToolParseResult(text=text, errors=[f"parser failure: {error!r}"])


def _parse(text: str, known_tools: Collection[str] | None) -> ToolParseResult:
    result = ToolParseResult()
    spans: list[_Span] = []
    seen: list[tuple[int, int]] = []
    for start, end, body, is_tag in _blocks(text):
        if any(start < seen_end and seen_start < end for seen_start, seen_end in seen):
            continue
        seen.append((start, end))
        calls = _accept_known(_calls_in_block(body, result, report=is_tag), known_tools, result)
        if calls:
            spans.append(_Span(start, end, calls))
    for start, end, value in _bare_objects(text, seen):
        found = _calls_from_value(value, result, bare=True, known=known_tools)
        calls = _accept_known(found, known_tools, result)
        if calls:
            spans.append(_Span(start, end, calls))
    spans.sort(key=lambda span: span.start)
    result.calls = [call for span in spans for call in span.calls]
    result.text = _cut_spans(text, spans)
    return result


def _blocks(text: str) -> Iterator[tuple[int, int, str, bool]]:
    """Explicit call containers: ``<tool_call>`` tags first, then Markdown code fences (flag: is a tag)."""
    for match in _TAG_BLOCK.finditer(text):
        yield match.start(), match.end(), match.group(1), True
    for match in _FENCE_BLOCK.finditer(text):
        yield match.start(), match.end(), match.group(1), False


def _calls_in_block(body: str, result: ToolParseResult, *, report: bool) -> list[ParsedToolCall]:
    values = list(_json_values(body))
    if not values:
        # An ordinary code fence is not a failed call; an unreadable <tool_call> tag is.
        if report and body.strip():
            result.errors.append(f"unreadable call: {body.strip()[:120]!r}")
        return []
    calls: list[ParsedToolCall] = []
    for value in values:
        calls.extend(_calls_from_value(value, result, bare=False, known=None))
    return calls


def _json_values(body: str) -> Iterator[Any]:
    """Every JSON value (object or list) in a block, each read with the repairs small models need."""
    position = 0
    while True:
        start = _next_opening(body, position)
        if start < 0:
            return
        decoded = _decode_lenient(body, start)
        if decoded is None:
            position = start + 1
            continue
        value, end = decoded
        yield value
        position = max(end, start + 1)


def _next_opening(text: str, position: int) -> int:
    candidates = [i for i in (text.find("{", position), text.find("[", position)) if i >= 0]
    return min(candidates) if candidates else -1


def _decode_lenient(text: str, start: int = 0) -> tuple[Any, int] | None:
    """Decode the value starting at ``text[start]``; returns it and the index in ``text`` just past it."""
    try:
        value, end = _DECODER.raw_decode(text, start)
        return value, end
    except (ValueError, RecursionError):
        pass
    if not _PLAUSIBLE_OBJECT_START.match(text, start):
        return None
    fragment = text[start : start + _REPAIR_WINDOW]
    for deleted in _repair_deletions(fragment):
        try:
            value, end = _DECODER.raw_decode(_without(fragment, deleted))
        except (ValueError, RecursionError):
            continue
        return value, start + _original_end(end, deleted)
    python_literal = _python_literal(fragment)
    return (python_literal, start + len(fragment)) if python_literal is not None else None


def _repair_deletions(fragment: str) -> Iterator[list[int]]:
    """Repairs, each as the sorted character positions to delete, so the original span stays known."""
    commas = [match.start() for match in _TRAILING_COMMA.finditer(fragment)]
    if commas:
        yield commas
    if fragment.startswith("{{"):
        # A template's escaped braces copied verbatim: ``{{"name": ...}}``. Undouble every pair ...
        yield _doubled_brace_twins(fragment)
        # ... or only the outer one, when the inner braces were single all along.
        yield [0]


def _doubled_brace_twins(fragment: str) -> list[int]:
    return [match.start() + 1 for match in _DOUBLED_BRACE.finditer(fragment)]


def _without(fragment: str, deleted: list[int]) -> str:
    pieces, position = [], 0
    for index in deleted:
        pieces.append(fragment[position:index])
        position = index + 1
    pieces.append(fragment[position:])
    return "".join(pieces)


def _original_end(end: int, deleted: list[int]) -> int:
    """Map an end index in the repaired text back to the original, swallowing deleted characters there."""
    original = end
    for index in deleted:
        if index > original:
            break
        original += 1
    return original


def _python_literal(fragment: str) -> Any:
    """Python-dict spelling (``{'name': ...}``, True/None); only tried where it starts like one."""
    if not _PYTHON_DICT_START.match(fragment):
        return None
    closing = fragment.rfind("}")
    if closing < 0:
        return None
    try:
        value = ast.literal_eval(fragment[: closing + 1])
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return None
    return value if isinstance(value, dict) else None


def _calls_from_value(
    value: Any, result: ToolParseResult, *, bare: bool, known: Collection[str] | None
) -> list[ParsedToolCall]:
    if isinstance(value, list):
        calls: list[ParsedToolCall] = []
        for item in value:
            calls.extend(_calls_from_value(item, result, bare=bare, known=known))
        return calls
    if not isinstance(value, dict):
        return []
    call = _call_from_object(value, result, bare=bare, known=known)
    return [call] if call else []


def _call_from_object(
    obj: dict[str, Any], result: ToolParseResult, *, bare: bool, known: Collection[str] | None
) -> ParsedToolCall | None:
    if isinstance(obj.get("function"), dict):  # OpenAI shape: {"type": "function", "function": {...}}
        obj = obj["function"]
    name = _first_present(obj, (*_NAME_KEYS, "function"))
    if not isinstance(name, str) or not name.strip():
        return None
    has_arguments = any(key in obj for key in _ARGUMENT_KEYS)
    # Prose can contain ordinary JSON with a "name" key; bare objects count only when they look like calls.
    if bare and not has_arguments and (known is None or name not in known):
        return None
    arguments = _arguments(_first_present(obj, _ARGUMENT_KEYS))
    if arguments is None:
        result.errors.append(f"arguments of {name!r} are not a JSON object")
        return None
    return ParsedToolCall(name=name.strip(), arguments=arguments)


def _first_present(obj: dict[str, Any], keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in obj:
            return obj[key]
    return None


def _arguments(raw: Any) -> dict[str, Any] | None:
    if raw is None:
        return {}
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        if not raw.strip():
            return {}
        decoded = _decode_lenient(raw.strip())
        if decoded is not None and isinstance(decoded[0], dict):
            return decoded[0]
    return None


def _accept_known(
    calls: list[ParsedToolCall], known_tools: Collection[str] | None, result: ToolParseResult
) -> list[ParsedToolCall]:
    if known_tools is None:
        return calls
    accepted = [call for call in calls if call.name in known_tools]
    result.unknown_tools.extend(call.name for call in calls if call.name not in known_tools)
    return accepted


def _bare_objects(text: str, seen: list[tuple[int, int]]) -> Iterator[tuple[int, int, Any]]:
    """JSON objects (or lists of them) written straight into the prose, outside any tag or fence."""
    if len(text) > _MAX_BARE_SCAN_CHARS:
        return
    position, attempts = 0, 0
    while attempts < _MAX_BARE_ATTEMPTS:
        start = _next_opening(text, position)
        if start < 0:
            return
        inside = next((end for begin, end in seen if begin <= start < end), None)
        if inside is not None:
            position = inside
            continue
        attempts += 1
        decoded = _decode_lenient(text, start)
        if decoded is None or not isinstance(decoded[0], dict | list):
            position = start + 1
            continue
        value, end = decoded
        yield start, end, value
        position = max(end, start + 1)


def _cut_spans(text: str, spans: list[_Span]) -> str:
    pieces, position = [], 0
    for span in spans:
        pieces.append(text[position : span.start])
        position = max(position, span.end)
    pieces.append(text[position:])
    joined = "".join(pieces)
    return re.sub(r"\n{3,}", "\n\n", joined).strip()

"""Constrained decoding: tool-choice spellings, the grammars built from tool schemas, and the logits mask."""

from __future__ import annotations

import json

import pytest
import torch
import xgrammar as xgr
from test_llm_tiny_model import build_tokenizer

from assistant.llm.constrained import (
    GrammarLogitsProcessor,
    ToolCallGrammar,
    ToolChoice,
    arguments_fit,
    check_tool_schema,
    grammar_schema,
    normalize_tool_choice,
    structural_tag,
)

SEARCH = {
    "type": "function",
    "function": {
        "name": "search_catalog",
        "parameters": {
            "type": "object",
            "properties": {"query": {"type": "string"}, "limit": {"type": "integer", "minimum": 1}},
            "required": ["query"],
        },
    },
}
PERSON = {
    "type": "function",
    "function": {
        "name": "get_person",
        "parameters": {"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"]},
    },
}
NAMES = ["search_catalog", "get_person"]


@pytest.fixture(scope="module")
def tokenizer():
    return build_tokenizer()


@pytest.fixture(scope="module")
def grammar(tokenizer) -> ToolCallGrammar:
    return ToolCallGrammar(tokenizer, len(tokenizer), [tokenizer.eos_token_id])


def accepts(grammar: ToolCallGrammar, tools: list, choice: ToolChoice, text: str) -> bool:
    """Whether the compiled grammar accepts ``text`` as a complete output."""
    tag = structural_tag(tools, choice)
    matcher = xgr.GrammarMatcher(grammar._compiler.compile_structural_tag(json.dumps(tag)))
    return matcher.accept_string(text) and matcher.is_completed()


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, ToolChoice("auto")),
        ("auto", ToolChoice("auto")),
        ("none", ToolChoice("none")),
        (False, ToolChoice("none")),
        ("any", ToolChoice("required")),
        ("required", ToolChoice("required")),
        (True, ToolChoice("required")),
        ("get_person", ToolChoice("forced", "get_person")),
        ({"type": "function", "function": {"name": "get_person"}}, ToolChoice("forced", "get_person")),
    ],
)
def test_tool_choice_spellings(given: object, expected: ToolChoice) -> None:
    assert normalize_tool_choice(given, NAMES) == expected


def test_required_with_a_single_tool_forces_it() -> None:
    assert normalize_tool_choice("any", ["search_catalog"]) == ToolChoice("forced", "search_catalog")


def test_unknown_tool_choice_raises_with_the_options() -> None:
    with pytest.raises(ValueError, match="search_catalog, get_person"):
        normalize_tool_choice("delete_everything", NAMES)


def test_no_constraint_without_tools_or_with_choice_none() -> None:
    assert structural_tag([], ToolChoice("auto")) is None
    assert structural_tag([SEARCH], ToolChoice("none")) is None


def test_grammar_schema_bounds_unbounded_numbers_only() -> None:
    schema = {
        "type": "object",
        "properties": {
            "n": {"type": "integer"},
            "x": {"type": ["number", "null"]},
            "k": {"type": "integer", "minimum": 1, "maximum": 9},
        },
    }
    bounded = grammar_schema(schema)
    assert bounded["properties"]["n"] == {"type": "integer", "maximum": 10**15, "minimum": -(10**15)}
    assert bounded["properties"]["x"]["maximum"] == 10**15
    assert bounded["properties"]["k"] == {"type": "integer", "minimum": 1, "maximum": 9}
    assert "maximum" not in schema["properties"]["n"]  # the tool's own schema is left untouched


def test_auto_allows_free_text_and_valid_calls_in_both_openers(grammar) -> None:
    tools = [SEARCH, PERSON]
    auto = ToolChoice("auto")
    assert accepts(grammar, tools, auto, "Just chatting, no tools.")
    call = '<tool_call>\n{"name": "get_person", "arguments": {"name": "Ava"}}\n</tool_call>'
    assert accepts(grammar, tools, auto, f"Looking.\n{call}")
    assert accepts(grammar, tools, auto, '```json\n{"name": "search_catalog", "arguments": {"query": "x"}}\n```')


def test_auto_rejects_calls_that_break_the_schema(grammar) -> None:
    tools, auto = [SEARCH, PERSON], ToolChoice("auto")
    missing_required = '<tool_call>\n{"name": "search_catalog", "arguments": {"limit": 3}}\n</tool_call>'
    wrong_type = '<tool_call>\n{"name": "search_catalog", "arguments": {"query": 7}}\n</tool_call>'
    unknown_tool = '<tool_call>\n{"name": "drop_tables", "arguments": {}}\n</tool_call>'
    below_minimum = '<tool_call>\n{"name": "search_catalog", "arguments": {"query": "a", "limit": 0}}\n</tool_call>'
    for text in (missing_required, wrong_type, unknown_tool, below_minimum):
        assert not accepts(grammar, tools, auto, text), text


def test_forced_allows_only_that_tool_and_no_text(grammar) -> None:
    forced = ToolChoice("forced", "get_person")
    call = '<tool_call>\n{"name": "get_person", "arguments": {"name": "Ava"}}\n</tool_call>'
    assert accepts(grammar, [SEARCH, PERSON], forced, call)
    assert not accepts(grammar, [SEARCH, PERSON], forced, "Sure! " + call)
    other = '<tool_call>\n{"name": "search_catalog", "arguments": {"query": "x"}}\n</tool_call>'
    assert not accepts(grammar, [SEARCH, PERSON], forced, other)


def test_required_needs_at_least_one_call(grammar) -> None:
    required = ToolChoice("required")
    assert not accepts(grammar, [SEARCH, PERSON], required, "No call here.")
    first = '<tool_call>\n{"name": "search_catalog", "arguments": {"query": "x"}}\n</tool_call>'
    second = '<tool_call>\n{"name": "get_person", "arguments": {"name": "y"}}\n</tool_call>'
    assert accepts(grammar, [SEARCH, PERSON], required, first)
    assert accepts(grammar, [SEARCH, PERSON], required, f"{first}\n{second}")


def test_arguments_fit_uses_the_tools_own_schema() -> None:
    assert arguments_fit(SEARCH, {"query": "x", "limit": 2})
    assert arguments_fit(SEARCH, {"query": "tab\tand\x04control"})
    assert not arguments_fit(SEARCH, {"limit": 2})
    assert not arguments_fit(SEARCH, {"query": 7})
    assert not arguments_fit(SEARCH, {"query": "x", "limit": 0})


def test_an_invalid_tool_schema_is_refused() -> None:
    broken = {"type": "function", "function": {"name": "broken", "parameters": {"type": "objekt"}}}
    with pytest.raises(ValueError, match="broken"):
        check_tool_schema(broken)


def test_processor_masks_every_token_that_cannot_continue_a_forced_call(grammar, tokenizer) -> None:
    processor = grammar.logits_processor([SEARCH], ToolChoice("forced", "search_catalog"))
    assert isinstance(processor, GrammarLogitsProcessor)
    scores = processor(torch.tensor([[0]]), torch.zeros(1, len(tokenizer)))
    allowed = torch.isfinite(scores[0]).nonzero().flatten().tolist()
    # The output must open with "<tool_call>": the added token, or the text spelled in smaller pieces.
    assert tokenizer.convert_tokens_to_ids("<tool_call>") in allowed
    assert all("<tool_call>".startswith(tokenizer.decode([i])) for i in allowed)


def test_processor_gives_up_instead_of_raising_on_an_impossible_token(grammar, tokenizer) -> None:
    processor = grammar.logits_processor([SEARCH], ToolChoice("forced", "search_catalog"))
    processor(torch.tensor([[0]]), torch.zeros(1, len(tokenizer)))
    bad_token = tokenizer.convert_tokens_to_ids("</tool_call>")
    scores = torch.zeros(1, len(tokenizer))
    out = processor(torch.tensor([[0, bad_token]]), scores.clone())
    assert processor.gave_up
    assert torch.equal(out, scores)


def test_processor_refuses_batches(grammar, tokenizer) -> None:
    processor = grammar.logits_processor([SEARCH], ToolChoice("auto"))
    with pytest.raises(ValueError, match="batch size 1"):
        processor(torch.zeros(2, 1, dtype=torch.long), torch.zeros(2, len(tokenizer)))

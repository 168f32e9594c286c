"""The lenient tool-call parser: every format small models write, and garbage that must not raise."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistant.llm.tool_parsing import ParsedToolCall, parse_tool_calls

KNOWN = {"search_catalog", "get_person"}


def call(tool: str, /, **arguments: object) -> ParsedToolCall:
    return ParsedToolCall(name=tool, arguments=dict(arguments))


def test_several_tool_call_tags_with_text_around() -> None:
    text = (
        "Let me look.\n"
        '<tool_call>\n{"name": "search_catalog", "arguments": {"query": "80s horror"}}\n</tool_call>\n'
        '<tool_call>{"name": "get_person", "arguments": {"name": "John Carpenter"}}</tool_call>\n'
        "Back soon."
    )
    result = parse_tool_calls(text, KNOWN)
    assert result.calls == [
        call("search_catalog", query="80s horror"),
        call("get_person", name="John Carpenter"),
    ]
    assert result.text == "Let me look.\n\nBack soon."
    assert result.errors == [] and result.unknown_tools == []


def test_unclosed_tag_at_end_of_output() -> None:
    result = parse_tool_calls('<tool_call>\n{"name": "search_catalog", "arguments": {"query": "x"}}', KNOWN)
    assert result.calls == [call("search_catalog", query="x")]
    assert result.text == ""


@pytest.mark.parametrize("fence", ["```json", "```", "```JSON", "```tool_call"])
def test_markdown_fence(fence: str) -> None:
    text = f'{fence}\n{{\n  "name": "search_catalog",\n  "arguments": {{\n    "query": "noir"\n  }}\n}}\n```'
    result = parse_tool_calls(text, KNOWN)
    assert result.calls == [call("search_catalog", query="noir")]
    assert result.text == ""


def test_code_fence_without_a_call_is_left_alone_and_not_an_error() -> None:
    text = 'Here is code:\n```python\nprint({"a": 1})\n```'
    result = parse_tool_calls(text, KNOWN)
    assert result.calls == [] and result.errors == []
    assert result.text == text


def test_bare_json_objects_in_prose() -> None:
    text = (
        'First {"name": "search_catalog", "arguments": {"query": "a"}} then '
        '{"name": "get_person", "arguments": {"name": "b"}} done'
    )
    result = parse_tool_calls(text, KNOWN)
    assert result.calls == [call("search_catalog", query="a"), call("get_person", name="b")]
    assert result.text == "First  then  done"


def test_bare_list_of_calls() -> None:
    text = '[{"name": "search_catalog", "arguments": {}}, {"name": "get_person", "arguments": {"name": "x"}}]'
    result = parse_tool_calls(text, KNOWN)
    assert result.calls == [call("search_catalog"), call("get_person", name="x")]


def test_ordinary_json_in_prose_is_not_a_call() -> None:
    text = 'The record is {"title": "Alien", "name": "Ripley"} and [1, 2].'
    result = parse_tool_calls(text, KNOWN)
    assert result.calls == []
    assert result.text == text


def test_bare_object_naming_a_known_tool_without_arguments_is_a_call() -> None:
    result = parse_tool_calls('{"name": "search_catalog"}', KNOWN)
    assert result.calls == [call("search_catalog")]


@pytest.mark.parametrize(
    "text",
    [
        '{{"name": "search_catalog", "arguments": {{"query": "a"}}}} after',
        '{{"name": "search_catalog", "arguments": {"query": "a"}}} after',
    ],
)
def test_doubled_braces(text: str) -> None:
    result = parse_tool_calls(text, KNOWN)
    assert result.calls == [call("search_catalog", query="a")]
    assert result.text == "after"


def test_arguments_given_as_a_json_string() -> None:
    text = '<tool_call>{"name": "search_catalog", "arguments": "{\\"query\\": \\"heist\\"}"}</tool_call>'
    assert parse_tool_calls(text, KNOWN).calls == [call("search_catalog", query="heist")]


@pytest.mark.parametrize("key", ["parameters", "args", "input"])
def test_other_names_for_arguments(key: str) -> None:
    text = f'<tool_call>{{"name": "search_catalog", "{key}": {{"query": "q"}}}}</tool_call>'
    assert parse_tool_calls(text, KNOWN).calls == [call("search_catalog", query="q")]


def test_openai_function_shape() -> None:
    text = '{"type": "function", "function": {"name": "get_person", "arguments": "{\\"name\\": \\"z\\"}"}}'
    assert parse_tool_calls(text, KNOWN).calls == [call("get_person", name="z")]


def test_missing_or_empty_arguments_mean_no_arguments() -> None:
    for text in [
        '<tool_call>{"name": "get_person"}</tool_call>',
        '<tool_call>{"name": "get_person", "arguments": ""}',
    ]:
        assert parse_tool_calls(text, KNOWN).calls == [call("get_person")]


def test_unknown_tool_is_dropped_reported_and_kept_in_text() -> None:
    text = '<tool_call>{"name": "delete_everything", "arguments": {}}</tool_call>'
    result = parse_tool_calls(text, KNOWN)
    assert result.calls == []
    assert result.unknown_tools == ["delete_everything"]
    assert result.text == text


def test_without_known_tools_every_name_is_accepted() -> None:
    result = parse_tool_calls('<tool_call>{"name": "anything", "arguments": {"x": 1}}</tool_call>')
    assert result.calls == [call("anything", x=1)]


def test_trailing_junk_and_trailing_commas() -> None:
    text = '<tool_call>{"name": "search_catalog", "arguments": {"query": "a",},} }}}</tool_call> junk'
    result = parse_tool_calls(text, KNOWN)
    assert result.calls == [call("search_catalog", query="a")]
    assert result.text == "junk"
    bare = parse_tool_calls('{"name": "search_catalog", "arguments": {"query": "b"}} }} ]] trailing', KNOWN)
    assert bare.calls == [call("search_catalog", query="b")]
    assert bare.text == "}} ]] trailing"


def test_python_dict_spelling() -> None:
    text = "<tool_call>{'name': 'search_catalog', 'arguments': {'query': 'x', 'exact': True}}</tool_call>"
    assert parse_tool_calls(text, KNOWN).calls == [call("search_catalog", query="x", exact=True)]


def test_raw_control_characters_inside_strings() -> None:
    text = '<tool_call>{"name": "search_catalog", "arguments": {"query": "tab\there"}}</tool_call>'
    assert parse_tool_calls(text, KNOWN).calls == [call("search_catalog", query="tab\there")]


def test_unreadable_tag_is_reported_and_kept() -> None:
    result = parse_tool_calls("<tool_call>search_catalog(query='x')</tool_call>", KNOWN)
    assert result.calls == []
    assert result.errors and "unreadable" in result.errors[0]
    assert "search_catalog(query='x')" in result.text


def test_arguments_that_are_not_an_object_are_reported() -> None:
    result = parse_tool_calls('<tool_call>{"name": "search_catalog", "arguments": [1, 2]}</tool_call>', KNOWN)
    assert result.calls == []
    assert any("not a JSON object" in error for error in result.errors)


@pytest.mark.parametrize("value", [None, 42, b"bytes", ["list"]])
def test_non_string_input_does_not_raise(value: object) -> None:
    result = parse_tool_calls(value, KNOWN)
    assert result.calls == []
    assert result.errors


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "{",
        "}}}}{{{{",
        "<tool_call>",
        "</tool_call><tool_call>{",
        "```",
        '```json\n{"name": ',
        '{"name": {"name": {"name": null}}}',
        "[" * 5000,
        "{" * 100_000,
        '{{"' * 30_000,
        "<tool_call>{" * 10_000,
        "\x00\ud800\uffff",
    ],
)
def test_garbage_never_raises_and_stays_fast(garbage: str) -> None:
    started = time.perf_counter()
    result = parse_tool_calls(garbage, KNOWN)
    assert result.calls == []
    assert time.perf_counter() - started < 2.0


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.sampled_from(list('{}[]":,<>/ \n`tool_cal namegurs0123')), max_size=200))
def test_fuzzed_call_like_text_never_raises(text: str) -> None:
    result = parse_tool_calls(text, KNOWN)
    assert all(c.name in KNOWN and isinstance(c.arguments, dict) for c in result.calls)

"""StreamGate: which text of a growing reply is shown at once and which is held for the tool-call parser."""

from __future__ import annotations

import torch
from test_llm_tiny_model import build_tokenizer

from assistant.llm.streaming import StopStrings, StreamGate, cut_at_stop


def feed_all(gate: StreamGate, pieces: list[str]) -> str:
    return "".join(gate.feed(piece) for piece in pieces)


def test_plain_text_flows_through_except_a_possible_marker_start() -> None:
    gate = StreamGate(watch_tool_calls=True)
    assert gate.feed("Hello there") == "Hello there"
    assert gate.feed(" <tool") == " "  # "<tool" may become "<tool_call>": held
    assert gate.feed("box> fine") == "<toolbox> fine"  # it did not


def test_text_from_a_tool_call_opener_on_is_held() -> None:
    gate = StreamGate(watch_tool_calls=True)
    shown = feed_all(gate, ["Let me ", "look.\n<tool", "_call>\n{", '"name": "x"}'])
    assert shown == "Let me look.\n"
    assert gate.holding


def test_code_fences_are_held_when_tools_are_bound_but_not_otherwise() -> None:
    assert feed_all(StreamGate(watch_tool_calls=True), ["Here:\n``", '`json\n{"a": 1}']) == "Here:\n"
    assert feed_all(StreamGate(watch_tool_calls=False), ["Here:\n``", "`json"]) == "Here:\n```json"


def test_a_reply_opening_with_json_is_held_as_a_probable_bare_call() -> None:
    gate = StreamGate(watch_tool_calls=True)
    assert feed_all(gate, ["  \n", '{"name"', ': "x"}']) == ""
    assert gate.holding


def test_leading_whitespace_is_dropped() -> None:
    assert feed_all(StreamGate(watch_tool_calls=False), ["\n ", " Hi", " there"]) == "Hi there"


def test_stop_strings_are_never_shown_even_when_split() -> None:
    gate = StreamGate(watch_tool_calls=False, stop=["END"])
    assert feed_all(gate, ["one two E", "N", "D three"]) == "one two "


def test_remaining_content_completes_what_was_streamed() -> None:
    gate = StreamGate(watch_tool_calls=True)
    feed_all(gate, ["Looking it up. ", "<tool_call>{...}"])
    assert gate.remaining_content("Looking it up. Anything else?") == "Anything else?"
    assert gate.remaining_content("Looking it up.") == ""
    assert gate.remaining_content("Something the parser rewrote") == ""


def test_cut_at_stop_uses_the_earliest_stop_string() -> None:
    assert cut_at_stop("a STOP b END c", ["END", "STOP"]) == "a "
    assert cut_at_stop("nothing to cut", ["END"]) == "nothing to cut"
    assert cut_at_stop("no stops given", None) == "no stops given"


def test_stop_strings_criterion_looks_at_the_reply_only() -> None:
    tokenizer = build_tokenizer()
    prompt = tokenizer.encode("search_catalog ", return_tensors="pt")
    criterion = StopStrings(tokenizer, ["catalog"], prompt_length=prompt.shape[1])
    scores = torch.zeros(1, len(tokenizer))
    reply = tokenizer.encode("find the 80s horror in the catalog, please", return_tensors="pt")[0]
    verdicts = [
        bool(criterion(torch.cat([prompt[0], reply[:n]]).unsqueeze(0), scores)[0]) for n in range(1, len(reply) + 1)
    ]
    stopped_at = verdicts.index(True)  # the first reply that contains the whole stop string, not the prompt's
    assert "catalog" in tokenizer.decode(reply[: stopped_at + 1])
    assert "catalog" not in tokenizer.decode(reply[:stopped_at])
    assert all(verdicts[stopped_at:])

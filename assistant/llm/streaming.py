"""Token streaming: which part of a growing reply may be shown now, and the generate() worker thread."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import torch
from transformers import StoppingCriteria

# Openers of a tool call in the formats the parser reads; text from one of them on is held for the parser.
TOOL_CALL_MARKERS = ("<tool_call>", "```")
# A reply that *starts* with these is probably a bare JSON call: hold it rather than stream raw JSON.
BARE_CALL_STARTS = ("{", "[")


class StreamGate:
    """Decides which text can be streamed as content while tool calls and stop strings may still be forming.

    Text is released as soon as it cannot be the beginning of a marker (a tool-call opener or a stop string);
    from a tool-call opener on, everything is held so the final chunk can carry the parsed calls instead.
    """

    def __init__(self, *, watch_tool_calls: bool, stop: list[str] | None = None) -> None:
        self._tool_markers = TOOL_CALL_MARKERS if watch_tool_calls else ()
        self._watch_bare = watch_tool_calls
        self._stops = tuple(s for s in (stop or []) if s)
        self._pending = ""
        self.emitted = ""
        self.holding = False

    def feed(self, piece: str) -> str:
        """Add generated text; returns what may be shown now (possibly empty)."""
        if self.holding:
            return ""
        self._pending += piece
        if not self.emitted:
            # Leading whitespace is dropped, as the non-streaming reply strips it too.
            self._pending = self._pending.lstrip()
            if self._watch_bare and self._pending.startswith(BARE_CALL_STARTS):
                self.holding = True
                return ""
        cut = self._first_marker(self._pending)
        if cut is not None:
            self.holding = True
            return self._release(self._pending[:cut])
        return self._release(self._pending[: len(self._pending) - self._partial_marker_length(self._pending)])

    def _first_marker(self, text: str) -> int | None:
        found = [i for i in (text.find(m) for m in (*self._tool_markers, *self._stops)) if i >= 0]
        return min(found) if found else None

    def _partial_marker_length(self, text: str) -> int:
        """Length of the longest tail of ``text`` that a marker could still grow out of."""
        longest = 0
        for marker in (*self._tool_markers, *self._stops):
            for size in range(min(len(marker) - 1, len(text)), longest, -1):
                if marker.startswith(text[-size:]):
                    longest = size
                    break
        return longest

    def _release(self, text: str) -> str:
        self._pending = self._pending[len(text) :]
        self.emitted += text
        return text

    def remaining_content(self, final_content: str) -> str:
        """What of the final (parsed, stripped) content has not been streamed yet."""
        if final_content.startswith(self.emitted):
            return final_content[len(self.emitted) :]
        shown = self.emitted.rstrip()
        if final_content.startswith(shown):
            return final_content[len(shown) :].lstrip()
        return ""  # the parser took text that was already shown as a call; it cannot be unsent


def cut_at_stop(text: str, stop: list[str] | None) -> str:
    """The text up to the first stop string (generate() keeps the stop string itself)."""
    positions = [i for i in (text.find(s) for s in (stop or []) if s) if i >= 0]
    return text[: min(positions)] if positions else text


class StopStrings(StoppingCriteria):
    """Ends generation once the reply contains one of ``stop``, decoding only the reply's last few tokens.

    transformers' own ``stop_strings`` option builds a table over the whole vocabulary on every call (over a
    second for Qwen's 152k tokens on a CPU); this check costs a short decode per token instead.
    """

    def __init__(self, tokenizer: Any, stop: list[str], prompt_length: int) -> None:
        self._tokenizer = tokenizer
        self._stop = [s for s in stop if s]
        self._prompt_length = prompt_length
        # Every token decodes to at least one character (or a byte of one), so this many tokens always cover
        # a stop string that the newest token completes, with room for multi-byte characters.
        self._window = 4 * max((len(s) for s in self._stop), default=0) + 4

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: Any) -> torch.BoolTensor:
        done = []
        for row in input_ids:
            reply = row[self._prompt_length :]
            tail = self._tokenizer.decode(reply[-self._window :], skip_special_tokens=True) if self._stop else ""
            done.append(any(s in tail for s in self._stop))
        return torch.tensor(done, dtype=torch.bool, device=input_ids.device)


class CancelAndCount(StoppingCriteria):
    """Stops generate() when the consumer of a stream goes away; remembers how long the sequence got."""

    def __init__(self) -> None:
        self.cancelled = threading.Event()
        self.sequence_length = 0

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: Any) -> torch.BoolTensor:
        self.sequence_length = int(input_ids.shape[1])
        return torch.full((input_ids.shape[0],), self.cancelled.is_set(), dtype=torch.bool, device=input_ids.device)


class GenerationThread(threading.Thread):
    """Runs generate() for a streamer; an exception is kept and re-raised in the consumer's thread."""

    def __init__(self, generate: Callable[..., Any], kwargs: dict[str, Any], on_failure: Callable[[], None]) -> None:
        super().__init__(name="marquee-llm-generate", daemon=True)
        self._generate = generate
        self._kwargs = kwargs
        self._on_failure = on_failure
        self.error: BaseException | None = None
        #: What generate() returned (the token ids of prompt and reply), once it has.
        self.result: Any = None

    def run(self) -> None:
        try:
            with torch.inference_mode():
                self.result = self._generate(**self._kwargs)
        except BaseException as error:  # handed to the consumer, which raises it where it can be seen
            self.error = error
            self._on_failure()  # unblocks the streamer's iterator, which would otherwise wait forever

    def raise_if_failed(self) -> None:
        if self.error is not None:
            raise self.error

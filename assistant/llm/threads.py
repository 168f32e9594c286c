"""How many CPU threads torch uses while decoding, chosen by measuring.

One thread per core is fastest on an idle machine. On a busy one it is a disaster: each of the ~300 parallel
regions of a decode step waits for every one of its threads to get a core, and with more runnable processes than
cores that wait is a scheduler time slice. Measured on a 2-core machine at load average 8 with the embedded
0.5B model (int8): 1 thread about 0.25 s per token, 2 threads 3.7-5.8 s per token. So the thread count is not
fixed: :class:`ThreadTuner` times the decode steps, tries the other count now and then, and keeps the faster.
"""

from __future__ import annotations

import logging
import os
import statistics
import threading
import time
from collections import deque
from typing import Any

import torch
from transformers import StoppingCriteria

logger = logging.getLogger(__name__)

#: Steps timed on a trial of the other thread count (after one step to settle).
PROBE_STEPS = 3
#: Steps between trials; doubles each time a trial confirms the current choice, up to the maximum.
FIRST_PROBE_INTERVAL = 24
MAX_PROBE_INTERVAL = 512
#: The current count is re-tried sooner when its recent steps get this much slower than when it was chosen.
SLOWDOWN_FACTOR = 1.5
#: The other count must be at least this much faster (time ratio) to be switched to.
SWITCH_MARGIN = 0.85
_SAMPLES_KEPT = 8


class ThreadTuner:
    """Chooses between ``max_threads`` and 1 thread by the measured time per decode step; thread-safe."""

    def __init__(self, max_threads: int) -> None:
        self.max_threads = max(1, max_threads)
        self.candidates = sorted({1, self.max_threads}, reverse=True)
        self.current = self.max_threads
        self._samples: dict[int, deque[float]] = {n: deque(maxlen=_SAMPLES_KEPT) for n in self.candidates}
        self._lock = threading.Lock()
        self._probe_left = 0  # > 0 while trying the other count
        self._probe_from = self.current
        self._since_probe = 0
        self._interval = FIRST_PROBE_INTERVAL
        self._chosen_at: float | None = None  # median step time of the current count when it was chosen

    @property
    def active(self) -> bool:
        return len(self.candidates) > 1

    def watch(self) -> StepTimer:
        """A stopping criterion (it never stops anything) that times one generation's decode steps."""
        return StepTimer(self)

    def apply(self) -> None:
        """Use the current choice in the calling thread (torch keeps the thread count per OS thread)."""
        if torch.get_num_threads() != self.current:
            torch.set_num_threads(self.current)

    def record(self, seconds: float) -> bool:
        """Note one decode step at the current count; True when the count changed (the next step is a switch)."""
        with self._lock:
            samples = self._samples[self.current]
            samples.append(seconds)
            if self._probe_left > 0:
                self._probe_left -= 1
                if self._probe_left == 0:
                    return self._decide()
                return False
            self._since_probe += 1
            if self._should_probe(samples):
                return self._start_probe()
            return False

    def _should_probe(self, samples: deque[float]) -> bool:
        other = self._other()
        if not self._samples[other]:
            return self._since_probe >= 2  # never tried: as soon as there is something to compare with
        if self._since_probe >= self._interval:
            return True
        recent = list(samples)[-4:]
        slowed = (
            self._chosen_at is not None
            and len(recent) == 4
            and statistics.median(recent) > SLOWDOWN_FACTOR * self._chosen_at
        )
        if slowed:
            self._interval = FIRST_PROBE_INTERVAL
        return slowed

    def _start_probe(self) -> bool:
        self._probe_from = self.current
        self._probe_left = PROBE_STEPS
        self._since_probe = 0
        other = self._other()
        self._samples[other].clear()  # judged on fresh steps only: the machine's load has moved on since
        self._switch(other)
        return True

    def _decide(self) -> bool:
        timings = {n: statistics.median(s) for n, s in self._samples.items() if s}
        tried = self._other(self._probe_from)
        # A clear win only: on a noisy machine near-equal timings would otherwise flip the choice every trial.
        best = tried if timings[tried] < SWITCH_MARGIN * timings[self._probe_from] else self._probe_from
        if best == self._probe_from:
            self._interval = min(self._interval * 2, MAX_PROBE_INTERVAL)
        else:
            self._interval = FIRST_PROBE_INTERVAL
            logger.debug(
                "Decoding with %d CPU thread(s): %.0f ms per token against %.0f ms with %d.",
                best,
                timings[best] * 1e3,
                timings[self._probe_from] * 1e3,
                self._probe_from,
            )
        self._chosen_at = timings[best]
        changed = best != self.current
        self._switch(best)
        return changed

    def _other(self, of: int | None = None) -> int:
        of = self.current if of is None else of
        return next(n for n in self.candidates if n != of)

    def _switch(self, threads: int) -> None:
        self.current = threads
        torch.set_num_threads(threads)


class StepTimer(StoppingCriteria):
    """Called by generate() after every step: the first is the prefill, the rest are decode steps."""

    def __init__(self, tuner: ThreadTuner) -> None:
        self._tuner = tuner
        self._last: float | None = None
        self._skip_next = True  # the prefill, and the first step after a switch, say nothing about decoding

    def __call__(self, input_ids: torch.LongTensor, scores: torch.FloatTensor, **kwargs: Any) -> torch.BoolTensor:
        now = time.perf_counter()
        if self._last is not None and not self._skip_next:
            self._skip_next = self._tuner.record(now - self._last)
        else:
            self._skip_next = False
        self._last = time.perf_counter()
        return torch.zeros(input_ids.shape[0], dtype=torch.bool, device=input_ids.device)


_shared: ThreadTuner | None = None
_shared_lock = threading.Lock()


def shared_thread_tuner() -> ThreadTuner | None:
    """The process's tuner (torch's thread pool is one per process); None when threads are pinned by the user.

    ``OMP_NUM_THREADS`` set in the environment is an explicit choice and is left alone, as is a single core.
    """
    global _shared
    with _shared_lock:
        if _shared is None and not os.environ.get("OMP_NUM_THREADS"):
            tuner = ThreadTuner(torch.get_num_threads())
            _shared = tuner if tuner.active else None
        return _shared

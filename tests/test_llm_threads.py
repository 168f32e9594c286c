"""ThreadTuner: keeps the thread count whose decode steps are faster, and tries the other one now and then."""

from __future__ import annotations

import pytest
import torch

from assistant.llm import threads
from assistant.llm.threads import FIRST_PROBE_INTERVAL, MAX_PROBE_INTERVAL, PROBE_STEPS, ThreadTuner


@pytest.fixture(autouse=True)
def restore_threads():
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


def drive(tuner: ThreadTuner, seconds_per_step: dict[int, float], steps: int) -> list[int]:
    """Feed ``steps`` decode steps timed by the thread count in use; returns the count used at each step."""
    used = []
    skip = False
    for _ in range(steps):
        used.append(tuner.current)
        if skip:  # the step after a switch is not timed, as StepTimer does
            skip = False
            continue
        skip = tuner.record(seconds_per_step[tuner.current])
    return used


def test_a_busy_machine_ends_up_on_one_thread_and_stays_there() -> None:
    tuner = ThreadTuner(2)
    used = drive(tuner, {2: 3.0, 1: 0.25}, 200)
    assert tuner.current == 1 and torch.get_num_threads() == 1
    assert used[:2] == [2, 2]  # starts at one per core, tries one thread after two steps
    assert used[-100:].count(2) <= 2 * (1 + PROBE_STEPS)  # re-tries are rare once the choice holds


def test_an_idle_machine_keeps_one_thread_per_core() -> None:
    tuner = ThreadTuner(2)
    used = drive(tuner, {2: 0.05, 1: 0.09}, 300)
    assert tuner.current == 2
    assert used.count(1) <= 4 * (1 + PROBE_STEPS)
    assert tuner._interval > FIRST_PROBE_INTERVAL  # each confirming trial waits longer for the next


def test_near_equal_timings_do_not_flip_the_choice() -> None:
    tuner = ThreadTuner(2)
    drive(tuner, {2: 0.10, 1: 0.095}, 200)
    assert tuner.current == 2


def test_when_the_load_changes_the_choice_follows() -> None:
    tuner = ThreadTuner(2)
    drive(tuner, {2: 0.05, 1: 0.09}, 100)
    assert tuner.current == 2
    drive(tuner, {2: 2.0, 1: 0.3}, 30)  # others start running: the slowdown triggers a trial at once
    assert tuner.current == 1
    drive(tuner, {2: 0.05, 1: 0.09}, MAX_PROBE_INTERVAL + 50)
    assert tuner.current == 2


def test_a_single_core_or_pinned_threads_mean_no_tuning(monkeypatch) -> None:
    assert not ThreadTuner(1).active
    monkeypatch.setattr(threads, "_shared", None)
    monkeypatch.setenv("OMP_NUM_THREADS", "2")
    assert threads.shared_thread_tuner() is None


def test_the_step_timer_never_stops_generation() -> None:
    timer = ThreadTuner(2).watch()
    for _ in range(5):
        assert not timer(torch.zeros(1, 3, dtype=torch.long), torch.zeros(1, 4)).any()

"""Agent benchmark: does the agent call the right tool with the right arguments, and how fast is a turn?

Runs every labelled message of ``agent_messages.json`` as a full turn in a fresh session with the configured
chat model (on a machine without a GPU and without ``MARQUEE_LLM_*``: the embedded 0.5B model on the CPU), in
two variants: the model choosing tools alone, and with the embedding intent check forcing the tool it is
confident about. Scores the first tool call of each turn; times the turns (end to end, first event, first
answer token), the model's tokens per second, and the process's peak memory.
"""

from __future__ import annotations

import json
import os
import resource
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from tqdm.auto import tqdm

from knowledge.settings import Settings

MESSAGES_FILE = Path(__file__).with_name("agent_messages.json")
VARIANTS = {"llm": False, "intent": True}  # name -> use the intent check


def load_messages(path: Path = MESSAGES_FILE) -> list[dict]:
    return json.loads(path.read_text(encoding="utf-8"))["messages"]


# -- scoring ---------------------------------------------------------------------------------------------
def _has(value: Any, needle: Any) -> bool:
    """Case-insensitive containment; ``needle`` may be a list of alternatives."""
    if isinstance(needle, list):
        return any(_has(value, n) for n in needle)
    return str(needle).casefold() in str(value).casefold()


def check_argument(value: Any, check: dict) -> bool:
    if value is None:
        return False
    if "equals" in check and value != check["equals"]:
        return False
    if "range" in check:
        low, high = check["range"]
        if not isinstance(value, int | float) or not low <= value <= high:
            return False
    if "all" in check and not all(_has(value, n) for n in check["all"]):
        return False
    if "any" in check and not any(_has(value, n) for n in check["any"]):
        return False
    if "items" in check:
        items = value if isinstance(value, list) else [value]
        return all(any(_has(item, n) or _has(n, item) for item in items) for n in check["items"])
    return True


def score_call(expected: dict, call: dict | None) -> tuple[bool, bool]:
    """(right tool, right key arguments) for the first call of a turn (None: no tool was called)."""
    want = expected.get("tool")
    name = call["name"] if call else None
    if name != want:
        return False, False
    if call is None:
        return True, True
    args = call.get("arguments") or {}
    return True, all(check_argument(args.get(key), check) for key, check in (expected.get("args") or {}).items())


# -- results ---------------------------------------------------------------------------------------------
@dataclass
class Turn:
    message: str
    expected: str | None
    called: str | None
    arguments: dict
    right_tool: bool
    right_args: bool
    seconds: float
    first_event_s: float
    first_token_s: float | None
    usage: dict
    source: str
    reply: str


def _pct(values: list[float], q: float) -> float | None:
    return round(float(np.percentile(values, q)), 2) if values else None


@dataclass
class VariantResult:
    name: str
    turns: list[Turn] = field(default_factory=list)

    def summary(self) -> dict:
        t = self.turns
        search = [x.seconds for x in t if x.expected == "search_catalog"]
        first_tokens = [x.first_token_s for x in t if x.first_token_s is not None]
        out_tokens = sum(x.usage.get("output_tokens", 0) for x in t)
        model_s = sum(x.usage.get("model_seconds", 0) for x in t)
        with_tool = [x for x in t if x.expected]
        return {
            "messages": len(t),
            "right_tool": round(sum(x.right_tool for x in t) / len(t), 4) if t else None,
            "right_args": round(sum(x.right_args for x in t) / len(t), 4) if t else None,
            "right_args_when_tool_expected": round(sum(x.right_args for x in with_tool) / len(with_tool), 4)
            if with_tool else None,
            "turn_s": {"p50": _pct([x.seconds for x in t], 50), "p95": _pct([x.seconds for x in t], 95)},
            "search_turn_s": {"p50": _pct(search, 50), "p95": _pct(search, 95), "max": _pct(search, 100)},
            "first_event_s": {"p50": _pct([x.first_event_s for x in t], 50),
                              "p95": _pct([x.first_event_s for x in t], 95)},
            "first_token_s": {"p50": _pct(first_tokens, 50), "p95": _pct(first_tokens, 95)},
            "model_output_tokens_per_s": round(out_tokens / model_s, 2) if model_s else None,
            "answers_by_source": {s: sum(x.source == s for x in t) for s in sorted({x.source for x in t})},
        }


@dataclass
class AgentBenchResult:
    variants: dict[str, VariantResult] = field(default_factory=dict)
    model: str = ""
    load_s: float = 0.0
    decode_tokens_per_s: float | None = None
    prefill_tokens_per_s: float | None = None
    peak_rss_mb: float = 0.0
    load_average: tuple[float, ...] = ()

    def summary(self) -> dict:
        return {
            "model": self.model,
            "variants": {name: v.summary() for name, v in self.variants.items()},
            "decode_tokens_per_s": self.decode_tokens_per_s,
            "prefill_tokens_per_s": self.prefill_tokens_per_s,
            "load_s": round(self.load_s, 1),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "cpu_count": os.cpu_count(),
            "load_average_at_end": [round(x, 2) for x in self.load_average],
        }

    def report(self) -> str:
        lines = []
        for name, variant in self.variants.items():
            lines += [f"== {name} ==", f"{'tool':6s} {'args':5s} {'secs':>6s}  {'called':20s} message"]
            for x in variant.turns:
                mark = lambda ok: "ok" if ok else "MISS"  # noqa: E731
                lines.append(f"{mark(x.right_tool):6s} {mark(x.right_args):5s} {x.seconds:6.1f}  "
                             f"{str(x.called):20s} {x.message[:60]}")
                if x.right_tool and not x.right_args:
                    lines.append(f"{'':21s}arguments: {json.dumps(x.arguments, ensure_ascii=False)[:120]}")
            s = variant.summary()
            lines += [f"right tool {s['right_tool']:.1%}, right key arguments {s['right_args']:.1%}; "
                      f"turn p50 {s['turn_s']['p50']} s / p95 {s['turn_s']['p95']} s; search turn p50 "
                      f"{s['search_turn_s']['p50']} s / p95 {s['search_turn_s']['p95']} s; first token p50 "
                      f"{s['first_token_s']['p50']} s / p95 {s['first_token_s']['p95']} s", ""]
        lines.append(f"model {self.model}: decode {self.decode_tokens_per_s} tokens/s, prefill "
                     f"{self.prefill_tokens_per_s} tokens/s; loaded in {self.load_s:.1f} s; peak RSS "
                     f"{self.peak_rss_mb:.0f} MB; load average {self.load_average}")
        return "\n".join(lines)


# -- running ---------------------------------------------------------------------------------------------
def run(settings: Settings, limit: int | None = None, variant: str = "both") -> AgentBenchResult:
    from assistant.api import build_agent
    from assistant.catalog import Catalog
    from assistant.llm import resolve_llm
    from tools.agent_tools import CreativeServices

    result = AgentBenchResult()
    started = time.perf_counter()
    catalog = Catalog.from_settings(settings)
    llm = resolve_llm(settings)
    result.model = getattr(llm, "model_name", "") or type(llm).__name__
    messages = load_messages()[:limit] if limit else load_messages()
    names = list(VARIANTS) if variant == "both" else [variant]
    # The bench measures the agent's choices and its turn; the storyboard and ad tools run model-free here (their
    # model-backed quality and timing are `bench storyboard` and `bench ads`), or 16 of the 64 turns would take
    # minutes each on a CPU.
    services = CreativeServices(None, settings)
    agents = {name: build_agent(settings, catalog, llm, _config(VARIANTS[name]), services) for name in names}
    _warm_up(agents[names[-1]])
    result.load_s = time.perf_counter() - started
    result.prefill_tokens_per_s, result.decode_tokens_per_s = measure_speed(llm)
    for name in names:
        result.variants[name] = VariantResult(name)
        for n, item in enumerate(tqdm(messages, desc=f"agent bench ({name})", unit="msg")):
            result.variants[name].turns.append(run_turn(agents[name], item, f"bench-{name}-{n}"))
    result.peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    result.load_average = os.getloadavg()
    return result


def _config(use_intent: bool):
    from assistant.agent import AgentConfig

    return AgentConfig(use_intent=use_intent)


def _warm_up(agent) -> None:
    """Load the model, the catalog, the grammar compiler and the intent check outside the timings."""
    agent.warm_up()
    for message in ("hello", "80s horror"):
        for _ in agent.stream(message, session_id="bench-warm-up"):
            pass
    agent.memory.reset("bench-warm-up")


def run_turn(agent, item: dict, session_id: str) -> Turn:
    from assistant.events import FinalAnswerEvent, TokenEvent, ToolCallEvent

    for setup in item.get("setup", []):
        for _ in agent.stream(setup, session_id=session_id):
            pass
    started = time.perf_counter()
    first_event = first_token = None
    call, final = None, None
    for event in agent.stream(item["message"], session_id=session_id):
        elapsed = time.perf_counter() - started
        first_event = elapsed if first_event is None else first_event
        if isinstance(event, TokenEvent) and first_token is None:
            first_token = elapsed
        elif isinstance(event, ToolCallEvent) and call is None:
            call = {"name": event.name, "arguments": event.arguments}
        elif isinstance(event, FinalAnswerEvent):
            final = event
    seconds = time.perf_counter() - started
    agent.memory.reset(session_id)
    right_tool, right_args = score_call(item, call)
    return Turn(item["message"], item.get("tool"), call and call["name"], (call or {}).get("arguments", {}),
                right_tool, right_args, seconds, first_event or seconds, first_token, final.usage, final.source,
                final.text)


def measure_speed(llm, new_tokens: int = 48) -> tuple[float | None, float | None]:
    """Prefill and decode speed of a local model on a fixed prompt (None for remote or scripted models)."""
    from langchain_core.messages import HumanMessage

    if getattr(llm, "_llm_type", "") != "marquee-local-transformers":
        return None, None
    prompt = [HumanMessage("Describe, in a long paragraph, what makes a film noir. " * 8)]
    fixed = llm.model_copy(update={"max_new_tokens": new_tokens})
    started = time.perf_counter()
    first = None
    chunks = []
    for chunk in fixed.stream(prompt):
        first = first or time.perf_counter()
        chunks.append(chunk)
    end = time.perf_counter()
    usage = (sum(chunks[1:], chunks[0]).usage_metadata or {}) if chunks else {}
    prompt_tokens, out_tokens = usage.get("input_tokens", 0), usage.get("output_tokens", 0)
    if not first or out_tokens < 2:
        return None, None
    return round(prompt_tokens / (first - started), 1), round((out_tokens - 1) / max(end - first, 1e-6), 2)

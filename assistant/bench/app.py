"""Web-app benchmark: ``python -m assistant bench app [--sessions 20] [--model scripted|embedded] [--json]``.

Serves the real Gradio app in-process on a free loopback port (the same queue settings as ``app.serve``) and
runs concurrent chat sessions against it through ``gradio_client``, one client and one thread per session.
Each session says which title it loved and gives a private watch-party code, asks for something similar but
older, then asks for its code back. Measured:

* errors: turns that raised or came back empty. Target: 0.
* leaks: replies that contain another session's code. Target: none.
* remembered: sessions whose last reply gives their own code (memory kept per session).
* time to first token and to the final answer, p50 and p95 over all turns (queueing included: the app serves
  two chat turns at a time, like a deployment).

The default chat model is scripted (``ScriptedChatModel``): it reads its conversation the way a model would,
so the numbers measure the app, the queue and the agent loop, not the language model. ``--model embedded``
uses the model the settings pick (slow on a CPU).
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import statistics
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage

from assistant.prompts import ANSWER_INSTRUCTION
from knowledge.settings import Settings

SESSIONS = 20
MODELS = ("scripted", "embedded")
CODE = re.compile(r"watch-party code(?: is|:)\s*(?P<code>mq-[a-z0-9-]+)", re.IGNORECASE)
CODE_QUESTION = "What was my watch-party code?"


@dataclass
class TurnResult:
    session: int
    message: str
    reply: str = ""
    first_token_s: float | None = None
    final_s: float | None = None
    error: str = ""


@dataclass
class AppBenchResult:
    sessions: int
    model: str
    turns: list[TurnResult] = field(default_factory=list)
    #: Session number -> its private code.
    codes: dict[int, str] = field(default_factory=dict)
    wall_s: float = 0.0
    #: Events the app serves at once (``app.CONCURRENT_TURNS``): the rest wait in its queue.
    concurrency: int = 0

    @property
    def errors(self) -> list[TurnResult]:
        return [t for t in self.turns if t.error]

    def leaks(self) -> list[dict[str, Any]]:
        """Every reply that contains another session's code."""
        return [{"session": t.session, "leaked_from": other, "message": t.message}
                for t in self.turns for other, code in self.codes.items()
                if other != t.session and code in t.reply]

    def remembered(self) -> int:
        return sum(1 for t in self.turns if t.message == CODE_QUESTION and self.codes[t.session] in t.reply)

    def summary(self) -> dict[str, Any]:
        first = [t.first_token_s for t in self.turns if t.first_token_s is not None]
        final = [t.final_s for t in self.turns if t.final_s is not None]
        return {
            "sessions": self.sessions, "model": self.model, "turns": len(self.turns), "errors": len(self.errors),
            "error_examples": [f"session {t.session}: {t.error}" for t in self.errors[:3]],
            "leaks": len(self.leaks()), "remembered": self.remembered(),
            "first_token_p50_s": _percentile(first, 50), "first_token_p95_s": _percentile(first, 95),
            "final_p50_s": _percentile(final, 50), "final_p95_s": _percentile(final, 95),
            "wall_s": round(self.wall_s, 2), "served_at_once": self.concurrency,
        }

    def report(self) -> str:
        s = self.summary()
        lines = [f"App bench: {s['sessions']} concurrent sessions, {s['turns']} turns, {s['model']} chat model",
                 f"  errors: {s['errors']} (target 0)   cross-session leaks: {s['leaks']} (target 0)   "
                 f"remembered their own code: {s['remembered']}/{s['sessions']}",
                 f"  time to first token: p50 {s['first_token_p50_s']} s, p95 {s['first_token_p95_s']} s",
                 f"  time to final answer: p50 {s['final_p50_s']} s, p95 {s['final_p95_s']} s",
                 f"  wall time: {s['wall_s']} s; the app serves {s['served_at_once']} turns at once, so the "
                 "times include waiting in its queue"]
        lines += [f"  error: {example}" for example in s["error_examples"]]
        return "\n".join(lines)


def _percentile(values: list[float], pct: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return round(values[0], 3)
    return round(statistics.quantiles(values, n=100, method="inclusive")[pct - 1], 3)


# -- the scripted model ------------------------------------------------------------------------------------
def session_aware_step(messages: list[BaseMessage]) -> AIMessage | str:
    """One scripted model step that uses only what its conversation holds: it gives back the code said
    earlier in *this* conversation, acknowledges tastes, searches for requests and answers from results."""
    humans = [m for m in messages if isinstance(m, HumanMessage)]
    current = str(humans[-1].content).split("\n\n", 1)[0] if humans else ""
    if CODE_QUESTION.lower() in current.lower():
        said = [CODE.search(str(m.content)) for m in humans[:-1]]
        codes = [m["code"] for m in said if m]
        return f"Your watch-party code is {codes[-1]}." if codes else "You have not told me a code yet."
    if isinstance(messages[-1], ToolMessage) or ANSWER_INSTRUCTION in str(messages[-1].content):
        return "Those are the closest matches in the catalog."
    if current.lower().startswith("i loved"):
        return "Noted: I will keep that in mind."
    return AIMessage(content="", tool_calls=[{"name": "search_catalog", "args": {"query": current},
                                              "id": f"call-{uuid.uuid4().hex[:8]}"}])


# -- running -----------------------------------------------------------------------------------------------
def run(settings: Settings, sessions: int = SESSIONS, model: str = "scripted", catalog: Any = None) -> AppBenchResult:
    """Serve the app and run ``sessions`` concurrent conversations against it; ``catalog`` defaults to the
    settings' catalog (the tests pass a small one)."""
    # The bench drives the web app, so it imports it (and Gradio) here, never at module import time:
    # ``assistant`` must stay importable without Gradio.
    import app
    from assistant.api import Assistant
    from assistant.catalog import Catalog

    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, not {model!r}")
    catalog = catalog or Catalog.from_settings(settings)
    assistant = Assistant(settings, catalog=catalog, llm=_scripted(sessions) if model == "scripted" else None)
    assistant.chat("hello", session_id="bench-warm-up")  # loads the index, intent check and model untimed
    assistant.reset("bench-warm-up")
    titles = _loved_titles(catalog, sessions)
    result = AppBenchResult(sessions, model, codes={i: f"mq-{i:02d}-{uuid.uuid4().hex[:6]}" for i in range(sessions)})
    result.concurrency = app.CONCURRENT_TURNS
    port = _free_port()
    demo = app.serve(assistant, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=sessions) as pool:
            jobs = [pool.submit(_conversation, f"http://127.0.0.1:{port}/", i, titles[i], result.codes[i])
                    for i in range(sessions)]
            for job in jobs:
                result.turns += job.result()
        result.wall_s = time.perf_counter() - started
    finally:
        with contextlib.redirect_stdout(sys.stderr):  # gradio prints "Closing server..."; stdout is the JSON
            demo.close()
    return result


def _scripted(sessions: int):
    from assistant.llm import ScriptedChatModel

    # At most three model calls per turn, three turns per session, and the warm-up.
    return ScriptedChatModel([session_aware_step] * (sessions * 9 + 10))


def _loved_titles(catalog: Any, count: int) -> list[str]:
    titles = sorted(catalog.search_engine.index.titles, key=lambda t: (-(t.critic_review_count or 0), t.id))
    return [titles[i % len(titles)].title for i in range(count)]


def _conversation(url: str, session: int, title: str, code: str) -> list[TurnResult]:
    from gradio_client import Client

    auth = os.environ.get("MARQUEE_AUTH", "")
    client = Client(url, verbose=False, auth=tuple(auth.split(":", 1)) if ":" in auth else None)
    session_id = f"bench-app-{session}-{uuid.uuid4().hex[:6]}"
    messages = [f"I loved {title}. Please remember my watch-party code: {code}.",
                "Something like that, but older.", CODE_QUESTION]
    return [_turn(client, session, session_id, message) for message in messages]


def _turn(client: Any, session: int, session_id: str, message: str) -> TurnResult:
    turn = TurnResult(session, message)
    started = time.perf_counter()
    try:
        job = client.submit(message, session_id, api_name="/chat_stream")
        for update in job:
            if turn.first_token_s is None:
                turn.first_token_s = time.perf_counter() - started
            turn.reply = str(update)
        outputs = job.outputs()
        turn.reply = str(outputs[-1]) if outputs else turn.reply
        turn.final_s = time.perf_counter() - started
        if not turn.reply.strip():
            turn.error = "empty reply"
    except Exception as error:  # a failed turn is what the bench counts, not a reason to stop
        turn.error = f"{type(error).__name__}: {error}"[:300]
    return turn


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

"""Web-app benchmark: ``python -m assistant bench app [--sessions 20] [--model scripted|embedded] [--json]``.

Serves the real Gradio app in-process on a free loopback port (the same queue settings as ``app.serve``) and
runs concurrent chat sessions against it, one client and one thread per session, on two paths in the same run:
the Gradio path (``gradio_client``, ``/chat_stream``) and then the OpenAI-compatible path (the ``openai``
client, streaming ``/v1/chat/completions``; each request carries the conversation so far).
Each session says which title it loved and gives a private watch-party code, asks for something similar but
older, then asks for its code back. Measured:

* errors: turns that raised or came back empty. Target: 0.
* leaks: replies that contain another session's code. Target: none.
* remembered: sessions whose last reply gives their own code (memory kept per session).
* time to first token and to the final answer, p50 and p95 over all turns (queueing included: the app serves
  two chat turns at a time, like a deployment, on each path). On ``/v1`` the first token is the first answer
  text, not the tool-step ``reasoning_content`` that comes before it.

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
PATHS = ("gradio", "v1")
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
    #: "gradio" (gradio_client, /chat_stream) or "v1" (openai client, /v1/chat/completions).
    path: str = "gradio"
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
            "sessions": self.sessions, "model": self.model, "path": self.path, "turns": len(self.turns),
            "errors": len(self.errors),
            "error_examples": [f"session {t.session}: {t.error}" for t in self.errors[:3]],
            "leaks": len(self.leaks()), "remembered": self.remembered(),
            "first_token_p50_s": _percentile(first, 50), "first_token_p95_s": _percentile(first, 95),
            "final_p50_s": _percentile(final, 50), "final_p95_s": _percentile(final, 95),
            "wall_s": round(self.wall_s, 2), "served_at_once": self.concurrency,
        }

    def report(self) -> str:
        s = self.summary()
        lines = [f"App bench, {_PATH_NAMES[self.path]}: {s['sessions']} concurrent sessions, {s['turns']} turns, "
                 f"{s['model']} chat model",
                 f"  errors: {s['errors']} (target 0)   cross-session leaks: {s['leaks']} (target 0)   "
                 f"remembered their own code: {s['remembered']}/{s['sessions']}",
                 f"  time to first token: p50 {s['first_token_p50_s']} s, p95 {s['first_token_p95_s']} s",
                 f"  time to final answer: p50 {s['final_p50_s']} s, p95 {s['final_p95_s']} s",
                 f"  wall time: {s['wall_s']} s; the app serves {s['served_at_once']} turns at once, so the "
                 "times include waiting in its queue"]
        lines += [f"  error: {example}" for example in s["error_examples"]]
        return "\n".join(lines)


_PATH_NAMES = {"gradio": "Gradio path (/chat_stream)", "v1": "OpenAI path (/v1/chat/completions)"}


@dataclass
class AppBenchRun:
    """Both paths of one run, against the same served app and model."""

    results: list[AppBenchResult]

    def summary(self) -> dict[str, Any]:
        return {r.path: r.summary() for r in self.results}

    def report(self) -> str:
        return "\n".join(r.report() for r in self.results)


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
def run(settings: Settings, sessions: int = SESSIONS, model: str = "scripted", catalog: Any = None,
        paths: tuple[str, ...] = PATHS) -> AppBenchRun:
    """Serve the app and run ``sessions`` concurrent conversations against it on each of ``paths``, one path
    after the other; ``catalog`` defaults to the settings' catalog (the tests pass a small one)."""
    # The bench drives the web app, so it imports it (and Gradio) here, never at module import time:
    # ``assistant`` must stay importable without Gradio.
    import app
    from assistant.api import Assistant
    from assistant.catalog import Catalog

    if model not in MODELS:
        raise ValueError(f"model must be one of {', '.join(MODELS)}, not {model!r}")
    if unknown := set(paths) - set(PATHS):
        raise ValueError(f"paths must be among {', '.join(PATHS)}, not {', '.join(sorted(unknown))}")
    # The bench's clients all come from one address: the per-caller rate limit of /v1 would only add 429s.
    settings = settings.with_(api_rate_limit=0)
    catalog = catalog or Catalog.from_settings(settings)
    llm = _scripted(sessions * len(paths)) if model == "scripted" else None
    assistant = Assistant(settings, catalog=catalog, llm=llm)
    assistant.chat("hello", session_id="bench-warm-up")  # loads the index, intent check and model untimed
    assistant.reset("bench-warm-up")
    titles = _loved_titles(catalog, sessions)
    port = _free_port()
    demo = app.serve(assistant, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        return AppBenchRun([_run_path(path, url, sessions, model, titles, app.CONCURRENT_TURNS) for path in paths])
    finally:
        with contextlib.redirect_stdout(sys.stderr):  # gradio prints "Closing server..."; stdout is the JSON
            demo.close()


def _run_path(path: str, url: str, sessions: int, model: str, titles: list[str], concurrency: int) -> AppBenchResult:
    result = AppBenchResult(sessions, model, path,
                            codes={i: f"mq-{i:02d}-{uuid.uuid4().hex[:6]}" for i in range(sessions)})
    result.concurrency = concurrency
    conversation = _conversation if path == "gradio" else openai_conversation
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sessions) as pool:
        jobs = [pool.submit(conversation, url, i, titles[i], result.codes[i]) for i in range(sessions)]
        for job in jobs:
            result.turns += job.result()
    result.wall_s = time.perf_counter() - started
    return result


def _scripted(sessions: int):
    from assistant.llm import ScriptedChatModel

    # At most three model calls per turn, three turns per session, and the warm-up.
    return ScriptedChatModel([session_aware_step] * (sessions * 9 + 10))


def _loved_titles(catalog: Any, count: int) -> list[str]:
    titles = sorted(catalog.search_engine.index.titles, key=lambda t: (-(t.critic_review_count or 0), t.id))
    return [titles[i % len(titles)].title for i in range(count)]


def _messages(title: str, code: str) -> list[str]:
    return [f"I loved {title}. Please remember my watch-party code: {code}.", "Something like that, but older.",
            CODE_QUESTION]


def _conversation(url: str, session: int, title: str, code: str) -> list[TurnResult]:
    from gradio_client import Client

    auth = os.environ.get("MARQUEE_AUTH", "")
    client = Client(url, verbose=False, auth=tuple(auth.split(":", 1)) if ":" in auth else None)
    session_id = f"bench-app-{session}-{uuid.uuid4().hex[:6]}"
    return [_turn(client, session, session_id, message) for message in _messages(title, code)]


def openai_conversation(url: str, session: int, title: str, code: str, api_key: str = "") -> list[TurnResult]:
    """One session through the official ``openai`` client: each request carries the conversation so far."""
    from openai import OpenAI

    key = api_key or os.environ.get("MARQUEE_API_KEY", "") or os.environ.get("MARQUEE_AUTH", "") or "none"
    client = OpenAI(base_url=url.rstrip("/") + "/v1", api_key=key, max_retries=0, timeout=600)
    history: list[dict[str, str]] = []
    turns = []
    for message in _messages(title, code):
        history.append({"role": "user", "content": message})
        turn = _openai_turn(client, session, history)
        history.append({"role": "assistant", "content": turn.reply})
        turns.append(turn)
    return turns


def _openai_turn(client: Any, session: int, history: list[dict[str, str]]) -> TurnResult:
    turn = TurnResult(session, history[-1]["content"])
    started = time.perf_counter()
    try:
        for chunk in client.chat.completions.create(model="marquee", messages=history, stream=True):
            text = chunk.choices[0].delta.content if chunk.choices else None
            if text:
                turn.first_token_s = turn.first_token_s or time.perf_counter() - started
                turn.reply += text
        turn.final_s = time.perf_counter() - started
        if not turn.reply.strip():
            turn.error = "empty reply"
    except Exception as error:  # a failed turn is what the bench counts, not a reason to stop
        turn.error = f"{type(error).__name__}: {error}"[:300]
    return turn


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

"""The agent loop: model → tool calls → tool results → model … → a grounded final answer, as typed events.

Works with any LangChain chat model that supports ``bind_tools`` (the local transformers model, an
OpenAI-compatible server, the scripted test model). The model's mistakes never raise: bad or unknown tool
calls go back to it as tool results, garbled or ungrounded answers are replaced by one built from the tool
results, and a step limit ends runaway loops.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    HumanMessage,
    SystemMessage,
    ToolMessage,
    message_chunk_to_message,
)
from langchain_core.tools import BaseTool

from assistant.arguments import default_arguments, repair_arguments
from assistant.events import (
    AgentEvent,
    AttachmentEvent,
    ErrorEvent,
    FinalAnswerEvent,
    NoticeEvent,
    TokenEvent,
    ToolCallEvent,
    ToolResultEvent,
)
from assistant.grounding import (
    EMPTY_MESSAGE_REPLY,
    PROMPT_REFUSAL,
    TurnFacts,
    fallback_answer,
    find_problem,
    garbled,
)
from assistant.intent import NO_TOOL, Intent, IntentClassifier, extract_preferences
from assistant.memory import ConversationMemory, Session
from assistant.prompts import (
    SYSTEM_PROMPT,
    answer_messages,
    fence_tool_result,
    leaks_system_prompt,
    neutralize,
    profile_note,
)
from knowledge.titles import normalize_title
from tools.agent_tools import CatalogLike, CreativeServices, ToolArtifact, build_agent_tools

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AgentConfig:
    #: Model calls per turn at most (the max-steps guard).
    max_steps: int = 4
    #: Rounds of successful tool calls before the model must answer (1 suits a small model on a CPU).
    max_tool_rounds: int = 1
    max_calls_per_step: int = 3
    #: Longer messages are cut to this many characters, with a notice.
    max_message_chars: int = 4000
    history_messages: int = 6
    history_chars: int = 3000
    #: Ask the embedding intent check first and force its tool when it is confident.
    use_intent: bool = True
    #: Answer from the tool results instead of a second model call. None: only for a local model on a CPU,
    #: where that call costs many seconds and a small model mostly re-lists the results anyway.
    answer_from_tools: bool | None = None


@dataclass
class _Turn:
    session: Session
    text: str
    tools: dict[str, BaseTool]
    messages: list[BaseMessage]
    intent: Intent | None = None
    facts: TurnFacts = field(default_factory=TurnFacts)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    attachments: list[AttachmentEvent] = field(default_factory=list)
    done_calls: set[str] = field(default_factory=set)
    usage: dict[str, float] = field(default_factory=lambda: dict.fromkeys(
        ("model_calls", "model_seconds", "input_tokens", "output_tokens"), 0))


class Agent:
    """One agent for many sessions: ``agent.stream(message, session_id)`` yields ``AgentEvent``s."""

    def __init__(self, llm: BaseChatModel, catalog: CatalogLike, memory: ConversationMemory | None = None,
                 intent: IntentClassifier | None = None, config: AgentConfig | None = None,
                 services: CreativeServices | None = None):
        if not callable(getattr(llm, "bind_tools", None)):
            raise TypeError(f"{type(llm).__name__} cannot call tools (no bind_tools); use a chat model that "
                            "supports tool calling, e.g. LocalChatModel or an OpenAI-compatible model.")
        self.llm, self.catalog = llm, catalog
        # The creative tools share the agent's model; without services they would work model-free.
        self.services = services or CreativeServices(llm)
        self.memory = memory or ConversationMemory()
        self.intent = intent
        config = config or AgentConfig()
        if config.answer_from_tools is None:
            config = replace(config, answer_from_tools=local_cpu_model(llm))
        self.config = config

    def warm_up(self) -> None:
        """Do now what the first turn would otherwise wait for: load the catalog, the intent check and the
        model, and (for a local model) prefill the prompt prefix every turn starts with."""
        self.catalog.search_engine.vocabulary  # noqa: B018 - loads the index
        if self.intent is not None and self.config.use_intent:
            self.intent.classify("hello")
        warm = getattr(self.llm, "warm_up", None)
        if callable(warm):
            tools = build_agent_tools(self.catalog, Session("warm-up"), self.services)
            warm([SystemMessage(SYSTEM_PROMPT), HumanMessage("")], tools=tools, tool_choice="auto")

    # -- the turn ---------------------------------------------------------------------------------------
    def stream(self, message: str, session_id: str = "default") -> Iterator[AgentEvent]:
        text, notice = self._clean_message(message)
        if notice:
            yield NoticeEvent(notice)
        if not text:
            yield FinalAnswerEvent(EMPTY_MESSAGE_REPLY)
            return
        session = self.memory.session(session_id)
        # A plain Lock, not the session's RLock: a UI may resume this generator from another thread.
        with session.turn_lock:
            turn = self._start_turn(session, text)
            yield from self._loop(turn)

    def _clean_message(self, message: object) -> tuple[str, str]:
        text = neutralize(str(message or "")).strip()
        limit = self.config.max_message_chars
        if len(text) <= limit:
            return text, ""
        return text[:limit], (f"Your message is {len(text):,} characters long; I read only the first "
                              f"{limit:,}.")

    def _start_turn(self, session: Session, text: str) -> _Turn:
        prefs = extract_preferences(text)
        session.profile.add(likes=prefs.likes, dislikes=prefs.dislikes, seen=prefs.seen)
        history = session.history(self.config.history_messages, self.config.history_chars)
        # The profile goes last, next to the message: the system prompt stays the same for every turn.
        profile = [SystemMessage(profile_note(session.profile.summary()))] if not session.profile.is_empty else []
        messages = [SystemMessage(SYSTEM_PROMPT), *history, *profile, HumanMessage(text)]
        tools = {t.name: t for t in build_agent_tools(self.catalog, session, self.services, text)}
        turn = _Turn(session, text, tools, messages, intent=self._classify(text))
        turn.facts.user_titles = self._titles_named_by_user(text, prefs.likes + prefs.dislikes + prefs.seen)
        return turn

    def _classify(self, text: str) -> Intent | None:
        if not (self.config.use_intent and self.intent):
            return None
        try:
            return self.intent.classify(text)
        except Exception as error:  # the check is an optimisation: without it the model still chooses
            log.warning("Intent check failed (%s); letting the model choose the tool.", error)
            return None

    def _titles_named_by_user(self, text: str, stated: tuple[str, ...]) -> set[str]:
        names = {normalize_title(s) for s in stated}
        try:
            known = self.catalog.search_engine.vocabulary.titles
        except Exception:  # grounding then simply allows fewer names
            return names
        words = normalize_title(text).split()
        spans = {" ".join(words[i:j]) for i in range(len(words)) for j in range(i + 1, min(i + 7, len(words)) + 1)}
        return names | {s for s in spans if s in known}

    def _loop(self, turn: _Turn) -> Iterator[AgentEvent]:
        rounds = 0
        for step in range(self.config.max_steps):
            if rounds >= self.config.max_tool_rounds:
                yield from self._answer(turn)
                return
            tools, choice = self._tool_choice(turn, step)
            try:
                reply = yield from self._call_model(turn, turn.messages, tools, choice)
            except Exception as error:  # the backend failed (server down, out of memory): answer anyway
                yield from self._model_failed(turn, error)
                return
            calls = _usable_calls(reply)[: self.config.max_calls_per_step]
            if not calls and choice not in ("auto", "none"):
                calls = self._default_call(turn, choice)
            if not (calls and tools):
                yield self._finish(turn, _text(reply))
                return
            clean = [{"name": c["name"], "args": c["args"], "id": c["id"], "type": "tool_call"} for c in calls]
            turn.messages.append(reply.model_copy(update={"tool_calls": clean, "invalid_tool_calls": []}))
            rounds += yield from self._run_tools(turn, calls)
        yield self._finish(turn, "", reason=f"the model did not answer within {self.config.max_steps} steps")

    def _tool_choice(self, turn: _Turn, step: int) -> tuple[list[BaseTool], str]:
        """Which tools the model sees and must (or may) call: the intent check decides on the first step.

        Confident: that tool is forced (or, for small talk, no tools at all). Leaning towards a tool but not
        sure: the model must call one of the two likeliest. Otherwise, and after the first step: the model
        chooses freely.
        """
        everything = list(turn.tools.values())
        intent = turn.intent
        if step > 0 or intent is None:
            return everything, "auto"
        if intent.confident and intent.tool == NO_TOOL:
            return [], "none"
        if intent.confident:
            # All tools stay in the prompt, so every turn shares one prompt prefix (which a local model's
            # prefix cache prefills once); the choice alone makes the model call the intended tool.
            return everything, intent.tool
        if intent.wants_tool:
            return [turn.tools[name] for name in intent.likeliest_tools(2)], "any"
        return everything, "auto"

    def _default_call(self, turn: _Turn, choice: str) -> list[dict[str, Any]]:
        """The call a model that had to call a tool failed to write, built from the message (or none)."""
        name = choice if choice in turn.tools else (turn.intent.tool if turn.intent else "")
        titles = self._user_titles(turn)
        args = default_arguments(name, turn.text, titles, list(turn.session.profile.likes)) if name else None
        if args is None:
            return []
        log.info("The model wrote no usable call to %s; calling it with arguments from the message.", name)
        return [{"name": name, "args": args, "id": _call_id(), "type": "tool_call"}]

    @staticmethod
    def _user_titles(turn: _Turn) -> list[str]:
        """Catalog titles the message names, longest first ("Jaws 2" before "Jaws"), short words left out."""
        return [t for t in sorted(turn.facts.user_titles, key=lambda t: (-len(t.split()), -len(t))) if len(t) > 3]

    def _call_model(self, turn: _Turn, messages: list[BaseMessage], tools: list[BaseTool], choice: str):
        """Stream one model call as ``TokenEvent``s; returns the whole reply (``yield from`` gives it)."""
        model = self.llm.bind_tools(tools, tool_choice=choice) if tools else self.llm
        total: AIMessageChunk | None = None
        whole: AIMessage | None = None
        started = time.perf_counter()
        for chunk in model.stream(messages):
            if not isinstance(chunk, AIMessage):
                continue
            if isinstance(chunk.content, str) and chunk.content:
                yield TokenEvent(chunk.content)
            if isinstance(chunk, AIMessageChunk):
                total = chunk if total is None else total + chunk
            else:  # a model that does not stream (e.g. ChatOpenAI(streaming=False)) yields its whole reply once
                whole = chunk
        reply = whole or (AIMessage(content="") if total is None else message_chunk_to_message(total))
        _count_usage(turn.usage, reply, time.perf_counter() - started)
        return reply

    def _answer(self, turn: _Turn) -> Iterator[AgentEvent]:
        """The answer after the tool rounds: from the tool results, or written by the model from them."""
        if self.config.answer_from_tools:
            text = fallback_answer(turn.facts)
            for line in text.splitlines(keepends=True):
                yield TokenEvent(line)
            yield self._finish(turn, text, source="tools")
            return
        try:
            reply = yield from self._call_model(turn, answer_messages(turn.messages), [], "none")
        except Exception as error:
            yield from self._model_failed(turn, error)
            return
        yield self._finish(turn, _text(reply))

    def _model_failed(self, turn: _Turn, error: Exception) -> Iterator[AgentEvent]:
        log.exception("The chat model failed.")
        yield ErrorEvent(f"The language model failed: {type(error).__name__}: {error}", where="model")
        yield self._finish(turn, "", reason="the language model failed")

    # -- tools ------------------------------------------------------------------------------------------
    def _run_tools(self, turn: _Turn, calls: list[dict[str, Any]]):
        """Run the calls, append their results; returns 1 when at least one succeeded, else 0."""
        succeeded = 0
        for call in calls:
            name, args, call_id = call["name"], dict(call.get("args") or {}), call["id"]
            args = repair_arguments(name, args, turn.text, turn.session.last_search is not None,
                                    self._user_titles(turn))
            yield ToolCallEvent(name, args, call_id)
            turn.tool_calls.append({"name": name, "arguments": args})
            started = time.perf_counter()
            text, artifact, ok = self._invoke(turn, name, args, call_id, call.get("error"))
            duration = time.perf_counter() - started
            succeeded |= ok
            turn.facts.results.append({"name": name, "text": text, "data": artifact.data, "ok": ok})
            turn.facts.hits += [h for h in artifact.hits if h.id not in {x.id for x in turn.facts.hits}]
            yield ToolResultEvent(name, text, artifact.data, duration, ok, call_id, tuple(artifact.hits))
            for item in artifact.attachments:
                attachment = AttachmentEvent(item["path"], item.get("media_type", ""), item.get("caption", ""))
                turn.attachments.append(attachment)
                yield attachment
            turn.messages.append(ToolMessage(fence_tool_result(name, text), tool_call_id=call_id, name=name,
                                             status="success" if ok else "error"))
        return int(bool(succeeded))

    def _invoke(self, turn: _Turn, name: str, args: dict[str, Any], call_id: str,
                parse_error: str | None) -> tuple[str, ToolArtifact, bool]:
        tool = turn.tools.get(name)
        if parse_error:
            return (f"Error: your call to {name} could not be read ({parse_error}). Call it again with "
                    "valid JSON arguments.", ToolArtifact(), False)
        if tool is None:
            return (f"Error: there is no tool called {name!r}. Use one of: {', '.join(turn.tools)}.",
                    ToolArtifact(), False)
        key = f"{name}:{sorted(args.items())!r}"
        if key in turn.done_calls:
            return "You already have this result above. Answer the user now.", ToolArtifact(), False
        turn.done_calls.add(key)
        try:
            message = tool.invoke({"type": "tool_call", "name": name, "args": args, "id": call_id})
        except Exception as error:  # bad arguments or a failing tool: the model reads why and may retry
            log.info("Tool %s failed: %s", name, error)
            return f"Error: {name} failed: {_short_error(error)}", ToolArtifact(), False
        artifact = message.artifact if isinstance(message.artifact, ToolArtifact) else ToolArtifact()
        return str(message.content), artifact, True

    # -- the answer -------------------------------------------------------------------------------------
    def _finish(self, turn: _Turn, answer: str, reason: str = "", source: str = "model") -> FinalAnswerEvent:
        answer = answer.strip()
        if source == "model" and not reason:
            reason = garbled(answer) or self._ungrounded(answer, turn)
        text = answer
        if leaks_system_prompt(answer):
            text, reason, source = PROMPT_REFUSAL, "the answer repeated the system prompt", "fallback"
        elif reason:
            log.info("Answering from the tool results: %s.", reason)
            text, source = fallback_answer(turn.facts), "fallback"
        turn.session.append(HumanMessage(turn.text), AIMessage(text))
        return FinalAnswerEvent(text, tuple(turn.tool_calls), tuple(turn.attachments), tuple(turn.facts.hits),
                                replaces_stream=text != answer, fallback_reason=reason, source=source,
                                usage=dict(turn.usage))

    def _ungrounded(self, answer: str, turn: _Turn) -> str:
        try:
            known = self.catalog.search_engine.vocabulary.titles
        except Exception:  # no catalog to check against: only the tool results count
            known = {}
        return find_problem(answer, turn.facts, known)


def _count_usage(usage: dict[str, float], reply: AIMessage, seconds: float) -> None:
    tokens = reply.usage_metadata or {}
    usage["model_calls"] += 1
    usage["model_seconds"] += seconds
    usage["input_tokens"] += int(tokens.get("input_tokens", 0))
    usage["output_tokens"] += int(tokens.get("output_tokens", 0))


def local_cpu_model(llm: BaseChatModel) -> bool:
    """Whether ``llm`` is a transformers model generating in this process on a CPU."""
    if getattr(llm, "_llm_type", "") != "marquee-local-transformers":
        return False
    from knowledge.embeddings import pick_device

    return pick_device(str(getattr(llm, "device", "auto") or "auto")) == "cpu"


def _usable_calls(reply: AIMessage) -> list[dict[str, Any]]:
    """Valid calls, plus unreadable ones (with empty arguments and the parse error) so the model hears back."""
    calls = [{**c, "id": c.get("id") or _call_id()} for c in reply.tool_calls]
    for bad in reply.invalid_tool_calls:
        if bad.get("name"):
            calls.append({"name": bad["name"], "args": {}, "id": bad.get("id") or _call_id(),
                          "error": bad.get("error") or "invalid JSON", "type": "tool_call"})
    return calls


def _call_id() -> str:
    return f"call_{uuid.uuid4().hex[:16]}"


def _text(message: AIMessage) -> str:
    content = message.content
    if isinstance(content, str):
        return content
    return "".join(b if isinstance(b, str) else str(b.get("text", "")) for b in content if
                   isinstance(b, str) or (isinstance(b, dict) and b.get("type") == "text"))


def _short_error(error: Exception) -> str:
    errors = getattr(error, "errors", None)
    if callable(errors):  # pydantic: one line per bad argument instead of a wall of text
        try:
            return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors()[:3])
        except Exception:  # noqa: BLE001 - fall back to the plain message
            pass
    return str(error).splitlines()[0][:300] if str(error) else type(error).__name__


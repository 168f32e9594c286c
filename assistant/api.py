"""The public Python API: ``from assistant import Assistant``."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from assistant.catalog import Catalog
from assistant.events import AgentEvent, AttachmentEvent, FinalAnswerEvent, NoticeEvent
from assistant.observability import TurnLogger, register_env_tracers
from knowledge.settings import Settings
from tools.agent_tools import CreativeServices
from tools.search.engine import SearchResult, TitleHit

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from langchain_core.language_models import BaseChatModel
    from langchain_core.retrievers import BaseRetriever
    from langchain_core.tools import BaseTool

    from assistant.agent import Agent, AgentConfig
    from assistant.status import AssistantStatus
    from tools.ads import AdDrafts
    from tools.recommend.engine import Recommendations
    from tools.search.constraints import Constraints
    from tools.storyboard import ScriptBoards, Storyboard


class Assistant:
    """Marquee's assistant. ``Assistant()`` builds the default, offline-capable assistant from ``MARQUEE_*``
    settings; pass ``settings=`` (or parts such as ``catalog=`` or ``llm=``) to build another one.

    >>> from assistant import Assistant
    >>> for hit in Assistant().search("a dark psychological thriller from the '80s"):
    ...     print(hit.title.label, hit.why)
    >>> Assistant().chat("I want 80s horror").text
    """

    def __init__(self, settings: Settings | None = None, *, catalog: Catalog | None = None,
                 llm: BaseChatModel | None = None, agent_config: AgentConfig | None = None):
        self.settings = settings or Settings.from_env()
        self._catalog = catalog
        self._llm = llm
        self._agent_config = agent_config
        self._agent: Agent | None = None
        self._services: CreativeServices | None = None
        self._agent_lock = threading.Lock()
        self._turn_logger = None
        register_env_tracers()

    @property
    def catalog(self) -> Catalog:
        if self._catalog is None:
            from assistant.recall import model_recall

            # The model loads only when a description is searched, and only if recall is on.
            self._catalog = Catalog.from_settings(self.settings, recall=model_recall(self.settings, lambda: self.llm))
        return self._catalog

    def search(self, query: str, k: int = 10, previous: SearchResult | None = None) -> SearchResult:
        """Titles matching a natural-language description; ``previous`` refines an earlier search."""
        return self.catalog.search(query, k=k, previous=previous)

    def recommend(self, liked: Sequence[str] = (), disliked: Sequence[str] = (), k: int = 10,
                  constraints: Constraints | str | None = None,
                  interactions: str | Path | None = None) -> Recommendations:
        """Picks for a viewer who liked (and disliked) the named titles, each with why ("same director as
        Heat"); ``constraints`` as a ``Constraints`` or text ("only 90s, no musicals"); ``interactions`` an
        interaction log to learn from: a CSV/Parquet path, or "ml-100k" (needs ``recbole``)."""
        from assistant.recommend import recommender_for

        return recommender_for(self.catalog, interactions).recommend(liked, disliked, k=k, constraints=constraints)

    def storyboard(self, scene: str, shots: int = 6, aspect: str = "16:9", style: str | None = None,
                   seed: int | None = None, out_dir: str | Path | None = None) -> Storyboard:
        """A shot list and one frame per shot for ``scene``, exported as a sheet PNG, a PDF, a CSV and JSON
        (in ``out_dir``, else a new folder under the data dir). Frames are blocking sketches unless an image
        model is configured (``MARQUEE_IMAGE_MODEL``)."""
        return self.services.storyboarder.create(scene, shots=shots, aspect=aspect, style=style, seed=seed,
                                                 out_dir=out_dir)

    def storyboard_script(self, path_or_text: str | Path, shots: int = 6, aspect: str = "16:9",
                          style: str | None = None, out_dir: str | Path | None = None) -> ScriptBoards:
        """One storyboard per scene of a screenplay (a Fountain file, plain text with scene headings, or the
        text itself), each shot carrying its dialogue, with an animatic, a plan and a timeline per scene.
        Raises ``tools.storyboard.ScriptError`` for an empty, binary or oversized script."""
        from tools.storyboard import storyboard_script

        return storyboard_script(self.services.storyboarder, path_or_text, shots=shots, aspect=aspect,
                                 out_dir=out_dir, style=style)

    def ad_drafts(self, title: str, formats: Sequence[str] | str | None = None, tone: str = "", audience: str = "",
                  variants: int = 3, language: str = "English", brief: str = "", use_model: bool = True,
                  key_art_dir: str | Path | None = None) -> AdDrafts:
        """Checked ad copy for a catalog title (id, name, or a request naming one: "ad copy for Jaws aimed at
        families"): taglines, loglines, social posts, spot scripts, search ads and a key-art prompt. Every draft
        passes the length, grounding, spoiler and brand-safety checks (``.checks`` says how); ``use_model=False``
        writes template drafts only; ``key_art_dir`` also draws a poster, row tile and square card there (with the
        image model when one is configured). Raises ``tools.ads.UnknownTitleError`` with did-you-mean candidates."""
        from tools.ads import draft_ads
        from tools.ads.key_art.for_title import image_renderer

        renderer = image_renderer(self.settings) if key_art_dir is not None else None
        return draft_ads(self.catalog.search_engine, title, llm=self.llm if use_model else None, formats=formats,
                         tone=tone, audience=audience, variants=variants, language=language, brief=brief,
                         key_art_dir=key_art_dir, image_renderer=renderer)

    def status(self) -> AssistantStatus:
        """Which chat model, embedding model, image renderer, device and catalog are in use (loads nothing
        but the catalog index's count)."""
        from assistant.status import assistant_status

        return assistant_status(self.settings, self.catalog, self._llm)

    # -- chat --------------------------------------------------------------------------------------------
    @property
    def llm(self) -> BaseChatModel:
        """The chat model: the one given, else the one the settings pick (loaded on first use)."""
        if self._llm is None:
            from assistant.llm import resolve_llm

            self._llm = resolve_llm(self.settings)
        return self._llm

    @property
    def services(self) -> CreativeServices:
        """What the storyboard and ad tools share with the direct methods: the model, and one storyboarder
        (so an image model loads once)."""
        with self._agent_lock:
            if self._services is None:
                from assistant.llm.embedded import text_plan_is_default

                self._services = CreativeServices(self.llm, self.settings,
                                                  storyboard_llm=not text_plan_is_default(self.settings))
            return self._services

    @property
    def agent(self) -> Agent:
        services = self.services
        with self._agent_lock:
            if self._agent is None:
                self._agent = build_agent(self.settings, self.catalog, self.llm, self._agent_config, services)
            return self._agent

    def warm_up(self) -> None:
        """Load the catalog and the chat model now instead of on the first message (seconds to minutes)."""
        self.agent.warm_up()

    def stream(self, message: str, session_id: str = "default") -> Iterator[AgentEvent]:
        """The turn's events as they happen (tokens, tool calls and results, ...), ending with the answer."""
        if self._turn_logger is None:
            self._turn_logger = TurnLogger(self.settings, self.llm)
        return self._turn_logger.wrap(self.agent.stream(message, session_id), session_id, str(message or ""))

    def chat(self, message: str, session_id: str = "default") -> Reply:
        """Send ``message`` in ``session_id``'s conversation and wait for the reply."""
        return Reply.from_events(list(self.stream(message, session_id)))

    def reset(self, session_id: str = "default") -> bool:
        """Forget a conversation (messages, stated tastes, last search); True when there was one."""
        return self.agent.memory.reset(session_id) if self._agent is not None else False

    # -- LangChain interop -------------------------------------------------------------------------------
    def as_retriever(self, k: int = 10) -> BaseRetriever:
        """A LangChain retriever over the hybrid search: one ``Document`` per title, best first."""
        from assistant.hosts.langchain_interop import CatalogRetriever

        return CatalogRetriever(assistant=self, k=k)

    def as_tools(self, session_id: str = "langchain") -> list[BaseTool]:
        """The agent's tools (search_catalog, recommend_titles, ...) as LangChain tools bound to one session,
        for ``langchain.agents.create_agent`` or any tool-calling agent."""
        from tools.agent_tools import build_agent_tools

        return build_agent_tools(self.catalog, self.agent.memory.session(session_id), self.services)
@dataclass(frozen=True)
class Reply:
    """The outcome of one chat turn."""

    text: str
    tool_calls: list[dict[str, Any]] = field(default_factory=list)  # [{"name": ..., "arguments": {...}}]
    attachments: list[dict[str, str]] = field(default_factory=list)  # [{"path", "media_type", "caption"}]
    hits: list[TitleHit] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)

    @classmethod
    def from_events(cls, events: list[AgentEvent]) -> Reply:
        final = next(e for e in reversed(events) if isinstance(e, FinalAnswerEvent))
        return cls(
            text=final.text,
            tool_calls=[dict(c) for c in final.tool_calls],
            attachments=[_attachment_dict(a) for a in final.attachments],
            hits=list(final.hits),
            notices=[e.message for e in events if isinstance(e, NoticeEvent)],
        )

    def to_dict(self) -> dict[str, Any]:
        return {"reply": self.text, "tool_calls": self.tool_calls, "attachments": self.attachments,
                "hits": [h.to_dict() for h in self.hits], "notices": self.notices}


def _attachment_dict(a: AttachmentEvent) -> dict[str, str]:
    return {"path": a.path, "media_type": a.media_type, "caption": a.caption}


def build_agent(settings: Settings, catalog: Catalog, llm: BaseChatModel, config: AgentConfig | None = None,
                services: CreativeServices | None = None) -> Agent:
    """The one wiring of the chat agent (API, CLI and UI all come through here): the catalog's own embedder
    doubles as the intent check, so the sentence model is loaded once."""
    from assistant.agent import Agent
    from assistant.intent import IntentClassifier
    from assistant.memory import ConversationMemory
    from knowledge.embeddings import Embedder

    store = getattr(catalog, "store", None)
    embedder = getattr(store, "embedder", None) or Embedder(settings.embedding_model, settings.device)
    services = services or CreativeServices(llm, settings)
    return Agent(llm, catalog, ConversationMemory(), IntentClassifier(embedder), config, services)


def build_assistant(settings: Settings | None = None, **parts: Any) -> Assistant:
    """The default assistant for the UI and the API; ``parts`` as for ``Assistant`` (catalog=, llm=, ...)."""
    return Assistant(settings, **parts)

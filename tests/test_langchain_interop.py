"""Marquee's parts in standard LangChain: its tools in ``langchain.agents.create_agent``, the catalog collection
as a ``langchain_chroma.Chroma`` store, ``Assistant.as_retriever()``, and callbacks reaching every model call."""

import os
from contextvars import ContextVar

import pytest
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage, HumanMessage, ToolMessage

from assistant import Assistant
from assistant.llm import ScriptedChatModel


def search_then_name(messages):
    """Call search_catalog with the user's words, then answer naming the first title the tool returned."""
    last = messages[-1]
    if isinstance(last, ToolMessage):
        first = last.content.splitlines()[1].split(". ", 1)[1].split(" - ")[0]
        return f"Try {first}."
    return AIMessage(content="", tool_calls=[{"name": "search_catalog", "args": {"query": last.content}, "id": "c1"}])


def test_create_agent_runs_a_full_tool_turn_with_marquee_tools(small_catalog):
    from langchain.agents import create_agent

    assistant = Assistant(small_catalog.settings, catalog=small_catalog, llm=ScriptedChatModel([search_then_name] * 4))
    agent = create_agent(assistant.llm, tools=assistant.as_tools("lc-test"))
    state = agent.invoke({"messages": [HumanMessage("a horror film from the 80s")]})
    tool_results = [m for m in state["messages"] if isinstance(m, ToolMessage)]
    assert len(tool_results) == 1 and tool_results[0].name == "search_catalog"
    assert "The Shining (1980)" in tool_results[0].content and "Psycho" not in tool_results[0].content
    assert state["messages"][-1].content.startswith("Try ") and "(198" in state["messages"][-1].content
    bound = assistant.llm.calls[0]
    assert len(bound) == 1, "create_agent sent the conversation; Marquee added nothing"


@pytest.mark.slow
def test_create_agent_with_the_embedded_model(small_catalog):
    from langchain.agents import create_agent

    from assistant.llm import LocalChatModel, ensure_embedded_model
    from knowledge.settings import Settings

    # The model is prepared once in the user's cache (MARQUEE_DATA_DIR), as in test_agent_slow.
    folder = ensure_embedded_model(Settings.from_env().cache_dir)
    llm = LocalChatModel(model_name=str(folder), max_new_tokens=128)
    assistant = Assistant(small_catalog.settings, catalog=small_catalog, llm=llm)
    from assistant.hosts.langchain_interop import answer_after_tools

    tools = [t for t in assistant.as_tools("lc-slow") if t.name == "search_catalog"]
    agent = create_agent(assistant.llm, tools=tools, middleware=[answer_after_tools()],
                         system_prompt="Use search_catalog to find films, then answer with the titles it found.")
    state = agent.invoke({"messages": [HumanMessage("Find horror films from the 1980s in the catalog.")]},
                         {"recursion_limit": 8})
    tool_results = [m for m in state["messages"] if isinstance(m, ToolMessage)]
    assert len(tool_results) == 1 and tool_results[0].name == "search_catalog"
    # The 0.5B model may drop "1980s" from its query; either way the search must return the catalog's horror films.
    assert any(t in tool_results[0].content for t in ("The Shining", "The Thing", "Psycho", "Alien"))
    final = state["messages"][-1]
    assert isinstance(final, AIMessage) and not final.tool_calls and final.content.strip()


def test_catalog_collection_opens_as_langchain_chroma(small_catalog):
    from langchain_chroma import Chroma

    from assistant.hosts.langchain_interop import catalog_vectorstore

    store = catalog_vectorstore(Assistant(small_catalog.settings, catalog=small_catalog))
    assert isinstance(store, Chroma)
    found = store.similarity_search("a great white shark terrorizes a beach town", k=2)
    assert found[0].metadata["title"] == "Jaws" and found[0].id
    assert len(store.get()["ids"]) == 32, "the existing collection, not a new empty one"


def test_as_retriever_uses_the_hybrid_search(small_catalog):
    from langchain_core.retrievers import BaseRetriever

    retriever = Assistant(small_catalog.settings, catalog=small_catalog).as_retriever(k=5)
    assert isinstance(retriever, BaseRetriever)
    docs = retriever.invoke("a horror film from the 80s")
    assert docs and all(1980 <= d.metadata["year"] <= 1989 and "Horror" in d.metadata["genres"] for d in docs)
    assert "Directed by" in docs[0].page_content and docs[0].metadata["why"]
    assert {d.metadata["title"] for d in retriever.invoke("films by Alfred Hitchcock")} == {"Psycho",
                                                                                           "North by Northwest"}


class Recorder(BaseCallbackHandler):
    starts: list = []

    def on_chat_model_start(self, serialized, messages, **kwargs):
        Recorder.starts.append(messages)


def test_callbacks_from_the_environment_reach_every_model_call(small_catalog, monkeypatch):
    """The mechanism LangSmith and the Langfuse hook use: a handler registered for an environment variable
    sees the agent's model calls with no change to the calling code; without the variable, nothing."""
    from langchain_core.tracers.context import register_configure_hook

    register_configure_hook(ContextVar("marquee_test_recorder", default=None), True, Recorder, "MARQUEE_TEST_TRACE")
    assistant = Assistant(small_catalog.settings, catalog=small_catalog, llm=ScriptedChatModel([search_then_name] * 4))
    assert "MARQUEE_TEST_TRACE" not in os.environ
    assistant.chat("a horror film from the 80s", session_id="untraced")
    assert Recorder.starts == []
    monkeypatch.setenv("MARQUEE_TEST_TRACE", "1")
    assistant.chat("films by Alfred Hitchcock", session_id="traced")
    assert Recorder.starts and "Alfred Hitchcock" in str(Recorder.starts[0])

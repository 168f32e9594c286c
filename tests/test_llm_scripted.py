"""ScriptedChatModel: scripted replies in order, tool binding, token streaming, and a clear end of script."""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.tools import tool

from assistant.llm.scripted import ScriptedChatModel, ScriptExhaustedError


@tool
def search_catalog(query: str) -> str:
    """Search the catalog."""
    return f"results for {query}"


def test_replies_come_in_order_from_messages_strings_and_callables() -> None:
    def echo(messages: list[BaseMessage]) -> str:
        return f"you said {messages[-1].content}"

    model = ScriptedChatModel([AIMessage("first"), "second", echo])
    assert model.invoke("a").content == "first"
    assert model.invoke("b").content == "second"
    assert model.invoke("c").content == "you said c"
    assert [call[-1].content for call in model.calls] == ["a", "b", "c"]


def test_running_out_of_script_raises_a_clear_error() -> None:
    model = ScriptedChatModel(["only one"])
    model.invoke("hi")
    with pytest.raises(ScriptExhaustedError, match=r"1 response\(s\).*call 2.*'again'"):
        model.invoke("again")


def test_bind_tools_records_tools_and_shares_the_script() -> None:
    model = ScriptedChatModel(["from the base", "from the bound copy"])
    bound = model.bind_tools([search_catalog], tool_choice="search_catalog")
    assert model.bound_tools == []
    assert [t["function"]["name"] for t in bound.bound_tools] == ["search_catalog"]
    assert bound.tool_choice == "search_catalog"
    assert model.invoke("x").content == "from the base"
    assert bound.invoke("y").content == "from the bound copy"
    assert len(model.calls) == len(bound.calls) == 2


def test_scripted_tool_calls_without_ids_get_them() -> None:
    call = {"name": "search_catalog", "args": {"query": "noir"}, "id": None}
    reply = ScriptedChatModel([AIMessage("", tool_calls=[call])]).invoke("find noir")
    assert reply.tool_calls[0]["name"] == "search_catalog"
    assert reply.tool_calls[0]["args"] == {"query": "noir"}
    assert reply.tool_calls[0]["id"]


def test_stream_gives_content_token_by_token_and_tool_calls_at_the_end() -> None:
    call = {"name": "search_catalog", "args": {"query": "noir"}, "id": "call_7"}
    model = ScriptedChatModel([AIMessage("Searching the catalog now.", tool_calls=[call])])
    chunks = list(model.stream([HumanMessage("find noir")]))
    assert [c.content for c in chunks[:-1]] == ["Searching", " the", " catalog", " now."]
    whole = sum(chunks[1:], chunks[0])
    assert whole.content == "Searching the catalog now."
    assert whole.tool_calls == [
        {"name": "search_catalog", "args": {"query": "noir"}, "id": "call_7", "type": "tool_call"}
    ]


def test_a_callable_returning_something_else_is_a_test_bug() -> None:
    model = ScriptedChatModel([lambda messages: 42])
    with pytest.raises(TypeError, match="AIMessage or a str"):
        model.invoke("hi")


def test_drives_a_langchain_agent_through_a_tool_round_trip() -> None:
    from langchain.agents import create_agent

    call = {"name": "search_catalog", "args": {"query": "80s horror"}, "id": None}
    model = ScriptedChatModel([AIMessage("", tool_calls=[call]), "Try The Thing (1982)."])
    result = create_agent(model=model, tools=[search_catalog]).invoke({"messages": [HumanMessage("find 80s horror")]})
    assert result["messages"][-1].content == "Try The Thing (1982)."
    tool_result = model.calls[1][-1]
    assert tool_result.content == "results for 80s horror"
    assert tool_result.tool_call_id == result["messages"][1].tool_calls[0]["id"]

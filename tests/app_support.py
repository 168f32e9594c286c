"""Shared pieces for the app tests: a rule-following scripted chat model and a served app."""

from __future__ import annotations

import socket
from contextlib import contextmanager

from langchain_core.messages import AIMessage, ToolMessage


def search_then_answer(messages):
    """Scripted model step: search for what the user said, then answer briefly from the tool result."""
    last = messages[-1]
    if isinstance(last, ToolMessage):
        return "Here are some picks from the catalog."
    return AIMessage(content="", tool_calls=[{"name": "search_catalog", "args": {"query": last.content},
                                              "id": f"call-{len(messages)}"}])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(demo, **launch):
    """Serve a Blocks on a free loopback port for the duration of the block; yields the URL."""
    import app

    port = free_port()
    demo.queue(default_concurrency_limit=4).launch(server_name="127.0.0.1", server_port=port,
                                                   prevent_thread_lock=True, css=app.CSS, quiet=True, **launch)
    try:
        yield f"http://127.0.0.1:{port}/"
    finally:
        demo.close()

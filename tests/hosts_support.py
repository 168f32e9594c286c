"""A served web app (``app.serve``: Gradio plus /mcp and /v1) with the scripted chat model, for the host tests."""

from __future__ import annotations

from contextlib import contextmanager

from assistant import Assistant
from assistant.bench.app import session_aware_step
from assistant.llm import ScriptedChatModel
from tests.app_support import free_port


@contextmanager
def served_app(settings, catalog, steps: int = 600, rate_limit: int = 0, step=session_aware_step):
    """Yields (base URL without a trailing slash, assistant). No rate limit unless asked: the tests' clients
    all come from one address."""
    import app

    settings = settings.with_(api_rate_limit=rate_limit)
    assistant = Assistant(settings, catalog=catalog, llm=ScriptedChatModel([step] * steps))
    port = free_port()
    demo = app.serve(assistant, "127.0.0.1", port, prevent_thread_lock=True, quiet=True)
    try:
        yield f"http://127.0.0.1:{port}", assistant
    finally:
        demo.close()

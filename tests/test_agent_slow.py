"""End to end with the real embedded chat model (Qwen2.5-Coder-0.5B) on the CPU: ``pytest -m slow``.

The model is prepared once in the user's cache (``MARQUEE_DATA_DIR``, by default ~/.local/share/marquee), the
catalog is the small test catalog. Each turn takes seconds to tens of seconds on a 2-core CPU.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from test_agent_support import agent_catalog

from assistant import Assistant, FinalAnswerEvent, Settings, TokenEvent

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def model_folder():
    from assistant.llm import ensure_embedded_model

    return ensure_embedded_model(Settings.from_env().cache_dir)


@pytest.fixture(scope="module")
def bot(tmp_path_factory, embedder, model_folder):
    from assistant.llm import LocalChatModel

    llm = LocalChatModel(model_name=str(model_folder), max_new_tokens=256, repetition_penalty=1.05)
    catalog = agent_catalog(tmp_path_factory, embedder)
    bot = Assistant(catalog.settings, catalog=catalog, llm=llm)
    bot.warm_up()
    return bot


def test_a_search_turn_calls_search_and_answers_from_the_catalog(bot):
    reply = bot.chat("I want some horror movies from the 80s", session_id="search")
    assert reply.tool_calls and reply.tool_calls[0]["name"] == "search_catalog"
    assert "horror" in reply.tool_calls[0]["arguments"]["query"].lower()
    assert reply.hits and all(1980 <= h.title.year <= 1989 and "Horror" in h.title.genres for h in reply.hits)
    assert reply.hits[0].title.title in reply.text


def test_a_small_talk_turn_calls_no_tool_and_streams_a_short_reply(bot):
    events = list(bot.stream("Hello!", session_id="small-talk"))
    final = events[-1]
    assert isinstance(final, FinalAnswerEvent) and final.tool_calls == () and final.text.strip()
    assert any(isinstance(e, TokenEvent) for e in events) and final.source in ("model", "fallback")


def test_chat_json_cli_answers_each_message_in_a_fresh_session(tmp_path_factory, embedder, model_folder):
    settings = agent_catalog(tmp_path_factory, embedder).settings
    models = settings.cache_dir / "models"
    models.mkdir(parents=True, exist_ok=True)
    if not (models / model_folder.name).exists():  # the prepared model, not a second conversion
        (models / model_folder.name).symlink_to(model_folder, target_is_directory=True)
    env = {**os.environ, "MARQUEE_DATA_DIR": str(settings.data_dir),
           "MARQUEE_CATALOG_PATH": str(settings.catalog_path)}
    command = [sys.executable, "-m", "assistant", "chat", "--json", "hi", "films by Alfred Hitchcock"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=900, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(lines) == 2 and all(set(line) == {"reply", "tool_calls", "attachments"} for line in lines)
    assert lines[0]["tool_calls"] == [] and lines[1]["tool_calls"][0]["name"] == "search_catalog"
    assert "Psycho" in lines[1]["reply"] or "North by Northwest" in lines[1]["reply"]

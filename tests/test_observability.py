"""MARQUEE_LOG_FORMAT=json: one JSON line per turn, without the user's words unless MARQUEE_LOG_CONTENT=1."""

import json
import logging

import pytest

from assistant import Assistant
from assistant.llm import ScriptedChatModel
from assistant.observability import TURN_LOGGER
from knowledge.settings import Settings
from tests.app_support import search_then_answer

SECRET_WORDS = "zebra-sandwich horror"


class Lines(logging.Handler):
    def __init__(self):
        super().__init__()
        self.lines = []

    def emit(self, record):
        self.lines.append(json.loads(record.getMessage()))


def turn_lines(settings, catalog, *messages):
    handler = Lines()
    logging.getLogger(TURN_LOGGER).addHandler(handler)
    try:
        assistant = Assistant(settings, catalog=catalog, llm=ScriptedChatModel([search_then_answer] * 10))
        for message in messages:
            assistant.chat(message, session_id="obs-1")
    finally:
        logging.getLogger(TURN_LOGGER).removeHandler(handler)
    return handler.lines


def test_json_turn_lines_have_no_message_text(small_catalog):
    settings = small_catalog.settings.with_(log_format="json")
    lines = turn_lines(settings, small_catalog, f"a {SECRET_WORDS} film from the 80s", "hello there")
    assert len(lines) == 2
    first = lines[0]
    assert first["event"] == "turn" and first["session"] == "obs-1" and first["model"] == "marquee-scripted"
    assert [t["name"] for t in first["tools"]] == ["search_catalog"] and first["tools"][0]["ok"] is True
    assert {"seconds", "first_token_s", "model_calls", "input_tokens", "output_tokens", "titles"} <= set(first)
    assert first["model_calls"] >= 1 and first["titles"] >= 1
    assert "zebra" not in json.dumps(lines), "no message, answer or tool-argument text"


def test_content_only_when_asked(small_catalog):
    settings = small_catalog.settings.with_(log_format="json", log_content=True)
    [line] = turn_lines(settings, small_catalog, f"a {SECRET_WORDS} film from the 80s")
    assert SECRET_WORDS in line["message"] and "zebra" in json.dumps(line["tools"]) and line["answer"]


def test_text_format_logs_no_turn_lines(small_catalog):
    assert turn_lines(small_catalog.settings, small_catalog, "a horror film from the 80s") == []


def test_settings_read_the_log_variables():
    settings = Settings.from_env({"MARQUEE_LOG_FORMAT": "JSON", "MARQUEE_LOG_CONTENT": "1", "MARQUEE_API_KEY": "k"})
    assert settings.log_format == "json" and settings.log_content is True and settings.api_key == "k"
    assert Settings.from_env({}).log_content is False
    with pytest.raises(ValueError, match="MARQUEE_LOG_FORMAT"):
        Settings.from_env({"MARQUEE_LOG_FORMAT": "xml"})

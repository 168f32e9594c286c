"""The real embedded chat model plans a 6-shot storyboard (slow: loads Qwen2.5-Coder-0.5B on the CPU)."""

from __future__ import annotations

import json

import pytest

from knowledge.settings import Settings

pytestmark = pytest.mark.slow


def test_embedded_model_storyboards_a_scene(tmp_path):
    from assistant.llm import resolve_llm
    from tools.storyboard import SHOT_SIZES, Storyboarder

    settings = Settings.from_env()  # the default data dir: the converted model is cached there
    storyboarder = Storyboarder(resolve_llm(settings), settings)
    board = storyboarder.create("a building collapses on a Buenos Aires street at night while survivors run",
                                shots=6, out_dir=tmp_path)
    assert len(board.shots) == 6 and [s.number for s in board.shots] == list(range(1, 7))
    assert all(s.size in SHOT_SIZES and s.action for s in board.shots)
    assert board.source in ("llm", "repaired", "text", "fallback") and board.renderer == "sketch"
    assert len(board.frames) == 6 and board.sheet_png.is_file() and board.sheet_pdf.is_file()
    assert json.loads(board.shot_list_json.read_text(encoding="utf-8"))["source"] == board.source

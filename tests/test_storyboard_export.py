"""Storyboarder end to end without models: files, exports, safe names, revisions, bad input, the CLI."""

from __future__ import annotations

import csv
import json
import re

import pytest
from langchain_core.messages import AIMessage
from PIL import Image

from assistant.cli import main as cli_main
from assistant.llm import ScriptedChatModel
from knowledge.settings import Settings
from tools.storyboard import (
    MAX_SCENE_CHARS,
    MAX_SHOTS,
    Storyboard,
    Storyboarder,
    StoryboardInputError,
    generate_storyboard,
    read_png_text,
    safe_slug,
)

SCENE = "a building collapses on a Buenos Aires street at night while survivors run"


@pytest.fixture()
def settings(tmp_path):
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture()
def sketcher(settings):
    return Storyboarder(settings=settings, use_llm=False, long_side=320)


def pdf_pages(path) -> int:
    return len(re.findall(rb"/Type\s*/Page\b", path.read_bytes()))


def test_a_storyboard_writes_every_file(sketcher, tmp_path):
    board = sketcher.create(SCENE, shots=6, out_dir=tmp_path / "out")
    # No model was asked: the text's plan is the intended one, not a fallback.
    assert board.renderer == "sketch" and board.source == "text" and not board.fallback_used and not board.notices
    assert len(board.frames) == 6 and all(p.is_file() for p in board.frames)
    assert all(p.parent == tmp_path / "out" / "frames" for p in board.frames)
    with Image.open(board.sheet_png) as sheet:
        assert sheet.width > 1000 and sheet.height > 600
    assert pdf_pages(board.sheet_pdf) == board.pdf_pages == 1
    rows = list(csv.DictReader(board.shot_list_csv.open(encoding="utf-8")))
    assert [int(r["number"]) for r in rows] == list(range(1, 7))
    assert rows[0]["size"] == "ELS" and rows[0]["frame"] == "shot_01.png"
    data = json.loads(board.shot_list_json.read_text(encoding="utf-8"))
    assert data["scene"] == SCENE and len(data["shots"]) == 6 and data["renderer"] == "sketch"
    assert set(board.to_dict()) >= {"shots", "frames", "sheet_png", "sheet_pdf", "shot_list_csv", "renderer"}


def test_frames_carry_provenance(sketcher, tmp_path):
    board = sketcher.create(SCENE, shots=2, out_dir=tmp_path, seed=42)
    chunks = read_png_text(board.frames[0])
    assert chunks["generator"] == "Marquee storyboard" and chunks["AI-generated"] == "no"
    assert chunks["seed"] == "42" and chunks["renderer"] == "sketch" and "sketch" in chunks["model"]
    assert "Buenos Aires" in chunks["prompt"] and re.match(r"\d{4}-\d\d-\d\dT", chunks["created_at"])
    assert json.loads(chunks["shot"])["number"] == 1
    assert read_png_text(board.sheet_png)["generator"] == "Marquee storyboard"


def test_pdf_pages_and_tall_frames(sketcher, tmp_path):
    wide = sketcher.create(SCENE, shots=13, out_dir=tmp_path / "wide")
    assert pdf_pages(wide.sheet_pdf) == 3  # six panels a page
    tall = sketcher.create(SCENE, shots=9, aspect="9:16", out_dir=tmp_path / "tall")
    assert pdf_pages(tall.sheet_pdf) == 2  # eight tall panels a page
    with Image.open(tall.frames[0]) as frame:
        assert frame.height > frame.width


def test_default_folder_and_file_names_are_safe_whatever_the_scene(sketcher, settings):
    scene = "../../etc/passwd; rm -rf / && echo $HOME `whoami` <script> Café naïve 東京 " + "very long " * 30
    board = sketcher.create(scene, shots=1)
    root = settings.data_dir / "storyboards"
    assert board.out_dir.parent == root
    for path in [board.out_dir, board.sheet_png, board.sheet_pdf, board.shot_list_csv, *board.frames]:
        assert path.resolve().is_relative_to(root.resolve())
        assert re.fullmatch(r"[a-z0-9._-]+", path.name), path.name
        assert len(path.name) <= 80
    assert safe_slug("Café naïve") == "cafe-naive" and safe_slug("東京") == "scene" and safe_slug("...") == "scene"
    assert len(safe_slug("word " * 100)) <= 40
    second = sketcher.create(scene, shots=1)
    assert second.out_dir != board.out_dir  # a second run never overwrites the first


def test_revising_one_shot_leaves_the_other_frames_untouched(sketcher, tmp_path):
    board = sketcher.create(SCENE, shots=4, out_dir=tmp_path)
    before = {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in board.frames}
    revised = sketcher.revise(board, 2, angle="dutch", prompt="rain pours down", seed=7)
    assert revised.frames[2 - 1] != board.frames[1] and revised.frames[1].name == "shot_02_r2.png"
    assert revised.shots[1].angle == "dutch" and revised.frame_seeds[1] == 7
    for path in (board.frames[0], board.frames[2], board.frames[3]):
        assert (path.stat().st_mtime_ns, path.read_bytes()) == before[path]
    assert board.frames[1].read_bytes() == before[board.frames[1]][1]  # the old version is kept
    assert read_png_text(revised.frames[1])["seed"] == "7"
    reloaded = Storyboard.load(revised.shot_list_json)
    assert reloaded.frames == revised.frames and reloaded.shots[1].angle == "dutch"
    again = sketcher.revise(revised.shot_list_json, 2, size="CU")
    assert again.frames[1].name == "shot_02_r3.png" and again.shots[1].lens_mm == 85
    with pytest.raises(StoryboardInputError, match="no shot 9"):
        sketcher.revise(board, 9, angle="low")
    with pytest.raises(StoryboardInputError, match="revise shot 1"):
        sketcher.revise(board, 1, angle="sideways")


def test_bad_input_is_explained(sketcher, tmp_path):
    with pytest.raises(StoryboardInputError, match="empty"):
        sketcher.create("   \n ", out_dir=tmp_path)
    with pytest.raises(StoryboardInputError, match="at least 1"):
        sketcher.create(SCENE, shots=0, out_dir=tmp_path)
    with pytest.raises(StoryboardInputError, match="aspect"):
        sketcher.create(SCENE, aspect="5:4", out_dir=tmp_path)
    small = Storyboarder(settings=sketcher.settings, use_llm=False, long_side=192)  # 24 frames: keep them cheap
    many = small.create(SCENE, shots=100, out_dir=tmp_path / "many")
    assert len(many.shots) == MAX_SHOTS and any("at most 24" in n for n in many.notices)
    huge = small.create("a car chase " * 5000, shots=2, out_dir=tmp_path / "huge")
    assert len(huge.scene) <= MAX_SCENE_CHARS and any("only the first" in n for n in huge.notices)


def test_a_missing_image_model_folder_falls_back_to_sketches(settings, tmp_path, caplog):
    storyboarder = Storyboarder(settings=settings, use_llm=False, image_model=str(tmp_path / "no-such-model"),
                                long_side=384)
    board = storyboarder.create(SCENE, shots=2, out_dir=tmp_path / "out")
    assert board.renderer == "sketch" and all(r == "sketch" for r in board.frame_renderers)
    assert any("does not exist" in n for n in board.notices)
    assert "does not exist" in caplog.text


def test_the_model_plans_the_shots_when_there_is_one(settings, tmp_path):
    args = {"bible": {"characters": [{"name": "Lucia", "look": "30s, short black hair, grey coat"}],
                      "location": "San Telmo street", "time_of_day": "night", "lighting": "sodium lamps",
                      "palette": "orange and teal"},
            "shots": [{"number": i, "action": f"Lucia looks back, beat {i}", "subjects": ["Lucia"], "size": size,
                       "angle": "low", "lens_mm": 40, "movement": "pan", "sound": "", "duration_s": 2}
                      for i, size in enumerate(["LS", "CU", "MS"], start=1)]}
    llm = ScriptedChatModel([AIMessage(content="", tool_calls=[{"name": "storyboard", "args": args, "id": "1"}])])
    scene = "Lucia looks back as a building collapses on a Buenos Aires street at night"
    board = Storyboarder(llm, settings, long_side=384).create(scene, shots=3, out_dir=tmp_path, style="noir ink")
    assert board.source == "llm" and not board.fallback_used and not board.notices
    assert [s.size for s in board.shots] == ["LS", "CU", "MS"] and board.bible.style == "noir ink"
    assert board.character_seeds["Lucia"] != board.seed
    assert board.frame_seeds[1] == board.character_seeds["Lucia"]  # a close shot of one character
    assert board.frame_seeds[0] == board.seed


def test_the_agent_tool_function(settings, monkeypatch, tmp_path):
    storyboarder = Storyboarder(ScriptedChatModel(["not json"]), settings)
    result = generate_storyboard("two friends argue in a kitchen", shots=3, aspect="2.39:1", storyboarder=storyboarder)
    assert "3 shots" in result.text and result.attachments[0]["media_type"] == "image/png"
    assert result.data["renderer"] == "sketch" and len(result.storyboard.frames) == 3
    with pytest.raises(ValueError):
        generate_storyboard("", storyboarder=storyboarder)


def test_cli_prints_the_files_as_json(tmp_path, capsys):
    out = tmp_path / "cli"
    code = cli_main(["--data-dir", str(tmp_path / "data"), "storyboard", SCENE, "--shots", "3", "--out", str(out),
                     "--aspect", "1.85:1", "--no-llm", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert len(data["shots"]) == 3 and len(data["frames"]) == 3 and data["renderer"] == "sketch"
    assert all(path.startswith(str(out)) for path in [data["sheet_png"], data["sheet_pdf"], data["shot_list_csv"]])
    assert cli_main(["storyboard", "  ", "--no-llm", "--out", str(out)]) == 2
    assert "empty" in capsys.readouterr().err


def test_the_assistant_api(settings, tmp_path):
    from assistant.api import Assistant

    assistant = Assistant(settings, llm=ScriptedChatModel(["I cannot do JSON", "nor now"]))
    board = assistant.storyboard(SCENE, shots=2, aspect="9:16", seed=3, out_dir=tmp_path)
    # These settings pick the embedded model on a CPU, where the text's plan is the default: no model is asked.
    assert board.aspect == "9:16" and board.seed == 3 and len(board.frames) == 2 and board.source == "text"
    assert assistant.storyboard(SCENE, shots=1, out_dir=tmp_path / "again").shots[0].size == "ELS"

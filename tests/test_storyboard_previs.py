"""Previs: screenplay import, the animatic decoded back, the OTIO/EDL hand-off and the continuity report."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from assistant.cli import main as cli_main
from knowledge.settings import Settings
from tools.storyboard import ScriptError, Storyboarder, parse_script, read_script, storyboard_script
from tools.storyboard import animatic as animatic_module
from tools.storyboard.continuity import check_continuity
from tools.storyboard.schema import Bible, Character, Shot

DATA = Path(__file__).parent / "data"
FOUNTAIN = DATA / "collapse.fountain"
EXAMPLE = ("A building collapses on a Buenos Aires street at night while survivors run for cover; a woman pulls a "
           "child from the dust")


@pytest.fixture()
def storyboarder(tmp_path):
    return Storyboarder(settings=Settings(data_dir=tmp_path / "data"), use_llm=False, long_side=320)


# -- script import ---------------------------------------------------------------------------------------------
def test_fountain_features_are_parsed():
    script = read_script(FOUNTAIN)
    assert script.title == "The Dust"
    assert [s.heading for s in script.scenes] == ["EXT. BUENOS AIRES STREET - NIGHT", "INT. CORNER CAFE - NIGHT",
                                                  "EXT. PLAZA - DAWN"]
    street, cafe, plaza = script.scenes
    assert (street.interior, street.place, street.time_of_day) == ("EXT", "BUENOS AIRES STREET", "NIGHT")
    assert street.characters == ["ANA", "TOMAS"]  # "(O.S.)" extension removed
    assert street.dialogue[0].text == "Get down!" and street.dialogue[0].parenthetical == "shouting"
    assert cafe.characters == ["ANA", "TOMAS"] and [d.text for d in cafe.dialogue] == ["I've got her.", "Go, go!"]
    text = json.dumps([vars(s) | {"dialogue": [str(d) for d in s.dialogue]} for s in script.scenes])
    for left_out in ("stunt budget", "boneyard", "CUT TO", "FADE OUT"):  # note, boneyard, transitions
        assert left_out not in text
    assert plaza.time_of_day == "DAWN" and "NURSE" in plaza.characters


def test_plain_text_and_loose_headings():
    script = parse_script("SCENE 1 - KITCHEN, NIGHT\n\nAna reads a letter.\n\nINT. HALL - DAY\n\nTomas waits.\n")
    assert [(s.place, s.time_of_day) for s in script.scenes] == [("KITCHEN", "NIGHT"), ("HALL", "DAY")]
    single = parse_script("A lone rider crosses the desert at dawn.")
    assert len(single.scenes) == 1 and single.scenes[0].action == ["A lone rider crosses the desert at dawn."]


def test_bad_scripts_are_explained(tmp_path):
    empty, binary, huge = tmp_path / "empty.fountain", tmp_path / "x.fountain", tmp_path / "huge.txt"
    empty.write_text("  \n")
    binary.write_bytes(b"\x89PNG\x00\x00\x01" * 50)
    huge.write_bytes(b"EXT. STREET - DAY\n\nA man walks.\n\n" * 200_000)
    with pytest.raises(ScriptError, match="empty"):
        read_script(empty)
    with pytest.raises(ScriptError, match="binary"):
        read_script(binary)
    with pytest.raises(ScriptError, match="MB"):
        read_script(huge)
    many = parse_script("".join(f"INT. ROOM {i} - DAY\n\nAna sits.\n\n" for i in range(60)))
    assert len(many.scenes) == 40 and "only the first 40" in many.notices[0]
    bare = parse_script("INT. OFFICE - DAY\n\nEXT. ROOF - NIGHT\n\nTomas jumps.\n")
    assert len(bare.scenes) == 2 and "no action" in bare.notices[0]


def test_a_script_gives_one_board_per_scene_with_dialogue(storyboarder, tmp_path):
    result = storyboard_script(storyboarder, FOUNTAIN, shots=4, out_dir=tmp_path / "script", animatic=False)
    assert len(result.boards) == 3
    street = result.boards[0]
    assert street.heading == "EXT. BUENOS AIRES STREET - NIGHT" and street.bible.time_of_day == "night"
    lines = [line for shot in street.shots for line in shot.dialogue]
    assert lines == ["Ana: Get down!", "Tomas: Where is the girl?"]
    for shot in street.shots:  # a shot carrying a line shows its speaker
        for line in shot.dialogue:
            assert line.split(":")[0] in shot.subjects
    assert "collapse" in street.bible.events
    names = {c.name for c in result.boards[2].bible.characters}
    assert {"Nurse", "Ana", "child"} <= names and len(names) == 3  # "NURSE" cue and "a nurse" are one person


def test_cli_script_json(tmp_path, capsys):
    code = cli_main(["--data-dir", str(tmp_path / "data"), "storyboard", "--script", str(FOUNTAIN), "--shots", "3",
                     "--out", str(tmp_path / "out"), "--no-llm", "--no-animatic", "--json"])
    assert code == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["heading"] for s in data["scenes"]][0] == "EXT. BUENOS AIRES STREET - NIGHT"
    for key in ("plan_png", "timeline_otio", "edl", "continuity", "animatic_mp4", "sheet_png"):
        assert key in data["scenes"][0]
    empty = tmp_path / "empty.txt"
    empty.write_text("")
    assert cli_main(["storyboard", "--script", str(empty), "--no-llm"]) == 2
    assert "empty" in capsys.readouterr().err


# -- animatic, timeline --------------------------------------------------------------------------------------
def test_the_animatic_holds_each_frame_for_its_shot(storyboarder, tmp_path):
    import imageio_ffmpeg

    board = storyboarder.create(EXAMPLE, shots=4, out_dir=tmp_path / "a")
    assert board.animatic_mp4 and board.animatic_gif and board.plan_png
    fps = animatic_module.FPS
    reader = imageio_ffmpeg.read_frames(str(board.animatic_mp4))
    meta = next(reader)
    width, height = meta["size"]
    frames = [np.frombuffer(f, np.uint8).reshape(height, width, 3).astype(float) for f in reader]
    counts = [animatic_module.frame_count(s.duration_s, fps) for s in board.shots]
    assert len(frames) == sum(counts)
    assert abs(meta["duration"] - sum(s.duration_s for s in board.shots)) < 0.2
    panels = [np.asarray(Image.open(p).convert("RGB").resize((width, height))).astype(float) for p in board.frames]
    band = slice(round(height * 0.76), height)  # the burned-in caption: shot number and action, fixed per shot
    start = 0
    for index, count in enumerate(counts):  # every frame of shot k carries panel k's caption
        for frame in frames[start:start + count:max(1, count // 3)]:
            nearest = min(range(len(panels)), key=lambda k: np.abs(frame[band] - panels[k][band]).mean())
            assert nearest == index, (index, nearest)
        start += count
    with Image.open(board.animatic_gif) as gif:
        assert gif.n_frames > len(board.shots)


def test_moves_are_motion():
    size = (800, 450)
    assert animatic_module.crop_box("static", 0.0, size, 1, 0) == animatic_module.crop_box("static", 1.0, size, 1, 0)
    for move in ("pan", "tilt", "dolly", "crane", "handheld"):
        assert animatic_module.crop_box(move, 0.0, size, 1, 0) != animatic_module.crop_box(move, 1.0, size, 1, 0)


def test_missing_ffmpeg_still_gives_boards(storyboarder, tmp_path, monkeypatch):
    def no_ffmpeg():
        raise animatic_module.AnimaticError("No animatic MP4: ffmpeg is missing.")

    monkeypatch.setattr(animatic_module, "ffmpeg_exe", no_ffmpeg)
    board = storyboarder.create(EXAMPLE, shots=2, out_dir=tmp_path / "b")
    assert board.animatic_mp4 is None and board.animatic_gif.is_file() and board.sheet_png.is_file()
    assert any("ffmpeg is missing" in n for n in board.notices)


def test_the_timeline_loads_in_opentimelineio(storyboarder, tmp_path):
    import opentimelineio as otio

    board = storyboarder.create(EXAMPLE, shots=5, out_dir=tmp_path / "t", animatic=False)
    timeline = otio.adapters.read_from_file(str(board.timeline_otio))
    clips = list(timeline.find_clips())
    assert [c.duration().to_seconds() for c in clips] == pytest.approx([s.duration_s for s in board.shots])
    assert [Path(c.media_reference.target_url.removeprefix("file://")).name for c in clips] == \
        [p.name for p in board.frames]
    edl = board.edl.read_text()
    assert edl.count(" V     C ") == 5 and "01:00:00:00" in edl and "FROM CLIP NAME: shot_01.png" in edl


# -- continuity ----------------------------------------------------------------------------------------------
def _shot(number, size="MS", side="A", direction="", subjects=("Ana",), action="Ana talks", angle="eye"):
    return Shot(number=number, size=size, angle=angle, lens_mm=35, movement="static", subjects=list(subjects),
                action=action, duration_s=3, side=side, direction=direction)


BIBLE = Bible(characters=[Character(name="Ana"), Character(name="Tomas")])


def test_continuity_finds_line_crossings_flips_and_missing_coverage():
    shots = [_shot(1, "LS", subjects=("Ana", "Tomas")), _shot(2, "CU", direction="right"),
             _shot(3, "CU", side="B", subjects=("Tomas",), action="Tomas answers"),
             _shot(4, "MS", side="B", direction="left"), _shot(5, "MS", side="B", direction="right")]
    kinds = [f.kind for f in check_continuity(shots, BIBLE, speakers=["Ana", "Tomas"], props=["letter"])]
    assert kinds.count("line_cross") == 1 and kinds.count("direction_flip") == 1 and "no_insert" in kinds
    # Through an overhead shot the camera may change sides; with singles of both speakers there is a reverse.
    legal = [_shot(1, "LS"), _shot(2, "CU"), _shot(3, "LS", angle="overhead"),
             _shot(4, "CU", side="B", subjects=("Tomas",))]
    assert check_continuity(legal, BIBLE, speakers=["Ana", "Tomas"]) == []
    no_master = [_shot(1, "CU"), _shot(2, "MCU", subjects=("Ana", "Tomas"))]
    kinds = [f.kind for f in check_continuity(no_master, BIBLE, speakers=["Ana", "Tomas"])]
    assert "no_establishing" in kinds and "no_reverse" in kinds


def test_the_blocking_plan_keeps_subject_names_apart(storyboarder, tmp_path):
    from PIL import ImageDraw

    from tools.storyboard.blocking import label_boxes, subject_spots
    from tools.storyboard.draw import font

    board = storyboarder.create(EXAMPLE, shots=6, out_dir=tmp_path / "board", animatic=False)
    names = [c.name for c in board.bible.characters]
    assert {"survivors", "woman", "child"} <= set(names)
    face, draw = font(15, bold=True), ImageDraw.Draw(Image.new("RGB", (10, 10)))
    spots = [(name, (600 + x * 24.0, 400.0)) for name, x in subject_spots(board.bible)]
    boxes = [box for _, box in label_boxes(spots, lambda text: draw.textbbox((0, 0), text, font=face))]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)
    assert Image.open(board.plan_png).size == (1200, 900)


def test_the_sheet_says_where_the_shot_list_came_from():
    from tools.storyboard.storyboarder import plan_origin

    assert plan_origin("fallback") == plan_origin("text") == "from the scene text"
    assert "chat model" in plan_origin("llm") and "chat model" in plan_origin("repaired")


def test_names_over_figures_packed_together_do_not_overprint():
    from tools.storyboard.overlay import Marker, _free_label_box

    labels: list = []
    size = (0, 2, 60, 12)  # a name 60 px wide, as textbbox gives it
    for x in (200, 215, 230, 245, 260):  # five figures closer together than their names are wide
        box = _free_label_box(size, Marker(x, 300, 20, 1, "name", False), 1.0, labels)
        if box is not None:
            labels.append(box)
    assert 1 < len(labels) <= 5
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert a[2] <= b[0] or b[2] <= a[0] or a[3] <= b[1] or b[3] <= a[1], (a, b)

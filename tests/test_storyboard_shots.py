"""Shot lists: the schema the model must fill, repair of what small models write, and the coverage fallback."""

from __future__ import annotations

import json

import jsonschema
import pytest
from langchain_core.messages import AIMessage

from assistant.llm import ScriptedChatModel
from tools.storyboard import MAX_SHOTS, SHOT_SIZES, ShotList, loads_lenient, plan_shots, repair_shot_list
from tools.storyboard.coverage import fallback_shot_list, names_in, split_beats, subject_of, time_of_day
from tools.storyboard.schema import shot_list_tool

SCENE = "a building collapses on a Buenos Aires street at night while survivors run"
SOUNDS = ("rumble", "screams", "glass shatters", "sirens", "silence", "a dog barks", "wind")


def good_list(count: int = 6) -> dict:
    sizes = ["ELS", "LS", "MS", "CU", "MCU", "ECU", "MLS"]
    return {
        "bible": {"characters": [{"name": "survivors", "look": "dusty office workers in coats"}],
                  "location": "a street in San Telmo", "time_of_day": "night", "lighting": "sodium streetlights",
                  "palette": "orange and teal"},
        "shots": [{"number": i + 1, "action": f"beat {i + 1} of the collapse", "subjects": ["survivors"],
                   "size": sizes[i % len(sizes)], "angle": "eye", "lens_mm": 35, "movement": "static",
                   "sound": SOUNDS[i % len(SOUNDS)], "duration_s": 3} for i in range(count)],
    }


def tool_reply(args: dict) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": "storyboard", "args": args, "id": "call_1"}])


def test_the_tool_schema_is_valid_and_fixes_the_count():
    tool = shot_list_tool(4)
    schema = tool["function"]["parameters"]
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(good_list(4), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(good_list(5), schema)
    assert schema["properties"]["shots"]["items"]["properties"]["size"]["enum"] == list(SHOT_SIZES)


def test_a_valid_model_list_is_used_as_written():
    model = ScriptedChatModel([tool_reply(good_list())])
    plan = plan_shots(model, SCENE, 6)
    assert plan.source == "llm" and not plan.repairs and not plan.fallback_used
    assert [s.size for s in plan.shot_list.shots] == ["ELS", "LS", "MS", "CU", "MCU", "ECU"]
    assert plan.shot_list.bible.characters[0].name == "survivors"
    sent = model.calls[0]
    assert SCENE in sent[-1].content and "Suggested coverage" in sent[-1].content


def test_free_words_for_sizes_angles_and_moves_are_mapped_to_the_vocabulary():
    raw = good_list(3)
    raw["shots"][0].update(size="extreme wide shot", angle="bird's eye view", movement="tracking", lens_mm="24mm")
    raw["shots"][1].update(size="close up", angle="Low Angle", movement="hand-held", duration_s="4s")
    raw["shots"][2].update(size="over the shoulder", angle="canted", movement="jib up", lens_mm=5000)
    result = repair_shot_list(raw, SCENE, 3)
    first, second, third = result.shot_list.shots
    assert (first.size, first.angle, first.movement, first.lens_mm) == ("ELS", "overhead", "dolly", 24)
    assert (second.size, second.angle, second.movement, second.duration_s) == ("CU", "low", "handheld", 4.0)
    assert (third.size, third.angle, third.movement, third.lens_mm) == ("MCU", "dutch", "crane", 300)
    assert not result.valid_as_is and len(result.repairs) >= 6
    assert not result.fallback_used


def test_missing_fields_are_filled_and_shots_renumbered():
    raw = {"shots": [{"action": "Lucia runs", "number": 7}, {"size": "CU"}, {}]}
    result = repair_shot_list(raw, SCENE, 3)
    shots = result.shot_list.shots
    assert [s.number for s in shots] == [1, 2, 3]
    assert shots[0].action == "Lucia runs" and shots[0].size in SHOT_SIZES
    assert shots[1].size == "CU" and shots[1].lens_mm == 85  # the lens follows the size it was filled for
    assert all(s.action for s in shots)
    assert result.shot_list.bible.time_of_day == "night"  # the missing bible comes from the scene text
    ShotList.model_validate(result.shot_list.model_dump())


def test_too_few_shots_are_topped_up_from_the_coverage_pattern_and_too_many_cut():
    short = repair_shot_list(good_list(2), SCENE, 6)
    assert len(short.shot_list.shots) == 6 and short.fallback_shots == 4 and short.fallback_used
    long = repair_shot_list(good_list(9), SCENE, 4)
    assert len(long.shot_list.shots) == 4 and long.fallback_shots == 0
    assert any("kept the first 4 of 9" in note for note in long.repairs)


def test_a_thin_list_of_one_repeated_shot_gets_varied_framing():
    raw = good_list(6)
    for shot in raw["shots"]:
        shot.update(size="MCU", action="run", angle="high", sound="beep")
    result = repair_shot_list(raw, SCENE, 6)
    assert all(s.sound == "" for s in result.shot_list.shots)  # one sound echoed on every shot
    sizes = {s.size for s in result.shot_list.shots}
    assert len(sizes) >= 4
    assert len({s.action for s in result.shot_list.shots}) >= 3
    assert any("near-identical" in note for note in result.repairs)


@pytest.mark.parametrize("reply", [
    "Sure! Here is your storyboard: I think it should be moody.",  # no JSON at all
    "",
    "```json\n[1, 2, 3]\n```",  # JSON, but not shots
])
def test_unusable_output_falls_back_to_the_coverage_pattern(reply):
    plan = plan_shots(ScriptedChatModel([reply]), SCENE, 6)
    assert plan.source == "fallback" and plan.fallback_shots == 6
    assert plan.shot_list.shots[0].size == "ELS"  # establishing shot first
    assert len(plan.shot_list.shots) == 6


def test_json_in_prose_and_code_fences_is_read():
    reply = "Here you go:\n```json\n" + json.dumps(good_list(6)) + "\n```\nEnjoy!"
    plan = plan_shots(ScriptedChatModel([reply]), SCENE, 6)
    assert plan.source == "llm"


def test_a_list_cut_off_mid_shot_keeps_the_complete_shots():
    text = json.dumps(good_list(6))
    cut = text[: text.index('"number": 5')]  # stopped by max_new_tokens in the middle of shot 5
    parsed = loads_lenient(cut)
    assert len(parsed["shots"]) == 4
    plan = plan_shots(ScriptedChatModel([cut]), SCENE, 6)
    assert plan.source == "repaired" and plan.fallback_shots == 2


def test_lenient_parser_edge_cases():
    assert loads_lenient('{"a": [1, 2,], }') == {"a": [1, 2]}
    assert loads_lenient("no json here") is None
    assert loads_lenient('{"a": "unterminated') is None
    assert loads_lenient('prefix {"a": {"b": 1}, "c": [1, 2') == {"a": {"b": 1}}


def test_a_failing_model_does_not_fail_the_plan():
    def explode(_messages):
        raise RuntimeError("server down")

    plan = plan_shots(ScriptedChatModel([explode]), SCENE, 5)
    assert plan.source == "fallback" and len(plan.shot_list.shots) == 5


def test_thin_characters_get_a_fixed_seeded_look():
    raw = good_list(2)
    raw["bible"]["characters"] = [{"name": "Tomás", "look": "dark"}, {"name": "tomás", "look": "dup"}, "Inés"]
    named = f"{SCENE} as Tomás and Inés watch"
    first = repair_shot_list(raw, named, 2).shot_list.bible.characters
    again = repair_shot_list(raw, named, 2).shot_list.bible.characters
    assert [c.name for c in first] == ["Tomás", "Inés"]
    assert first == again and "," in first[0].look


def test_the_fallback_covers_the_scene_in_classic_order():
    shot_list = fallback_shot_list(SCENE, 6)
    sizes = [s.size for s in shot_list.shots]
    assert sizes[0] == "ELS" and "CU" in sizes and "ECU" in sizes and sizes[-1] == "LS"
    assert len(set(sizes)) >= 5
    assert shot_list.bible.time_of_day == "night" and "Buenos Aires" in shot_list.bible.location
    assert any("survivors" in s.subjects for s in shot_list.shots)
    assert fallback_shot_list(SCENE, MAX_SHOTS).shots[-1].number == MAX_SHOTS
    assert fallback_shot_list(SCENE, 6) == shot_list  # deterministic


def test_scene_text_helpers():
    assert split_beats(SCENE) == ["a building collapses on a Buenos Aires street at night", "survivors run"]
    assert subject_of("a building collapses on a street") == "building"
    assert subject_of("the old man looks up") == "old man"
    assert time_of_day("at dawn, fog") == "dawn" and time_of_day("an office") == "day"
    assert names_in("Ana meets Detective Ruiz in Lisbon. She runs.") == ["Ana", "Detective Ruiz"]
    assert names_in(SCENE) == []


def test_values_echoed_from_the_instructions_are_replaced():
    """What Qwen2.5-Coder-0.5B actually wrote for a kitchen scene (constrained decoding: valid JSON, no sense)."""
    raw = {"bible": {"characters": [{"name": "Ana", "look": "graphite previs sketch"}, {"name": "letter", "look": "x"},
                                    {"name": "dawn", "look": "UC"}, {"name": "age", "look": "previs"}],
                     "location": "ELS", "time_of_day": "change it if the story needs", "lighting": "MCU",
                     "palette": "CU close"},
           "shots": [{"number": i, "action": size, "subjects": ["Ana", "letter", "dawn"], "size": "MCU", "angle": "eye",
                      "lens_mm": 12, "movement": "handheld", "sound": "crane", "duration_s": 15}
                     for i, size in enumerate(["ELS", "MS", "CU", "MCU", "ECU", "LS"], start=1)]}
    scene = "Ana opens a letter in her kitchen at dawn and starts to cry"
    result = repair_shot_list(raw, scene, 6)
    bible = result.shot_list.bible
    assert [c.name for c in bible.characters] == ["Ana"] and "previs" not in bible.characters[0].look
    assert bible.location == "her kitchen" and bible.time_of_day == "dawn"
    assert bible.lighting != "MCU" and bible.palette != "CU close"
    shots = result.shot_list.shots
    assert all(len(s.action.split()) >= 2 for s in shots) and all(s.sound == "" for s in shots)
    assert all("dawn" not in s.subjects for s in shots)
    assert len({s.size for s in shots}) >= 4 and not result.valid_as_is


EXAMPLE = ("A building collapses on a Buenos Aires street at night while survivors run for cover; a woman pulls a "
           "child from the dust")


def test_the_text_wins_over_invented_names():
    """What the 0.5B model wrote for the product example: names the scene never gave, and no child."""
    raw = good_list(6)
    raw["bible"]["characters"] = [{"name": n, "look": "a person"} for n in ("Alice", "Bob", "Charlie")]
    raw["bible"]["time_of_day"] = "day"
    for shot in raw["shots"]:
        shot["subjects"] = ["Alice", "Bob", "Charlie"]
    raw["shots"][4]["action"] = "a woman pulls a child from the dust"
    shot_list = repair_shot_list(raw, EXAMPLE, 6).shot_list
    text = json.dumps(shot_list.model_dump())
    assert not any(name in text for name in ("Alice", "Bob", "Charlie"))
    assert [c.name for c in shot_list.bible.characters] == ["survivors", "woman", "child"]
    assert shot_list.bible.time_of_day == "night" and "collapse" in shot_list.bible.events
    assert {"woman", "child"} <= set(shot_list.shots[4].subjects)


def test_the_text_plan_shows_who_each_beat_names():
    shots = fallback_shot_list(EXAMPLE, 6).shots
    assert any({"woman", "child"} <= set(s.subjects) for s in shots if s.size in ("CU", "MCU"))
    assert not any("detail of woman" in s.action for s in shots)
    for shot in shots:
        named = [p for p in ("survivors", "woman", "child") if p in shot.action.lower()]
        assert set(named) <= set(shot.subjects), shot


def compact_list(count: int = 6) -> dict:
    sizes = ["ELS", "LS", "MS", "CU", "MCU", "ECU"]
    return {"shots": [{"action": f"beat {i + 1} of the collapse", "subjects": ["survivors"],
                       "size": sizes[i % len(sizes)], "angle": "eye", "movement": "static"} for i in range(count)]}


def test_the_compact_tool_asks_only_for_the_framing():
    schema = shot_list_tool(4, compact=True)["function"]["parameters"]
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.validate(compact_list(4), schema)
    assert list(schema["properties"]) == ["shots"]
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(good_list(4), schema)  # the full list's bible, lens and seconds are not asked for


def test_a_compact_list_gets_its_bible_from_the_text_and_lens_and_seconds_from_the_size():
    from tools.storyboard.schema import DEFAULT_LENS_MM, DEFAULT_SECONDS

    result = repair_shot_list(compact_list(6), SCENE, 6, compact=True)
    assert result.valid_as_is and not result.repairs and not result.fallback_used
    shots = result.shot_list.shots
    assert [s.number for s in shots] == [1, 2, 3, 4, 5, 6]
    assert [(s.lens_mm, s.duration_s) for s in shots] == [(DEFAULT_LENS_MM[s.size], DEFAULT_SECONDS[s.size])
                                                          for s in shots]
    bible = result.shot_list.bible
    assert bible.time_of_day == "night" and "survivors" in [c.name for c in bible.characters]
    # The same reply read as a full list lacks its bible and fields: those are repairs there.
    assert repair_shot_list(compact_list(6), SCENE, 6).repairs


def test_only_a_model_decoding_here_is_asked_for_the_compact_list():
    from test_llm_tiny_model import build_model, build_tokenizer

    from assistant.llm.local import LocalChatModel
    from tools.storyboard.planner import wants_compact

    tokenizer = build_tokenizer()
    assert wants_compact(LocalChatModel(model=build_model(tokenizer), tokenizer=tokenizer))
    assert not wants_compact(ScriptedChatModel([]))

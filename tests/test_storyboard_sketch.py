"""Blocking sketches: every shot size x angle x aspect draws a clean frame of the right shape."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tools.storyboard import (
    ANGLES,
    MOVEMENTS,
    SHOT_SIZES,
    AspectError,
    Bible,
    Character,
    Shot,
    frame_size,
    parse_aspect,
    render_sketch,
)
from tools.storyboard.camera import frame_camera
from tools.storyboard.draw import ACCENT, PAPER

ASPECT_NAMES = ("16:9", "2.39:1", "1.85:1", "9:16")
BIBLE = Bible(characters=[Character(name="Lucia", look="woman, long dark hair, red raincoat")],
              location="a street in Buenos Aires", time_of_day="night", lighting="streetlights", palette="teal",
              style="sketch")


def shot(size="MS", angle="eye", movement="static", number=1, subjects=("Lucia",), action="Lucia runs") -> Shot:
    return Shot(number=number, size=size, angle=angle, lens_mm=35, movement=movement, subjects=list(subjects),
                action=action, duration_s=3)


@pytest.mark.parametrize("aspect", ASPECT_NAMES)
def test_every_size_and_angle_draws_a_frame(aspect):
    width, height = frame_size(aspect, 384)
    day = BIBLE.model_copy(update={"time_of_day": "day"})  # a night frame is dark by design (tested below)
    for number, (size, angle) in enumerate(itertools.product(SHOT_SIZES, ANGLES), start=1):
        image = render_sketch(shot(size, angle, number=number), day, aspect, long_side=384)
        assert image.size == (width, height), (size, angle)
        pixels = np.asarray(image)
        ink = (pixels.sum(axis=2) < 300).mean()
        assert 0.001 < ink < 0.6, f"{size} {angle} {aspect}: {ink:.3f} of the frame is dark"
        assert pixels.std() > 10, f"{size} {angle} {aspect} looks blank"


def test_frame_sizes_match_the_aspect_and_pipeline_multiples():
    assert frame_size("16:9", 768) == (768, 432)
    assert frame_size("9:16", 768) == (432, 768)
    assert frame_size("2.39:1", 512, multiple=8) == (512, 216)
    for aspect in ASPECT_NAMES:
        for multiple in (8, 64):
            w, h = frame_size(aspect, 512, multiple)
            assert w % multiple == 0 and h % multiple == 0
    assert parse_aspect("2.39") == ("2.39:1", 2.39) and parse_aspect("16x9")[0] == "16:9"
    with pytest.raises(AspectError):
        parse_aspect("7:5")


def test_the_same_shot_draws_the_same_frame_and_another_seed_another_street():
    first = np.asarray(render_sketch(shot("LS"), BIBLE, seed=1))
    assert np.array_equal(first, np.asarray(render_sketch(shot("LS"), BIBLE, seed=1)))
    assert not np.array_equal(first, np.asarray(render_sketch(shot("LS"), BIBLE, seed=2)))


def test_annotations_are_left_out_of_the_image_model_guide():
    for movement in MOVEMENTS:
        annotated = np.asarray(render_sketch(shot(movement=movement), BIBLE))
        guide = np.asarray(render_sketch(shot(movement=movement), BIBLE, annotate=False))
        red = np.all(np.abs(annotated.astype(int) - ACCENT) < 40, axis=2).sum()
        assert not np.all(np.abs(guide.astype(int) - ACCENT) < 40, axis=2).any()
        assert (red > 50) == (movement != "static"), movement  # a camera move gets a red arrow


def test_shot_size_scales_the_subject_and_angle_moves_the_horizon():
    w, h = 1536, 864
    heights = []
    for size in ("ELS", "LS", "MS", "CU"):
        camera, feet = frame_camera(shot(size), w, h)
        top, bottom = camera.project((feet[0], 1.75, feet[2])), camera.project((feet[0], 1.53, feet[2]))
        heights.append(bottom[1] - top[1])  # the head, in pixels
    assert heights == sorted(heights)
    horizons = {angle: frame_camera(shot("LS", angle), w, h)[0].horizon_y for angle in ("high", "eye", "low")}
    assert horizons["high"] < horizons["eye"] < horizons["low"]


def test_things_and_crowds_are_drawn_without_errors():
    cases = [("ECU", ["building"], "the facade cracks and collapses"), ("CU", ["letter"], "a letter"),
             ("LS", ["taxi", "crowd"], "a crowd flees in the rain"), ("MS", ["survivors"], "smoke and fire"),
             ("LS", ["Lucia"], "Lucia enters the kitchen"), ("ELS", ["riders"], "riders cross the desert"),
             ("LS", [], "an empty street"), ("MS", ["crowd"], "an explosion")]
    for size, subjects, action in cases:
        for angle in ("eye", "overhead", "dutch"):
            image = render_sketch(shot(size, angle, subjects=subjects, action=action), BIBLE, "16:9", 384)
            assert np.asarray(image).std() > 10
            assert image.getpixel((0, 0)) != PAPER  # the frame line is drawn at the edge


def test_a_night_scene_is_darker_than_a_day_scene_and_keeps_its_practicals():
    night_bible = BIBLE.model_copy(update={"events": ["collapse"], "mood": "tense"})
    day_bible = night_bible.model_copy(update={"time_of_day": "day"})
    for size in ("ELS", "LS", "MS", "CU"):
        night = np.asarray(render_sketch(shot(size), night_bible, long_side=384)).astype(float)
        day = np.asarray(render_sketch(shot(size), day_bible, long_side=384)).astype(float)
        assert night.mean() < day.mean() - 40, size
        assert night.std() > 10, f"{size}: a night frame must still read"
    wide = np.asarray(render_sketch(shot("ELS"), night_bible, long_side=384)).astype(int)
    warm = (wide[..., 0] > 200) & (wide[..., 2] < 170)  # lit windows and lamps
    assert warm.mean() > 0.002


def test_rain_and_fire_are_drawn():
    plain = np.asarray(render_sketch(shot("LS"), BIBLE.model_copy(update={"time_of_day": "day"}), long_side=384))
    rain = BIBLE.model_copy(update={"time_of_day": "day", "weather": "rain", "events": ["rain"]})
    fire = BIBLE.model_copy(update={"time_of_day": "day", "events": ["fire"]})
    rainy = np.asarray(render_sketch(shot("LS"), rain, long_side=384))
    burning = np.asarray(render_sketch(shot("ECU", action="Insert: flames"), fire, long_side=384)).astype(int)
    assert (rainy != plain).any(axis=2).mean() > 0.01
    assert ((burning[..., 0] > 200) & (burning[..., 1] < 150)).mean() > 0.02  # flame orange

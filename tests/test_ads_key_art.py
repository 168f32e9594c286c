"""Key art: poster 2:3, row tile 16:9, square card; type inside the safe area; backgrounds that follow the lead
genre; provenance chunks; the diffusion path on a tiny random-weight pipeline built in the test."""

from __future__ import annotations

import pytest
import torch
from PIL import Image, ImageStat
from test_ads_checks import JAWS
from test_storyboard_diffusion import tiny_pipeline

from tools.ads import draft_ads
from tools.ads.key_art import SHAPES, KeyArt, draw_key_art
from tools.ads.key_art.backgrounds import background
from tools.ads.key_art.compose import PROCEDURAL_MODEL, _fit
from tools.ads.key_art.for_title import credits_line, genre_name, key_art_for
from tools.storyboard.diffusion import DiffusionOptions, DiffusionRenderer
from tools.storyboard.files import read_png_text

ART = KeyArt("tt0073195", "Jaws", "Amity Island has a great white shark problem.",
             "Directed by Steven Spielberg  ·  Starring Roy Scheider  ·  1975  ·  PG", "Thriller", "thrilling",
             "Cinematic key art poster for a 1970s thriller film: a fin in dark water", "great white shark")


def test_three_shapes_with_provenance_chunks(tmp_path):
    paths = draw_key_art(ART, tmp_path)
    assert set(paths) == {"poster", "tile", "square"}
    ratios = {}
    for name, path in paths.items():
        with Image.open(path) as image:
            ratios[name] = image.width / image.height
        chunks = read_png_text(path)
        assert chunks["model"] == PROCEDURAL_MODEL and chunks["AI-generated"] == "no"
        assert chunks["prompt"] == ART.prompt and chunks["shape"] == name and chunks["seed"]
    assert ratios["poster"] == pytest.approx(2 / 3) and ratios["tile"] == pytest.approx(16 / 9)
    assert ratios["square"] == 1


def test_type_fits_the_safe_box_even_for_a_long_title():
    title = "The Assassination of Jesse James by the Coward Robert Ford: The Extended Director's Cut"
    for shape in SHAPES:
        width = (shape.safe[2] - shape.safe[0]) * shape.size[0]
        face, lines = _fit(title.upper(), width, start=round(shape.size[1] * 0.12), bold=True, max_lines=3)
        assert lines and all(face.getlength(line) <= width for line in lines)


def test_the_margin_outside_the_safe_area_carries_no_type(tmp_path):
    plain = KeyArt(ART.title_id, ART.title, "", "", "Drama", "heartfelt", "x")
    worded = KeyArt(ART.title_id, "A Very Long Title Indeed", "A tagline that runs long enough to wrap twice.",
                    "Directed by Someone  ·  Starring Someone Else  ·  1999", "Drama", "heartfelt", "x")
    a, b = draw_key_art(plain, tmp_path / "a")["poster"], draw_key_art(worded, tmp_path / "b")["poster"]
    with Image.open(a) as first, Image.open(b) as second:
        edge = (0, 0, first.width, round(first.height * 0.06) - 4)  # the top margin of the poster
        assert list(first.crop(edge).getdata()) == list(second.crop(edge).getdata())
        assert list(first.getdata()) != list(second.getdata())


def test_backgrounds_follow_the_lead_genre_and_tone():
    horror = ImageStat.Stat(background("Horror", "dark", (300, 450), 1)).mean
    comedy = ImageStat.Stat(background("Comedy", "playful", (300, 450), 1)).mean
    assert sum(horror) < sum(comedy) / 2
    assert list(background("Western", "epic", (90, 60), 7).getdata()) == \
        list(background("Western", "epic", (90, 60), 7).getdata())
    assert genre_name("animated comedy") == "Comedy" and genre_name("science fiction") == "Science Fiction"
    assert credits_line(JAWS).startswith("Directed by Steven Spielberg")


def test_drafts_come_with_key_art_built_from_their_copy(tmp_path):
    ads = draft_ads([JAWS], "Jaws", key_art_dir=tmp_path)
    assert set(ads.key_art) == {"poster", "tile", "square"} and ads.to_dict()["key_art"] == ads.key_art
    assert read_png_text(ads.key_art["square"])["tagline"] in ads.texts("tagline")


@pytest.fixture(scope="module")
def renderer():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield DiffusionRenderer(pipeline=tiny_pipeline(), options=DiffusionOptions(steps=2, long_side=64))
    torch.set_num_threads(threads)


def test_the_image_model_paints_the_backgrounds_and_says_so(renderer, tmp_path):
    paths = draw_key_art(ART, tmp_path, renderer)
    for name, path in paths.items():
        chunks = read_png_text(path)
        assert chunks["AI-generated"] == "yes" and chunks["model"] == renderer.model
        assert "trainedAlgorithmicMedia" in chunks["DigitalSourceType"]
        with Image.open(path) as image:
            assert image.size == next(s.size for s in SHAPES if s.name == name)


def test_a_failing_image_model_falls_back_to_procedural_art(tmp_path):
    class Broken:
        model = "broken-model"
        options = DiffusionOptions(long_side=64)
        size_multiple = 8

        def render_with_retries(self, *args, **kwargs):
            raise RuntimeError("CUDA error: device-side assert")

    ads = draft_ads([JAWS], "Jaws", formats=["tagline", "key_art"])
    key_art_for(ads, JAWS, tmp_path, Broken())
    assert read_png_text(ads.key_art["poster"])["AI-generated"] == "no"
    assert any("procedurally" in n for n in ads.notices)

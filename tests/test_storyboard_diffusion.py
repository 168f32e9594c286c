"""The diffusion path on a tiny random-weight Stable Diffusion pipeline built in the test (no download)."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from diffusers import (
    AutoencoderKL,
    EulerDiscreteScheduler,
    StableDiffusionImg2ImgPipeline,
    StableDiffusionPipeline,
    UNet2DConditionModel,
)
from PIL import Image
from tokenizers import Tokenizer, models, pre_tokenizers, processors
from transformers import CLIPTextConfig, CLIPTextModel, PreTrainedTokenizerFast

from knowledge.settings import Settings
from tools.storyboard import DiffusionOptions, Storyboarder, build_prompt, read_png_text
from tools.storyboard.diffusion import DiffusionRenderer, ImageModelError, check_model_source

SCENE = "Lucia runs from a collapsing building on a Buenos Aires street at night"
_VOCABULARY = (
    "a an the of on in at with and shot close-up medium long extreme wide high low eye-level angle lens night "
    "street building lucia runs collapsing person hair coat cinematic film still sketch previs"
)
WORDS = _VOCABULARY.split()
TINY = DiffusionOptions(steps=2, guidance=0.0, strength=0.6, long_side=64)


def tiny_tokenizer() -> PreTrainedTokenizerFast:
    vocab = {token: i for i, token in enumerate(["<|startoftext|>", "<|endoftext|>", "<pad>", "<unk>", *WORDS])}
    backend = Tokenizer(models.WordLevel(vocab, unk_token="<unk>"))
    backend.pre_tokenizer = pre_tokenizers.Sequence([pre_tokenizers.Whitespace(), pre_tokenizers.Punctuation()])
    backend.post_processor = processors.TemplateProcessing(
        single="<|startoftext|> $A <|endoftext|>", special_tokens=[("<|startoftext|>", 0), ("<|endoftext|>", 1)])
    return PreTrainedTokenizerFast(tokenizer_object=backend, bos_token="<|startoftext|>", eos_token="<|endoftext|>",
                                   pad_token="<pad>", unk_token="<unk>", model_max_length=77)


def tiny_pipeline() -> StableDiffusionPipeline:
    torch.manual_seed(0)
    unet = UNet2DConditionModel(
        sample_size=16, in_channels=4, out_channels=4, layers_per_block=1, block_out_channels=(8, 16),
        down_block_types=("DownBlock2D", "CrossAttnDownBlock2D"), up_block_types=("CrossAttnUpBlock2D", "UpBlock2D"),
        cross_attention_dim=16, attention_head_dim=2, norm_num_groups=4)
    vae = AutoencoderKL(
        in_channels=3, out_channels=3, latent_channels=4, block_out_channels=(8, 16), norm_num_groups=4,
        down_block_types=("DownEncoderBlock2D",) * 2, up_block_types=("UpDecoderBlock2D",) * 2, sample_size=32)
    tokenizer = tiny_tokenizer()
    text_encoder = CLIPTextModel(CLIPTextConfig(
        vocab_size=len(tokenizer), hidden_size=16, intermediate_size=32, num_hidden_layers=1, num_attention_heads=2,
        max_position_embeddings=77, bos_token_id=0, eos_token_id=1, pad_token_id=2))
    pipeline = StableDiffusionPipeline(
        vae=vae, text_encoder=text_encoder.eval(), tokenizer=tokenizer, unet=unet.eval(),
        scheduler=EulerDiscreteScheduler(), safety_checker=None, feature_extractor=None,
        requires_safety_checker=False)
    pipeline.set_progress_bar_config(disable=True)
    return pipeline


@pytest.fixture(scope="module")
def pipeline():
    # One thread: on a busy shared CPU two OpenMP threads spin against each other and a 50 ms call takes 5 s.
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield tiny_pipeline()
    torch.set_num_threads(threads)


def test_same_seed_same_frame_other_seed_other_frame(pipeline):
    renderer = DiffusionRenderer(pipeline=pipeline, options=TINY)
    guide = Image.new("RGB", (64, 32), "white")
    first = np.asarray(renderer.render("a night street", 5, (64, 32), guide))
    assert first.shape == (32, 64, 3)
    assert np.array_equal(first, np.asarray(renderer.render("a night street", 5, (64, 32), guide)))
    assert not np.array_equal(first, np.asarray(renderer.render("a night street", 6, (64, 32), guide)))
    text_only = renderer.render("a night street", 5, (64, 32))
    assert text_only.size == (64, 32)
    assert isinstance(renderer._img2img, StableDiffusionImg2ImgPipeline)  # derived from the same weights


def test_a_storyboard_drawn_by_the_image_model(pipeline, tmp_path):
    storyboarder = Storyboarder(settings=Settings(data_dir=tmp_path), use_llm=False, pipeline=pipeline,
                                diffusion=TINY, long_side=256)
    board = storyboarder.create(SCENE, shots=3, out_dir=tmp_path / "out", seed=11)
    assert board.renderer == "diffusion" and board.frame_renderers == ["diffusion"] * 3
    chunks = read_png_text(board.frames[0])
    assert chunks["AI-generated"] == "yes" and chunks["model"] == "StableDiffusionPipeline"
    assert chunks["seed"] == "11" and chunks["prompt"] == board.prompts[0] and "trainedAlgorithmicMedia" in (
        chunks["DigitalSourceType"])
    assert read_png_text(board.sheet_png)["AI-generated"] == "yes"
    again = Storyboarder(settings=Settings(data_dir=tmp_path), use_llm=False, pipeline=pipeline, diffusion=TINY,
                         long_side=256).create(SCENE, shots=3, out_dir=tmp_path / "again", seed=11)
    assert again.frames[0].read_bytes() != b"" and np.array_equal(
        np.asarray(Image.open(board.frames[1])), np.asarray(Image.open(again.frames[1])))
    revised = storyboarder.revise(board, 3, seed=99, prompt="rain")
    assert revised.frame_renderers[2] == "diffusion" and read_png_text(revised.frames[2])["seed"] == "99"


def test_out_of_memory_retries_smaller_then_falls_back_to_sketches(pipeline, tmp_path):
    sizes = []

    class FailingPipeline:
        vae_scale_factor = 8

        def __call__(self, **kwargs):
            sizes.append(kwargs["image"].size)
            raise torch.OutOfMemoryError("CUDA out of memory (simulated)")

        def enable_attention_slicing(self):
            sizes.append("slicing")

    failing = FailingPipeline()
    storyboarder = Storyboarder(settings=Settings(data_dir=tmp_path), use_llm=False, pipeline=failing,
                                img2img_pipeline=failing, diffusion=TINY, long_side=256)
    board = storyboarder.create(SCENE, shots=2, out_dir=tmp_path)
    assert sizes[:4] == [(64, 32), "slicing", (64, 32), (40, 16)]  # then a smaller size, then it gives up
    assert board.renderer == "sketch" and board.frame_renderers == ["sketch", "sketch"]
    assert any("failed" in n for n in board.notices)
    assert len([s for s in sizes if s != "slicing"]) == 3  # the second frame did not try the model again
    storyboarder.create(SCENE, shots=1, out_dir=tmp_path / "next")
    assert len([s for s in sizes if s != "slicing"]) == 6  # the next storyboard gives the model another chance


def test_model_sources_are_checked_before_loading(tmp_path):
    with pytest.raises(ImageModelError, match="does not exist"):
        check_model_source(str(tmp_path / "missing"))
    with pytest.raises(ImageModelError, match="model_index.json"):
        check_model_source(str(tmp_path))
    check_model_source("stabilityai/sd-turbo")  # a hub id: checked when it loads


def test_prompts_put_framing_first_and_stay_short(pipeline):
    from tools.storyboard import Bible, Character, Shot

    bible = Bible(characters=[Character(name="Lucia", look="short black hair, grey coat")], location="San Telmo",
                  time_of_day="night", lighting="sodium", palette="orange", style="graphic novel " * 40)
    shot = Shot(number=1, size="CU", angle="low", lens_mm=85, movement="static", subjects=["Lucia"],
                action="Lucia looks up", duration_s=2)
    prompt = build_prompt(shot, bible)
    assert prompt.startswith("close-up, low angle, 85mm lens, Lucia looks up, person with short black hair")
    assert len(prompt.split()) <= 60

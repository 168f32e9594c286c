"""Frames from a diffusers text-to-image model, composed by the blocking sketch (image-to-image).

The sketch fixes where things are (the shot size, the angle, the horizon), the prompt says what they look like,
and the seed keeps one scene looking like one scene. Pipelines load on first use, or are passed in (tests build
a tiny random one).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PIL import Image

from knowledge.embeddings import pick_device
from tools.storyboard.schema import ANGLE_NAMES, SHOT_SIZE_NAMES, Bible, Shot

logger = logging.getLogger(__name__)

DEFAULT_IMAGE_MODEL = "stabilityai/sd-turbo"
NEGATIVE_PROMPT = "text, caption, letters, watermark, logo, arrows, frame border, deformed, blurry, extra limbs"
_MAX_PROMPT_WORDS = 60  # CLIP reads 77 tokens; the rest would be cut off silently
_HUB_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


class ImageModelError(RuntimeError):
    """The image model cannot be used (missing folder, failed load, out of memory); sketches take over."""


@dataclass(frozen=True)
class DiffusionOptions:
    steps: int | None = None  # None: 2 for turbo models, 25 otherwise
    guidance: float | None = None  # None: 0 for turbo models, 7 otherwise
    #: How far image-to-image may move from the sketch: low keeps the blocking, high keeps less of it.
    strength: float = 0.6
    long_side: int = 512


def default_image_model(configured: str, device: str = "auto") -> str:
    """The configured model, else sd-turbo when a CUDA GPU and the hub are both there, else "" (sketches)."""
    if configured:
        return configured
    try:
        import torch

        has_gpu = torch.cuda.is_available() and (device in ("auto", "") or device.startswith("cuda"))
    except ImportError:
        return ""
    if not has_gpu:
        return ""
    from knowledge.hub import hub_is_reachable

    return DEFAULT_IMAGE_MODEL if hub_is_reachable() else ""


def check_model_source(model: str) -> None:
    """Fail early and clearly on a local folder that is not there (a hub id is checked when loading)."""
    path = Path(model).expanduser()
    looks_local = model.startswith(("/", ".", "~")) or "\\" in model or not _HUB_ID.match(model)
    if looks_local and not path.exists():
        raise ImageModelError(f"The image model folder {model!r} does not exist.")
    if path.exists() and not (path / "model_index.json").is_file():
        raise ImageModelError(f"{model!r} is not a diffusers model folder (no model_index.json).")


def build_prompt(shot: Shot, bible: Bible) -> str:
    """The frame's prompt: framing first (CLIP weighs early words most), then who, what, where, how it looks."""
    looks = [c.look for c in bible.characters if c.look and any(_same(c.name, s) for s in shot.subjects)]
    parts = [
        f"{SHOT_SIZE_NAMES[shot.size]}, {ANGLE_NAMES[shot.angle]}, {shot.lens_mm}mm lens",
        shot.prompt or shot.action,
        *(f"person with {look}" for look in looks),
        bible.location, bible.time_of_day, bible.lighting, f"{bible.palette} palette" if bible.palette else "",
        bible.style, "cinematic film still",
    ]
    words = ", ".join(p.strip() for p in parts if p and p.strip()).split()
    return " ".join(words[:_MAX_PROMPT_WORDS])


def _same(name: str, subject: str) -> bool:
    return name.lower() in subject.lower() or subject.lower() in name.lower()


class DiffusionRenderer:
    """Draws frames with a diffusers pipeline; raises ImageModelError when it cannot."""

    def __init__(self, model: str = "", device: str = "auto", *, pipeline: Any = None, img2img: Any = None,
                 options: DiffusionOptions | None = None) -> None:
        if not model and pipeline is None:
            raise ValueError("DiffusionRenderer needs a model (hub id or folder) or a pipeline.")
        self.model = model or type(pipeline).__name__
        self.device = device
        self.options = options or DiffusionOptions()
        self._pipeline, self._img2img = pipeline, img2img

    @property
    def turbo(self) -> bool:
        return bool(re.search(r"turbo|lcm|lightning|hyper", self.model, re.IGNORECASE))

    @property
    def steps(self) -> int:
        return self.options.steps or (2 if self.turbo else 25)

    @property
    def guidance(self) -> float:
        return self.options.guidance if self.options.guidance is not None else (0.0 if self.turbo else 7.0)

    @property
    def size_multiple(self) -> int:
        return max(8, int(getattr(self.load(), "vae_scale_factor", 8)))

    def load(self) -> Any:
        """The text-to-image pipeline, loaded on first use."""
        if self._pipeline is None:
            self._pipeline = _load_pipeline(self.model, self.device)
        return self._pipeline

    def render(self, prompt: str, seed: int, size: tuple[int, int], guide: Image.Image | None = None) -> Image.Image:
        """One frame of ``size`` (multiples of ``size_multiple``); ``guide`` is the sketch to follow."""
        import torch

        pipeline = self.load()
        # A CPU generator gives the same noise on any device, so a seed means the same frame everywhere.
        kwargs: dict[str, Any] = {
            "prompt": prompt,
            "num_inference_steps": self.steps,
            "guidance_scale": self.guidance,
            "generator": torch.Generator(device="cpu").manual_seed(seed),
        }
        if self.guidance > 1.0:
            kwargs["negative_prompt"] = NEGATIVE_PROMPT
        if guide is None:
            return pipeline(**kwargs, width=size[0], height=size[1]).images[0]
        # Image-to-image runs steps * strength denoising steps: keep at least one.
        strength = max(self.options.strength, 1.0 / self.steps + 1e-3)
        image = guide.convert("RGB").resize(size, Image.Resampling.LANCZOS)
        return self._image_to_image()(**kwargs, image=image, strength=min(strength, 1.0)).images[0]

    def render_with_retries(self, prompt: str, seed: int, size: tuple[int, int],
                            guide: Image.Image | None = None) -> Image.Image:
        """``render``, and on GPU out-of-memory: slice attention, then halve the area, then give up."""
        import torch

        attempts = [size, size, _smaller(size, self.size_multiple)]
        for attempt, current in enumerate(attempts):
            try:
                return self.render(prompt, seed, current, guide)
            except torch.OutOfMemoryError as error:
                logger.warning("Out of GPU memory at %sx%s (attempt %d): %s", *current, attempt + 1, error)
                _free_gpu_memory()
                if attempt == 0 and hasattr(self._pipeline, "enable_attention_slicing"):
                    self._pipeline.enable_attention_slicing()
        raise ImageModelError("Out of GPU memory even at a smaller size.")

    def _image_to_image(self) -> Any:
        if self._img2img is None:
            from diffusers import AutoPipelineForImage2Image

            # from_pipe shares the loaded weights: no second copy of the model in memory.
            self._img2img = AutoPipelineForImage2Image.from_pipe(self.load())
        return self._img2img


def _load_pipeline(model: str, device: str) -> Any:
    check_model_source(model)
    import torch
    from diffusers import AutoPipelineForText2Image

    target = pick_device(device or "auto")
    dtype = torch.float16 if target.startswith("cuda") else torch.float32
    local = Path(model).expanduser()
    try:
        pipeline = AutoPipelineForText2Image.from_pretrained(str(local) if local.exists() else model, torch_dtype=dtype)
    except Exception as error:  # offline hub, wrong folder, a model that is not text-to-image
        raise ImageModelError(f"Could not load the image model {model!r}: {error}") from error
    pipeline.set_progress_bar_config(disable=True)
    logger.info("Loaded image model %s on %s (%s).", model, target, dtype)
    return pipeline.to(target)


def _smaller(size: tuple[int, int], multiple: int) -> tuple[int, int]:
    return tuple(max(multiple, int(side * 0.7071) // multiple * multiple) for side in size)  # type: ignore[return-value]


def _free_gpu_memory() -> None:
    import gc

    import torch

    gc.collect()
    if torch.cuda.is_available():
        torch.cuda.empty_cache()

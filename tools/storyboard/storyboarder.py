"""``Storyboarder``: scene -> shot list -> one frame per shot -> sheet, PDF, CSV and JSON in one folder."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PIL import Image

from tools.storyboard.board import SKETCH_MODEL, Storyboard
from tools.storyboard.camera import CLOSE_SIZES
from tools.storyboard.coverage import stable_seed
from tools.storyboard.diffusion import (
    DiffusionOptions,
    DiffusionRenderer,
    ImageModelError,
    build_prompt,
    check_model_source,
    default_image_model,
)
from tools.storyboard.files import now_iso, provenance, safe_slug, save_png
from tools.storyboard.overlay import annotate_frame
from tools.storyboard.planner import Plan, plan_shots
from tools.storyboard.previs import export_previs
from tools.storyboard.schema import DEFAULT_LENS_MM, MAX_SHOTS, Bible, Shot
from tools.storyboard.sheet import SheetHeader, compose_panel, compose_sheet, save_pdf, sheet_columns, write_csv
from tools.storyboard.sketch import frame_size, parse_aspect, render_sketch

if TYPE_CHECKING:
    from langchain_core.language_models import BaseChatModel

    from knowledge.settings import Settings

logger = logging.getLogger(__name__)

DEFAULT_SHOTS = 6
MAX_SCENE_CHARS = 2000


class StoryboardInputError(ValueError):
    """A request the storyboard cannot work from (empty scene, unknown shot number...); the message says why."""


@dataclass(frozen=True)
class Seeds:
    scene: int
    characters: dict[str, int]

    def for_shot(self, shot: Shot, bible: Bible) -> int:
        """A revision's own seed, else the character's seed for a close shot of one character, else the scene's."""
        if shot.seed is not None:
            return shot.seed
        named = [c.name for c in bible.characters if any(c.name.lower() in s.lower() for s in shot.subjects)]
        if shot.size in CLOSE_SIZES and len(named) == 1:
            return self.characters[named[0]]
        return self.scene


class Storyboarder:
    """Makes and revises storyboards. The chat model, the image model and the pipelines are all optional:
    without a chat model the shot list comes from the coverage pattern, without an image model the frames are
    blocking sketches.
    """

    def __init__(self, llm: BaseChatModel | None = None, settings: Settings | None = None, *, use_llm: bool = True,
                 image_model: str | None = None, pipeline: Any = None, img2img_pipeline: Any = None,
                 diffusion: DiffusionOptions | None = None, long_side: int = 768) -> None:
        if settings is None:  # the convenience default only: the assistant, the CLI and the tools pass theirs
            from knowledge.settings import Settings

            settings = Settings.from_env()
        self.settings = settings
        self._llm, self.use_llm, self.long_side = llm, use_llm, long_side
        self._image_model = image_model if image_model is not None else self.settings.image_model
        self._pipeline, self._img2img, self._diffusion_options = pipeline, img2img_pipeline, diffusion
        self._renderer: DiffusionRenderer | None = None
        self._renderer_error: str | None = None
        # A model that failed while drawing (out of memory...) gets another chance on the next storyboard.
        self._retry_renderer: DiffusionRenderer | None = None

    @property
    def llm(self) -> BaseChatModel | None:
        """The chat model that plans shots; None (no model given, or ``use_llm=False``): the coverage pattern."""
        return self._llm if self.use_llm else None

    # -- making a storyboard ------------------------------------------------------------------------------
    def create(self, scene: str, shots: int = DEFAULT_SHOTS, aspect: str = "16:9", style: str | None = None,
               seed: int | None = None, out_dir: str | Path | None = None, *, cues: Sequence[str] = (),
               dialogue: Sequence[str] = (), heading: str = "", animatic: bool = True) -> Storyboard:
        """A board of ``scene``. From a screenplay: ``cues`` (its speakers), ``dialogue`` ("ANA: Get down!",
        spread over the shots in order) and ``heading``; ``animatic=False`` skips the MP4/GIF."""
        notices: list[str] = []
        scene, count, aspect_name = self._check_request(scene, shots, aspect, notices)
        if self._retry_renderer is not None:
            self._renderer, self._renderer_error, self._retry_renderer = self._retry_renderer, None, None
        started = time.perf_counter()
        plan = plan_shots(self.llm if self.use_llm else None, scene, count, style, cues=tuple(cues))
        plan.shot_list.shots = with_dialogue(plan.shot_list.shots, list(dialogue))
        # Only a model that was asked can have failed; with no model the text's plan is the intended one.
        if plan.source == "fallback":
            notices.append("The chat model gave no usable shot list; the shots follow a standard coverage pattern.")
        elif plan.fallback_used:
            notices.append(f"{plan.fallback_shots} shot(s) were added from a standard coverage pattern.")
        scene_seed = seed if seed is not None else stable_seed(scene)
        characters = plan.shot_list.bible.characters
        seeds = Seeds(scene_seed, {c.name: stable_seed(scene_seed, c.name) for c in characters})
        board = _new_board(scene, plan, aspect_name, seeds, self._out_dir(scene, out_dir), style, notices)
        board.heading, board.speakers = heading, list(cues)
        frames_started = time.perf_counter()
        renderer = self._diffusion_renderer(notices)
        for shot in board.shots:
            # self._renderer, not the local: a model that failed on one frame is not tried on the next.
            path, used, frame_seed, prompt = self._make_frame(board, shot, seeds, self._renderer, board.out_dir,
                                                              notices)
            board.frames.append(path)
            board.frame_renderers.append(used)
            board.frame_seeds.append(frame_seed)
            board.prompts.append(prompt)
        board.image_model = renderer.model if renderer and "diffusion" in board.frame_renderers else ""
        board.timings["frames_s"] = time.perf_counter() - frames_started
        self._export(board)
        previs_started = time.perf_counter()
        export_previs(board, self.long_side, animatic)
        board.timings["previs_s"] = time.perf_counter() - previs_started
        board.timings["total_s"] = time.perf_counter() - started
        self._write_json(board)
        return board

    def revise(self, board: Storyboard | str | Path, number: int, *, prompt: str | None = None,
               action: str | None = None, size: str | None = None, angle: str | None = None,
               lens_mm: int | None = None, movement: str | None = None, seed: int | None = None) -> Storyboard:
        """Redraw shot ``number`` with changes; the other frames stay as they are (files untouched)."""
        board = board if isinstance(board, Storyboard) else Storyboard.load(board)
        if not 1 <= number <= len(board.shots):
            raise StoryboardInputError(f"There is no shot {number}; the storyboard has shots 1-{len(board.shots)}.")
        old = board.shots[number - 1]
        changes = {k: v for k, v in {"prompt": prompt, "action": action, "size": size, "angle": angle,
                                     "lens_mm": lens_mm, "movement": movement, "seed": seed}.items() if v is not None}
        if size is not None and lens_mm is None:
            changes["lens_mm"] = DEFAULT_LENS_MM.get(str(size).upper(), old.lens_mm)
        try:
            shot = Shot.model_validate({**old.model_dump(), **changes})
        except ValueError as error:
            raise StoryboardInputError(f"Cannot revise shot {number}: {error}") from error
        seeds = Seeds(board.seed, board.character_seeds)
        notices: list[str] = []
        index = number - 1
        path, used, frame_seed, image_prompt = self._make_frame(board, shot, seeds, self._diffusion_renderer(notices),
                                                                board.out_dir, notices, revision=True)
        board = replace(board, shots=_replaced(board.shots, index, shot), frames=_replaced(board.frames, index, path),
                        frame_renderers=_replaced(board.frame_renderers, index, used),
                        frame_seeds=_replaced(board.frame_seeds, index, frame_seed),
                        prompts=_replaced(board.prompts, index, image_prompt), notices=board.notices + notices)
        self._export(board)
        export_previs(board, self.long_side, board.animatic_mp4 is not None or board.animatic_gif is not None)
        self._write_json(board)
        return board

    # -- checks -------------------------------------------------------------------------------------------
    @staticmethod
    def _check_request(scene: str, shots: int, aspect: str, notices: list[str]) -> tuple[str, int, str]:
        scene = " ".join(str(scene or "").split())
        if not scene:
            raise StoryboardInputError("The scene is empty: describe what happens, e.g. \"a chase across Tokyo "
                                       "rooftops at night\".")
        if len(scene) > MAX_SCENE_CHARS:
            cut = scene[:MAX_SCENE_CHARS].rsplit(" ", 1)[0]
            notices.append(f"The scene was {len(scene):,} characters; only the first {len(cut):,} were used.")
            scene = cut
        try:
            count = int(shots)
        except (TypeError, ValueError) as error:
            raise StoryboardInputError(f"shots must be a whole number, not {shots!r}.") from error
        if count < 1:
            raise StoryboardInputError(f"shots must be at least 1, not {count}.")
        if count > MAX_SHOTS:
            notices.append(f"{count} shots were asked for; a storyboard holds at most {MAX_SHOTS}, so it has "
                           f"{MAX_SHOTS}.")
            count = MAX_SHOTS
        try:
            aspect_name, _ = parse_aspect(aspect)
        except ValueError as error:
            raise StoryboardInputError(str(error)) from error
        return scene, count, aspect_name

    def _out_dir(self, scene: str, out_dir: str | Path | None) -> Path:
        if out_dir is not None:
            folder = Path(out_dir).expanduser()
        else:
            stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
            base = self.settings.data_dir / "storyboards" / f"{safe_slug(scene)}-{stamp}"
            folder, n = base, 2
            while folder.exists():
                folder, n = base.with_name(f"{base.name}-{n}"), n + 1
        (folder / "frames").mkdir(parents=True, exist_ok=True)
        return folder

    # -- frames -------------------------------------------------------------------------------------------
    def _diffusion_renderer(self, notices: list[str]) -> DiffusionRenderer | None:
        """The image model, if one is configured and usable; otherwise None and a notice saying why."""
        if self._renderer is not None or self._renderer_error:
            if self._renderer_error and self._renderer_error not in notices:
                notices.append(self._renderer_error)
            return self._renderer
        model = "" if self._pipeline is not None else default_image_model(self._image_model, self.settings.device)
        if not model and self._pipeline is None:
            return None
        try:
            if model:
                check_model_source(model)
            self._renderer = DiffusionRenderer(model, self.settings.device, pipeline=self._pipeline,
                                               img2img=self._img2img, options=self._diffusion_options)
        except ImageModelError as error:
            self._disable_diffusion(str(error), notices)
        return self._renderer

    def _disable_diffusion(self, reason: str, notices: list[str]) -> None:
        logger.error("Image model unavailable, drawing blocking sketches instead: %s", reason)
        self._renderer = None
        self._renderer_error = f"Frames are blocking sketches: {reason}"
        notices.append(self._renderer_error)

    def _make_frame(self, board: Storyboard, shot: Shot, seeds: Seeds, renderer: DiffusionRenderer | None,
                    folder: Path, notices: list[str], revision: bool = False) -> tuple[Path, str, int, str]:
        prompt, frame_seed = build_prompt(shot, board.bible), seeds.for_shot(shot, board.bible)
        art, used = None, "sketch"
        if renderer is not None:
            try:
                art, used = self._diffuse(renderer, shot, board, prompt, frame_seed, seeds.scene), "diffusion"
            except Exception as error:  # out of memory, a broken pipeline: this and later frames are sketches
                self._disable_diffusion(f"the image model failed ({error})", notices)
                self._retry_renderer = renderer
        if art is None:
            art = render_sketch(_for_drawing(shot), board.bible, board.aspect, self.long_side, seed=seeds.scene)
        path = _frame_path(folder, shot.number, revision)
        model = renderer.model if used == "diffusion" and renderer else SKETCH_MODEL
        metadata = provenance(model=model, seed=frame_seed, prompt=prompt, ai_generated=used == "diffusion",
                              extra={"renderer": used, "shot": json.dumps(shot.model_dump(), ensure_ascii=False),
                                     "scene": board.scene[:500]})
        save_png(compose_panel(art, shot), path, metadata)
        return path, used, frame_seed, prompt

    def _diffuse(self, renderer: DiffusionRenderer, shot: Shot, board: Storyboard, prompt: str, frame_seed: int,
                 scene_seed: int) -> Image.Image:
        options = renderer.options
        size = frame_size(board.aspect, options.long_side, renderer.size_multiple)
        guide = render_sketch(_for_drawing(shot), board.bible, board.aspect, options.long_side, annotate=False,
                              seed=scene_seed)
        image = renderer.render_with_retries(prompt, frame_seed, size, guide).convert("RGB")
        art = image.resize(frame_size(board.aspect, self.long_side), Image.Resampling.LANCZOS)
        annotate_frame(art, shot, [])
        return art

    # -- exports ------------------------------------------------------------------------------------------
    def _export(self, board: Storyboard) -> None:
        panels = []
        for path in board.frames:
            with Image.open(path) as frame:
                panels.append(frame.convert("RGB"))
        header = _header(board)
        sheet = compose_sheet(panels, header, sheet_columns(*panels[0].size, len(panels)))
        metadata = provenance(model=board.image_model or SKETCH_MODEL, seed=board.seed, prompt=board.scene[:2000],
                              ai_generated="diffusion" in board.frame_renderers)
        save_png(sheet, board.sheet_png, metadata)
        board.pdf_pages = save_pdf(panels, header, board.sheet_pdf)
        write_csv(board.shots, board.frames, board.shot_list_csv)

    @staticmethod
    def _write_json(board: Storyboard) -> None:
        board.shot_list_json.write_text(json.dumps(board.to_json(), ensure_ascii=False, indent=2), encoding="utf-8")


def _new_board(scene: str, plan: Plan, aspect: str, seeds: Seeds, folder: Path, style: str | None,
               notices: list[str]) -> Storyboard:
    """A storyboard with its plan and file names, before any frame is drawn."""
    slug = safe_slug(scene)
    return Storyboard(
        scene=scene, bible=plan.shot_list.bible, shots=plan.shot_list.shots, aspect=aspect, seed=seeds.scene,
        character_seeds=seeds.characters, out_dir=folder, frames=[], frame_renderers=[], frame_seeds=[], prompts=[],
        image_model="", sheet_png=folder / f"{slug}_sheet.png", sheet_pdf=folder / f"{slug}_storyboard.pdf",
        shot_list_csv=folder / f"{slug}_shots.csv", shot_list_json=folder / f"{slug}_shots.json",
        source=plan.source, fallback_shots=plan.fallback_shots, repairs=plan.repairs, notices=notices,
        created_at=now_iso(), style=style, timings={"plan_s": plan.seconds, "plan_tokens": plan.output_tokens},
    )


def _header(board: Storyboard) -> SheetHeader:
    bible = board.bible
    cast = "; ".join(f"{c.name}: {c.look}" for c in bible.characters)
    where = " · ".join(p for p in (bible.location, bible.time_of_day, bible.lighting, bible.palette) if p)
    subtitle = f"{len(board.shots)} shots · {board.total_seconds:g} s · {board.aspect} · {where}"
    if cast:
        subtitle += f" · {cast}"
    drawn = (f"AI-generated frames ({board.image_model})" if board.renderer == "diffusion"
             else "blocking sketches drawn procedurally, no image model")
    footer = (f"{drawn} · shot list: {plan_origin(board.source)} · seed {board.seed} · {board.created_at[:10]} · "
              f"style: {bible.style}")
    return SheetHeader(title=board.scene[:1].upper() + board.scene[1:], subtitle=subtitle, footer=footer)


def plan_origin(source: str) -> str:
    """Where the shot list came from, in words for the sheet ("text" and "fallback" are both the text's plan)."""
    return {"llm": "written by the chat model", "repaired": "the chat model's, checked against the scene text"}.get(
        source, "from the scene text")


def _for_drawing(shot: Shot) -> Shot:
    """The shot as the sketch sees it: a revision's prompt adds to the action (say, "rain" or "fire")."""
    return shot.model_copy(update={"action": f"{shot.action} {shot.prompt}"}) if shot.prompt else shot


def with_dialogue(shots: list[Shot], lines: list[str]) -> list[Shot]:
    """The scene's lines spread over its shots in order, skipping the establishing shot and inserts where
    there are enough other shots. The text wins: a shot carrying a line shows its speaker (a close shot becomes
    the speaker's single), and the first line also becomes the shot's sound."""
    if not lines:
        return shots
    talking = [i for i, s in enumerate(shots) if s.size not in ("ELS", "ECU")] or list(range(len(shots)))
    per_shot: dict[int, list[str]] = {}
    for k, line in enumerate(lines):
        per_shot.setdefault(talking[min(k * len(talking) // len(lines), len(talking) - 1)], []).append(line)
    return [_speaking(s, per_shot[i]) if i in per_shot else s for i, s in enumerate(shots)]


def _speaking(shot: Shot, lines: list[str]) -> Shot:
    speaker, _, text = lines[0].partition(": ")
    update: dict[str, Any] = {"dialogue": lines, "sound": shot.sound or lines[0][:120]}
    if shot.size in CLOSE_SIZES and speaker:
        update.update(subjects=[speaker], action=f"{speaker}: \"{text[:150]}\"")
    elif speaker and speaker not in shot.subjects:
        update["subjects"] = [speaker, *shot.subjects][:4]
    return shot.model_copy(update=update)


def _frame_path(folder: Path, number: int, revision: bool) -> Path:
    path = folder / "frames" / f"shot_{number:02d}.png"
    n = 2
    while revision and path.exists():
        path = folder / "frames" / f"shot_{number:02d}_r{n}.png"
        n += 1
    return path


def _replaced(items: list, index: int, value: Any) -> list:
    return [value if i == index else item for i, item in enumerate(items)]

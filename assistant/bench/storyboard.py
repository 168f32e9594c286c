"""Storyboard benchmark: 10 varied scenes through the real chat model and the sketch renderer.

- valid_without_fallback: share of shot lists the model wrote that needed no coverage-pattern shots
  (``valid_as_written`` is the stricter share that needed no repair at all);
- size_variety: distinct shot sizes per list, averaged (7 is the most there are);
- sketch_frame_s: seconds to draw, caption and save one sketch frame (median and p95 over every shot);
- storyboard_6_s: seconds for a 6-shot storyboard end to end (plan, frames, sheet, PDF, CSV, JSON), with the
  chat model already loaded and its grammar compiled by a warm-up run;
- diffusion_frame_s: seconds per image-model frame, only when a GPU and an image model are present;
- model_load_s (``model_load.py``): a cold load of the embedded model and its first token, quantizing at load
  vs. reading the int8 cache;
- previs (``storyboard_previs.py``): scene truth on 24 labelled scenes (tune / held-out) for the text plan, the
  model after repair and the model as written; animatic seconds; a 3-scene Fountain script; continuity cases.

``limit`` caps the model's scenes (the 10 timing scenes, and the labelled scenes per split).
"""

from __future__ import annotations

import logging
import os
import statistics
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from knowledge.settings import Settings

logger = logging.getLogger(__name__)

SCENES = (
    "a building collapses on a Buenos Aires street at night while survivors run",
    "Ana opens a letter in her kitchen at dawn and starts to cry",
    "two detectives interrogate a nervous suspect in a cramped police station room",
    "a chase across Tokyo rooftops at night in the rain",
    "a lone astronaut repairs an antenna on Mars as a dust storm approaches",
    "a wedding toast goes wrong when the best man reveals a secret",
    "a cowboy rides into a deserted desert town at high noon",
    "children fly kites on a windy beach at sunset while their grandfather watches",
    "a hacker races to stop a countdown in a dark server room while guards close in",
    "a first date at a busy diner turns awkward when her ex walks in",
)
SHOTS = 6
TARGET_SKETCH_S = 0.1
TARGET_STORYBOARD_S = 30.0


@dataclass
class StoryboardBenchResult:
    rows: list[dict] = field(default_factory=list)
    sketch_frame_s: list[float] = field(default_factory=list)
    diffusion_frame_s: list[float] = field(default_factory=list)
    warmup_s: float = 0.0
    model: str = ""
    load_average: tuple[float, float, float] | None = None
    previs: dict = field(default_factory=dict)

    def summary(self) -> dict:
        storyboard = [r["seconds"] for r in self.rows]
        sketch_median = _round(statistics.median(self.sketch_frame_s)) if self.sketch_frame_s else None
        board_median = _round(statistics.median(storyboard)) if storyboard else None
        return {
            "scenes": len(self.rows),
            "valid_without_fallback": _share(r["fallback_shots"] == 0 for r in self.rows),
            "valid_as_written": _share(r["source"] == "llm" for r in self.rows),
            "size_variety": _round(statistics.mean(r["distinct_sizes"] for r in self.rows)) if self.rows else None,
            "sketch_frame_s": {"median": sketch_median, "p95": _p95(self.sketch_frame_s),
                               "target": TARGET_SKETCH_S,
                               "met": sketch_median is not None and sketch_median <= TARGET_SKETCH_S},
            "storyboard_6_s": {"median": board_median, "max": _round(max(storyboard)) if storyboard else None,
                               "plan_median": _round(statistics.median(r["plan_s"] for r in self.rows))
                               if self.rows else None,
                               "plan_tokens_per_s": _round(sum(r["tokens"] for r in self.rows)
                                                           / max(sum(r["plan_s"] for r in self.rows), 1e-9)),
                               "target": TARGET_STORYBOARD_S,
                               "met": board_median is not None and board_median <= TARGET_STORYBOARD_S},
            "diffusion_frame_s": _round(statistics.median(self.diffusion_frame_s)) if self.diffusion_frame_s
            else "n/a (no GPU and image model)",
            "warmup_s": _round(self.warmup_s),
            "chat_model": self.model,
            "load_average": self.load_average,
            **self.previs,
        }

    def report(self) -> str:
        lines = [f"{'scene':60s} {'source':9s} {'fill':>4s} {'sizes':>5s} {'plan s':>7s} {'total s':>8s}"]
        lines += [f"{r['scene'][:60]:60s} {r['source']:9s} {r['fallback_shots']:4d} {r['distinct_sizes']:5d} "
                  f"{r['plan_s']:7.1f} {r['seconds']:8.1f}" for r in self.rows]
        s = self.summary()
        sketch, board = s["sketch_frame_s"], s["storyboard_6_s"]
        lines += [
            "",
            f"shot lists without fallback: {s['valid_without_fallback']:.0%}   valid as written: "
            f"{s['valid_as_written']:.0%}   shot-size variety: {s['size_variety']} sizes per {SHOTS} shots",
            f"sketch frame: median {sketch['median']} s, p95 {sketch['p95']} s "
            f"(target <= {TARGET_SKETCH_S} s: {'met' if sketch['met'] else 'NOT met'})",
            f"6-shot storyboard: median {board['median']} s, max {board['max']} s, planning median "
            f"{board['plan_median']} s at {board['plan_tokens_per_s']} tokens/s "
            f"(target <= {TARGET_STORYBOARD_S:g} s: {'met' if board['met'] else 'NOT met'})",
            f"diffusion frame: {s['diffusion_frame_s']}",
            f"chat model: {s['chat_model']} (warm-up {s['warmup_s']} s, excluded); load average {s['load_average']}",
        ]
        return "\n".join(lines + _previs_lines(self.previs))


def _previs_lines(previs: dict) -> list[str]:
    if not previs:
        return []
    lines = ["", "scene truth (subjects match / all characters / time / event drawn / boards with invented names "
             "-> truth):"]
    for variant, splits in previs["scene_truth"].items():
        if variant == "model_plan":
            lines.append(f"  model plans: {splits['plans']}, mean {splits['mean_s']} s, {splits['mean_tokens']} tokens")
            continue
        for split, v in splits.items():
            lines.append(f"  {variant:17s} {split:8s} n={v['boards']:2d}  {v.get('subjects_match')} / "
                         f"{v.get('all_characters')} / {v.get('time_correct')} / {v.get('event_drawn')} / "
                         f"{v.get('boards_with_placeholders')} -> {v.get('truth')}")
    anim = previs["animatic_6_shots"]
    lines.append(f"animatic of 6 shots ({anim['video_s']} s of video): {anim['seconds']} s "
                 f"(target <= {anim['target']:g} s: {'met' if anim['met'] else 'NOT met'})")
    for variant, v in previs["script_3_scenes"].items():
        lines.append(f"3-scene Fountain script, {variant} plan: {v['seconds']} s "
                     f"(target <= {v['target']:g} s: {'met' if v['met'] else 'NOT met'})")
    lines += _model_load_lines(previs.get("model_load_s") or {})
    cont = previs["continuity"]
    lines.append(f"continuity cases: {sum(r['ok'] for r in cont['cases'])}/{len(cont['cases'])} as expected "
                 f"({'all found' if cont['all_found'] else 'NOT all found'})")
    return lines


def _model_load_lines(load: dict) -> list[str]:
    if "from_int8_cache" not in load:
        return [f"model load: {load.get('skipped', 'n/a')}"] if load else []
    lines = [f"model load, {name.replace('_', ' ')}: {v['load_s']} s, first token {v['first_token_s']} s"
             for name, v in load.items() if isinstance(v, dict)]
    return lines


def run(settings: Settings, limit: int | None = None) -> StoryboardBenchResult:
    from assistant.bench import storyboard_previs as previs
    from assistant.bench.model_load import model_load_seconds
    from assistant.llm import resolve_llm
    from tools.storyboard import Storyboarder, plan_shots

    result = StoryboardBenchResult()
    model_load = model_load_seconds(settings)  # before anything else holds the weights
    llm = resolve_llm(settings)
    result.model = getattr(llm, "model_name", "") or type(llm).__name__
    started = time.perf_counter()
    plan_shots(llm, "a woman waits for a train on an empty platform", SHOTS)  # loads the model, compiles the grammar
    result.warmup_s = time.perf_counter() - started
    logger.info("warm-up (model load and grammar compile): %.1f s", result.warmup_s)
    with tempfile.TemporaryDirectory(prefix="marquee-bench-storyboard-") as tmp:
        storyboarder = Storyboarder(llm, settings)
        for index, scene in enumerate(SCENES[:limit]):
            started = time.perf_counter()
            board = storyboarder.create(scene, shots=SHOTS, out_dir=Path(tmp) / f"scene-{index}")
            seconds = time.perf_counter() - started
            result.rows.append({"scene": scene, "source": board.source, "fallback_shots": board.fallback_shots,
                                "distinct_sizes": len({s.size for s in board.shots}),
                                "plan_s": board.timings["plan_s"], "tokens": board.timings.get("plan_tokens", 0),
                                "seconds": seconds})
            logger.info("scene %d: %s, %.1f s (plan %.1f s, %d tokens)", index + 1, board.source, seconds,
                        board.timings["plan_s"], result.rows[-1]["tokens"])
            if board.renderer == "diffusion":
                result.diffusion_frame_s.append(board.timings["frames_s"] / len(board.shots))
            _time_sketches(result, board, Path(tmp) / f"sketch-{index}")
    result.previs = {"scene_truth": previs.scene_truth(llm, limit),
                     "animatic_6_shots": previs.animatic_seconds(settings),
                     "script_3_scenes": previs.script_end_to_end(settings, llm),
                     "continuity": previs.continuity_cases(), "model_load_s": model_load}
    result.load_average = os.getloadavg() if hasattr(os, "getloadavg") else None
    return result


def _time_sketches(result: StoryboardBenchResult, board, folder: Path) -> None:
    """Draw, caption and save each shot's sketch on its own (the frame work a sketch-only storyboard does)."""
    from tools.storyboard.files import provenance, save_png
    from tools.storyboard.sheet import compose_panel
    from tools.storyboard.sketch import render_sketch

    for shot in board.shots:
        started = time.perf_counter()
        art = render_sketch(shot, board.bible, board.aspect, seed=board.seed)
        metadata = provenance(model="sketch", seed=board.seed, prompt=shot.action, ai_generated=False)
        save_png(compose_panel(art, shot), folder / f"shot_{shot.number:02d}.png", metadata)
        result.sketch_frame_s.append(time.perf_counter() - started)


def _share(flags) -> float:
    values = list(flags)
    return round(sum(values) / len(values), 3) if values else 0.0


def _p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return _round(ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))])


def _round(value: float) -> float:
    return round(float(value), 3)

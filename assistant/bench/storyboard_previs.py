"""Previs figures for ``bench storyboard``: scene truth with and without the chat model, animatic seconds, a
3-scene Fountain script end to end, and continuity findings on shot lists built to break the 180° rule.

Variants for scene truth, measured in the same run:
- text: the plan derived from the text (the default on a CPU with the embedded model);
- model: the chat model's shot list after repair, where the text wins (what ``--llm`` gives);
- model_as_written: the model's shot list as it wrote it, before any repair: what the previous pipeline kept
  (its repair kept the model's characters and subjects), the baseline. A model decoding in this process writes
  the compact list (no bible: ``planner.wants_compact``), so its time of day and characters score as missing.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from tqdm.auto import tqdm

from assistant.bench.storyboard_truth import labelled_scenes, score_plan, summarize, truth_score

SHOTS = 6
SCRIPT_FILE = Path(__file__).with_name("storyboard_script.fountain")
TARGET_ANIMATIC_S = 10.0
TARGET_SCRIPT_S = 90.0


def scene_truth(llm: Any, limit: int | None) -> dict[str, Any]:
    """Scores per variant and split; the model variants run on the first ``limit`` scenes of each split."""
    from tools.storyboard import plan_shots, repair_shot_list
    from tools.storyboard.planner import ask_model, wants_compact

    rows: dict[str, dict[str, list]] = {}
    asked: list[tuple[float, int]] = []  # (seconds, tokens) of each model plan
    scenes = labelled_scenes()
    counts = {"tune": 0, "heldout": 0}
    for label in tqdm(scenes, desc="Scene truth", unit="scene"):
        split = label["split"]
        text_plan = plan_shots(None, label["text"], SHOTS).shot_list.model_dump()
        _add(rows, "text", split, score_plan(label, text_plan["bible"], text_plan["shots"]))
        if llm is None or (limit is not None and counts[split] >= limit):
            continue
        counts[split] += 1
        compact = wants_compact(llm)
        started = time.perf_counter()
        raw, tokens = ask_model(llm, label["text"], SHOTS, None, compact)
        asked.append((time.perf_counter() - started, tokens))
        raw = raw if isinstance(raw, dict) else {}
        shots = [s for s in raw.get("shots") or [] if isinstance(s, dict)]
        bible = raw.get("bible") if isinstance(raw.get("bible"), dict) else {}
        _add(rows, "model_as_written", split, score_plan(label, bible, shots))
        repaired = repair_shot_list(raw, label["text"], SHOTS, compact=compact).shot_list.model_dump()
        _add(rows, "model", split, score_plan(label, repaired["bible"], repaired["shots"]))
    out: dict[str, Any] = {}
    for variant, splits in rows.items():
        out[variant] = {split: {**summarize(r), "truth": truth_score(summarize(r))} for split, r in splits.items()}
    if asked:
        out["model_plan"] = {"plans": len(asked), "mean_s": round(sum(s for s, _ in asked) / len(asked), 1),
                             "mean_tokens": round(sum(t for _, t in asked) / len(asked))}
    return out


def _add(rows: dict, variant: str, split: str, score: dict) -> None:
    rows.setdefault(variant, {}).setdefault(split, []).append(score)


def animatic_seconds(settings: Any) -> dict[str, Any]:
    """Seconds to write the MP4, GIF and SRT of a 6-shot board (its frames already drawn)."""
    from tools.storyboard import Storyboarder
    from tools.storyboard.animatic import write_animatic
    from tools.storyboard.sketch import frame_size

    with tempfile.TemporaryDirectory(prefix="marquee-bench-animatic-") as tmp:
        board = Storyboarder(settings=settings, use_llm=False).create(
            labelled_scenes()[0]["text"], shots=SHOTS, out_dir=Path(tmp), animatic=False)
        started = time.perf_counter()
        files = write_animatic(board.frames, board.shots, frame_size(board.aspect, 768)[1], Path(tmp) / "anim")
        seconds = time.perf_counter() - started
    return {"seconds": round(seconds, 2), "video_s": board.total_seconds, "mp4": files.mp4 is not None,
            "target": TARGET_ANIMATIC_S, "met": seconds <= TARGET_ANIMATIC_S}


def script_end_to_end(settings: Any, llm: Any) -> dict[str, Any]:
    """The 3-scene Fountain script through boards, animatics, plans and timelines, with and without the model."""
    from tools.storyboard import Storyboarder, storyboard_script

    out = {}
    for variant, model in (("text", None), ("model", llm)):
        if variant == "model" and llm is None:
            continue
        with tempfile.TemporaryDirectory(prefix="marquee-bench-script-") as tmp:
            storyboarder = Storyboarder(model, settings, use_llm=model is not None)
            started = time.perf_counter()
            result = storyboard_script(storyboarder, SCRIPT_FILE, shots=SHOTS, out_dir=Path(tmp))
            seconds = time.perf_counter() - started
        out[variant] = {"scenes": len(result.boards), "seconds": round(seconds, 1), "target": TARGET_SCRIPT_S,
                        "met": seconds <= TARGET_SCRIPT_S}
    return out


def continuity_cases() -> dict[str, Any]:
    """Shot lists built to break the rules, each with the findings it must produce."""
    from tools.storyboard.continuity import check_continuity
    from tools.storyboard.schema import Bible, Character, Shot

    def shot(n, size="MS", side="A", direction="", subjects=("Ana",), angle="eye", action="Ana talks"):
        return Shot(number=n, size=size, angle=angle, lens_mm=35, movement="static", subjects=list(subjects),
                    action=action, duration_s=3, side=side, direction=direction)

    bible = Bible(characters=[Character(name="Ana"), Character(name="Tomas")])
    talk = ["Ana", "Tomas"]
    cases = [
        ("reverse from across the line", [shot(1, "LS"), shot(2, "CU"), shot(3, "CU", "B", subjects=("Tomas",))],
         talk, [], {"line_cross"}),
        ("chase flips direction", [shot(1, "LS", direction="right"), shot(2, "MS", direction="left"),
                                   shot(3, "MS", direction="left")], [], [], {"direction_flip"}),
        ("crossing and back", [shot(1, "ELS"), shot(2, "MS", "B"), shot(3, "MS", "A")], [], [],
         {"line_cross"}),
        ("dialogue with no master and one single", [shot(1, "MCU", subjects=("Ana", "Tomas")), shot(2, "CU")],
         talk, [], {"no_establishing", "no_reverse"}),
        ("letter never inserted", [shot(1, "LS"), shot(2, "MS", action="Ana reads the letter")], [], ["letter"],
         {"no_insert"}),
        ("legal: crossing through an overhead", [shot(1, "LS"), shot(2, "CU"), shot(3, "LS", angle="overhead"),
                                                 shot(4, "CU", "B", subjects=("Tomas",))], talk, [], set()),
    ]
    rows = []
    for name, shots, speakers, props, expected in cases:
        found = {f.kind for f in check_continuity(shots, bible, speakers, props)}
        rows.append({"case": name, "expected": sorted(expected), "found": sorted(found),
                     "ok": expected <= found and bool(expected or not found)})
    return {"cases": rows, "all_found": all(r["ok"] for r in rows)}

"""A screenplay -> one storyboard per scene (each shot carrying its dialogue lines), in one folder per scene."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tqdm.auto import tqdm

from tools.storyboard.board import Storyboard
from tools.storyboard.files import safe_slug
from tools.storyboard.script import Script, display_name, read_script

if TYPE_CHECKING:
    from tools.storyboard.storyboarder import Storyboarder


@dataclass
class ScriptBoards:
    script: Script
    boards: list[Storyboard]
    out_dir: Path
    notices: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """The CLI's ``--script --json`` output: one entry per scene, with the same keys as one storyboard."""
        return {"title": self.script.title, "scenes": [{"heading": b.heading, **b.to_dict()} for b in self.boards],
                "notices": list(self.notices), "out_dir": str(self.out_dir)}

    def summary(self) -> str:
        lines = [f"{len(self.boards)} scene(s) storyboarded from {self.script.title or 'the script'}:"]
        for board in self.boards:
            lines.append(f"- {board.heading or board.scene[:60]}: {len(board.shots)} shots, sheet {board.sheet_png}")
        lines += [f"Note: {n}" for n in self.notices]
        return "\n".join(lines)


def storyboard_script(storyboarder: Storyboarder, source: str | Path, shots: int = 6, aspect: str = "16:9",
                      out_dir: str | Path | None = None, style: str | None = None,
                      animatic: bool = True) -> ScriptBoards:
    """Every scene of ``source`` (a path or the script's text) as a storyboard. Raises ``ScriptError``."""
    started = time.perf_counter()
    script = read_script(source)
    folder = _folder(storyboarder, script, out_dir)
    boards = []
    for number, scene in enumerate(tqdm(script.scenes, desc="Scenes", unit="scene", disable=len(script.scenes) < 2),
                                   start=1):
        cues = tuple(display_name(c) for c in scene.characters)
        dialogue = [f"{display_name(line.character)}: {line.text}" for line in scene.dialogue]
        slug = safe_slug(scene.heading or scene.text)[:40]
        boards.append(storyboarder.create(scene.text, shots=shots, aspect=aspect, style=style,
                                          out_dir=folder / f"scene_{number:02d}_{slug}", cues=cues,
                                          dialogue=dialogue, heading=scene.heading, animatic=animatic))
    result = ScriptBoards(script, boards, folder, list(script.notices), time.perf_counter() - started)
    (folder / "script_boards.json").write_text(json.dumps(result.to_dict(), ensure_ascii=False, indent=2),
                                              encoding="utf-8")
    return result


def _folder(storyboarder: Storyboarder, script: Script, out_dir: str | Path | None) -> Path:
    if out_dir is not None:
        folder = Path(out_dir).expanduser()
    else:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        folder = storyboarder.settings.data_dir / "storyboards" / f"{safe_slug(script.title or 'script')}-{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    return folder

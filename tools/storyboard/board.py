"""The ``Storyboard`` result: what was made, where the files are, and how to read it back for revisions."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tools.storyboard.schema import Bible, Shot

_PREVIS_FILES = ("animatic_mp4", "animatic_gif", "subtitles_srt", "plan_png", "timeline_otio", "edl")
SKETCH_MODEL = "marquee-blocking-sketch (procedural drawing, no image model)"


@dataclass
class Storyboard:
    """A scene's shot list, one frame per shot, and the exported sheet, PDF, CSV and JSON."""

    scene: str
    bible: Bible
    shots: list[Shot]
    aspect: str
    #: The scene's seed; each character's seed is derived from it (``character_seeds``).
    seed: int
    character_seeds: dict[str, int]
    out_dir: Path
    frames: list[Path]
    #: Per frame: "sketch" or "diffusion" (a frame falls back to a sketch when the image model fails).
    frame_renderers: list[str]
    frame_seeds: list[int]
    prompts: list[str]
    image_model: str
    sheet_png: Path
    sheet_pdf: Path
    shot_list_csv: Path
    shot_list_json: Path
    #: "llm" (valid as written), "repaired", "text" (derived from the scene text, by choice) or "fallback" (the
    #: same plan because the model's list was unusable).
    source: str
    fallback_shots: int = 0
    repairs: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    created_at: str = ""
    style: str | None = None
    pdf_pages: int = 0
    #: Previs files (``previs.py``): None when not made (no ffmpeg: no MP4; no dialogue: no subtitles).
    animatic_mp4: Path | None = None
    animatic_gif: Path | None = None
    subtitles_srt: Path | None = None
    plan_png: Path | None = None
    timeline_otio: Path | None = None
    edl: Path | None = None
    #: Continuity findings: {"kind", "shots", "message"}.
    continuity: list[dict[str, Any]] = field(default_factory=list)
    #: A screenplay scene's heading and speaking characters.
    heading: str = ""
    speakers: list[str] = field(default_factory=list)

    @property
    def renderer(self) -> str:
        """ "diffusion" when an image model drew every frame, else "sketch"."""
        return "diffusion" if self.frame_renderers and set(self.frame_renderers) == {"diffusion"} else "sketch"

    @property
    def fallback_used(self) -> bool:
        """Whether shots came from the coverage pattern because the model fell short; a plan derived from the
        text on purpose (``source == "text"``) is not a fallback."""
        return self.fallback_shots > 0 and self.source != "text"

    @property
    def total_seconds(self) -> float:
        return round(sum(s.duration_s for s in self.shots), 1)

    def to_dict(self) -> dict[str, Any]:
        """The CLI's ``--json`` output (paths as strings)."""
        return {
            "shots": [_shot_dict(s) for s in self.shots],
            "frames": [str(p) for p in self.frames],
            "sheet_png": str(self.sheet_png),
            "sheet_pdf": str(self.sheet_pdf),
            "shot_list_csv": str(self.shot_list_csv),
            "shot_list_json": str(self.shot_list_json),
            "renderer": self.renderer,
            "bible": self.bible.model_dump(),
            "aspect": self.aspect,
            "seed": self.seed,
            "source": self.source,
            "fallback_used": self.fallback_used,
            "notices": list(self.notices),
            "out_dir": str(self.out_dir),
            **{key: str(getattr(self, key)) if getattr(self, key) else None for key in _PREVIS_FILES},
            "continuity": list(self.continuity),
        }

    def to_json(self) -> dict[str, Any]:
        """Everything needed to revise the storyboard later (``Storyboard.load``)."""
        data = self.to_dict()
        data.update(
            scene=self.scene, style=self.style, character_seeds=self.character_seeds,
            frame_renderers=self.frame_renderers, frame_seeds=self.frame_seeds, prompts=self.prompts,
            image_model=self.image_model, fallback_shots=self.fallback_shots, repairs=self.repairs,
            timings={k: round(v, 3) for k, v in self.timings.items()}, created_at=self.created_at,
            pdf_pages=self.pdf_pages, shots=[s.model_dump() for s in self.shots],
            frames=[p.name for p in self.frames], out_dir=".", sheet_png=self.sheet_png.name,
            sheet_pdf=self.sheet_pdf.name, shot_list_csv=self.shot_list_csv.name,
            shot_list_json=self.shot_list_json.name, heading=self.heading, speakers=self.speakers,
            **{key: getattr(self, key).name if getattr(self, key) else None for key in _PREVIS_FILES},
        )
        return data

    @classmethod
    def load(cls, path: str | Path) -> Storyboard:
        """Read a storyboard back from its ``*_shots.json`` (file names there are relative to its folder)."""
        path = Path(path).expanduser()
        data = json.loads(path.read_text(encoding="utf-8"))
        folder = path.parent
        return cls(
            scene=data["scene"], bible=Bible.model_validate(data["bible"]),
            shots=[Shot.model_validate(s) for s in data["shots"]], aspect=data["aspect"], seed=int(data["seed"]),
            character_seeds={k: int(v) for k, v in data.get("character_seeds", {}).items()}, out_dir=folder,
            frames=[folder / "frames" / Path(name).name for name in data["frames"]],
            frame_renderers=list(data.get("frame_renderers", [])), frame_seeds=list(data.get("frame_seeds", [])),
            prompts=list(data.get("prompts", [])), image_model=data.get("image_model", ""),
            sheet_png=folder / Path(data["sheet_png"]).name, sheet_pdf=folder / Path(data["sheet_pdf"]).name,
            shot_list_csv=folder / Path(data["shot_list_csv"]).name, shot_list_json=path,
            source=data.get("source", "llm"), fallback_shots=int(data.get("fallback_shots", 0)),
            repairs=list(data.get("repairs", [])), notices=list(data.get("notices", [])),
            timings=dict(data.get("timings", {})), created_at=data.get("created_at", ""), style=data.get("style"),
            pdf_pages=int(data.get("pdf_pages", 0)), continuity=list(data.get("continuity", [])),
            heading=data.get("heading", ""), speakers=list(data.get("speakers", [])),
            **{key: folder / data[key] if data.get(key) else None for key in _PREVIS_FILES},
        )

    def attachments(self) -> list[dict[str, str]]:
        """Files for a chat UI: the sheet first, the animatic (GIF plays inline), then the PDF and the shot list."""
        motion = [{"path": str(p), "media_type": t, "caption": c} for p, t, c in (
            (self.animatic_gif, "image/gif", "Animatic preview"), (self.animatic_mp4, "video/mp4", "Animatic (MP4)"))
            if p is not None]
        return [
            {"path": str(self.sheet_png), "media_type": "image/png",
             "caption": f"Storyboard: {len(self.shots)} shots, {self.total_seconds:g} s ({self.renderer})"},
            *motion,
            {"path": str(self.sheet_pdf), "media_type": "application/pdf", "caption": "Storyboard PDF"},
            {"path": str(self.shot_list_csv), "media_type": "text/csv", "caption": "Shot list (CSV)"},
        ]

    def summary(self) -> str:
        """A compact shot list a chat model can read and talk about."""
        lines = [f"Storyboard of {len(self.shots)} shots ({self.total_seconds:g} s, {self.aspect}, frames drawn as "
                 f"{'AI images' if self.renderer == 'diffusion' else 'blocking sketches'}):"]
        lines += [f"{s.number}. {s.size} {s.angle} {s.lens_mm}mm {s.movement}, {s.duration_s:g}s: {s.action}"
                  for s in self.shots]
        lines += [f"Continuity: {f['message']}" for f in self.continuity]
        lines += [f"Note: {notice}" for notice in self.notices]
        lines.append(f"Sheet: {self.sheet_png}")
        return "\n".join(lines)


def _shot_dict(shot: Shot) -> dict[str, Any]:
    data = shot.model_dump()
    for key in ("seed", "prompt"):  # revision overrides: only shown when set
        if data.get(key) is None:
            data.pop(key, None)
    return data

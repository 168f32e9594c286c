"""The animatic: each frame held for its shot's duration, its camera move played as motion over the drawing.

MP4 (H.264) through the ffmpeg binary that ``imageio-ffmpeg`` ships in its wheel, a small GIF preview for chat
(Pillow, no ffmpeg needed) and the dialogue as SubRip subtitles. Moves: pan (a window sliding across), tilt (up
or down), dolly (a slow push in), crane (rising while pulling out), handheld (a small seeded shake).
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from tools.storyboard.schema import Shot

FPS = 12
WIDTH = 640
GIF_WIDTH = 320
GIF_FPS = 3


class AnimaticError(RuntimeError):
    """The MP4 could not be written (no ffmpeg); the message says how to fix it. Boards are unaffected."""


@dataclass(frozen=True)
class AnimaticFiles:
    mp4: Path | None
    gif: Path
    srt: Path | None
    frames_per_shot: list[int]
    fps: int
    notice: str = ""


def frame_count(duration_s: float, fps: int = FPS) -> int:
    return max(1, round(duration_s * fps))


def crop_box(movement: str, t: float, size: tuple[int, int], number: int, seed: int) -> tuple[float, ...]:
    """The part of the drawing on screen at ``t`` (0..1) of the shot, for its camera move."""
    w, h = size
    ease = 0.5 - 0.5 * math.cos(math.pi * t)
    if movement == "pan":
        cw, ch = w * 0.82, h * 0.82
        x = (w - cw) * (ease if number % 2 else 1 - ease)
        return x, (h - ch) / 2, x + cw, (h + ch) / 2
    if movement == "tilt":
        cw, ch = w * 0.82, h * 0.82
        y = (h - ch) * (1 - ease)
        return (w - cw) / 2, y, (w + cw) / 2, y + ch
    if movement == "dolly":
        zoom = 1 - 0.2 * ease
        return _centered(w, h, zoom, 0.0)
    if movement == "crane":  # rises and pulls out: starts low and tight, ends on the full frame
        zoom = 0.8 + 0.2 * ease
        return _centered(w, h, zoom, (1 - ease) * 0.08)
    if movement == "handheld":
        rng = random.Random(seed * 1000 + round(t * 1000))
        cw, ch = w * 0.94, h * 0.94
        x = (w - cw) / 2 + rng.uniform(-1, 1) * w * 0.012
        y = (h - ch) / 2 + rng.uniform(-1, 1) * h * 0.012
        return x, y, x + cw, y + ch
    return 0.0, 0.0, float(w), float(h)


def _centered(w: int, h: int, zoom: float, drop: float) -> tuple[float, ...]:
    cw, ch = w * zoom, h * zoom
    x, y = (w - cw) / 2, min(h - ch, (h - ch) / 2 + drop * h)
    return x, y, x + cw, y + ch


def shot_frames(art: Image.Image, band: Image.Image | None, shot: Shot, out_size: tuple[int, int], fps: int,
                seed: int) -> Iterator[Image.Image]:
    """The frames of one shot: the art moving under a fixed caption band (if any)."""
    art_h = out_size[1] - (band.height if band is not None else 0)
    count = frame_count(shot.duration_s, fps)
    for i in range(count):
        t = i / max(1, count - 1)
        box = crop_box(shot.movement, t, art.size, shot.number, seed + shot.number)
        frame = art.resize((out_size[0], art_h), Image.Resampling.BILINEAR, box=box)
        if band is not None:
            canvas = Image.new("RGB", out_size)
            canvas.paste(frame, (0, 0))
            canvas.paste(band, (0, art_h))
            frame = canvas
        yield frame


def split_panel(panel: Image.Image, art_height: int, width: int, captions: bool
                ) -> tuple[Image.Image, Image.Image | None]:
    """A saved panel (drawing + caption band) as the drawing and the band, scaled to ``width``."""
    scale = width / panel.width
    art = panel.crop((0, 0, panel.width, art_height))
    if not captions:
        return art, None
    band = panel.crop((0, art_height, panel.width, panel.height))
    band_h = max(2, round(band.height * scale) // 2 * 2)
    return art, band.resize((width, band_h), Image.Resampling.LANCZOS)


def write_animatic(panels: Sequence[Path], shots: Sequence[Shot], art_height: int, out_base: Path, *,
                   captions: bool = True, seed: int = 0, fps: int = FPS, width: int = WIDTH) -> AnimaticFiles:
    """``<out_base>.mp4``, ``.gif`` and ``.srt`` for the board; the MP4 is skipped with a notice without ffmpeg."""
    parts = []
    for path in panels:
        with Image.open(path) as panel:
            parts.append(split_panel(panel.convert("RGB"), art_height, width, captions))
    art_h = round(art_height * width / Image.open(panels[0]).width) // 2 * 2
    out_size = (width, art_h + (parts[0][1].height if parts[0][1] is not None else 0))
    counts = [frame_count(s.duration_s, fps) for s in shots]
    mp4, notice = out_base.with_suffix(".mp4"), ""
    try:
        _write_mp4(mp4, parts, shots, out_size, fps, seed)
    except AnimaticError as error:
        mp4, notice = None, str(error)
    gif = _write_gif(out_base.with_suffix(".gif"), parts, shots, out_size, seed)
    srt = write_srt(shots, out_base.with_suffix(".srt"))
    return AnimaticFiles(mp4, gif, srt, counts, fps, notice)


def ffmpeg_exe() -> str:
    try:
        import imageio_ffmpeg

        return imageio_ffmpeg.get_ffmpeg_exe()
    except (ImportError, RuntimeError) as error:
        raise AnimaticError(f"No animatic MP4: ffmpeg is missing ({error}). Install it with `pip install "
                            "imageio-ffmpeg` or set IMAGEIO_FFMPEG_EXE; the boards, GIF and subtitles are "
                            "still written.") from error


def _write_mp4(path: Path, parts, shots, out_size, fps: int, seed: int) -> None:
    ffmpeg_exe()
    import imageio_ffmpeg

    writer = imageio_ffmpeg.write_frames(str(path), out_size, fps=fps, codec="libx264", pix_fmt_out="yuv420p",
                                         macro_block_size=2, quality=6, ffmpeg_log_level="error",
                                         output_params=["-preset", "veryfast"])
    writer.send(None)
    try:
        for (art, band), shot in zip(parts, shots, strict=True):
            for frame in shot_frames(art, band, shot, out_size, fps, seed):
                writer.send(frame.tobytes())
    finally:
        writer.close()


def _write_gif(path: Path, parts, shots, out_size, seed: int) -> Path:
    small = (GIF_WIDTH, round(out_size[1] * GIF_WIDTH / out_size[0]))
    frames, durations = [], []
    for (art, band), shot in zip(parts, shots, strict=True):
        for frame in shot_frames(art, band, shot, out_size, GIF_FPS, seed):
            frames.append(frame.resize(small, Image.Resampling.BILINEAR).quantize(colors=64))
            durations.append(round(1000 / GIF_FPS))
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=durations, loop=0, optimize=True)
    return path


def srt_time(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"


def write_srt(shots: Sequence[Shot], path: Path) -> Path | None:
    """One cue per shot that has dialogue (or, without dialogue, a sound), timed to the shot."""
    cues, start = [], 0.0
    for shot in shots:
        end = start + shot.duration_s
        text = "\n".join(shot.dialogue) or (f"[{shot.sound}]" if shot.sound else "")
        if text:
            cues.append(f"{len(cues) + 1}\n{srt_time(start)} --> {srt_time(end)}\n{text}\n")
        start = end
    if not cues:
        return None
    path.write_text("\n".join(cues), encoding="utf-8")
    return path

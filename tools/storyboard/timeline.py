"""The editor's hand-off: an OpenTimelineIO timeline and a CMX3600 EDL, one clip per shot at its duration.

Each clip references its frame file, so an editor (Resolve, Premiere, Avid via OTIO adapters) can cut the
boards as placeholders and swap in footage later.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from tools.storyboard.schema import Shot

FPS = 24


def _frames(seconds: float, fps: int = FPS) -> int:
    return max(1, round(seconds * fps))


def write_otio(shots: Sequence[Shot], frames: Sequence[Path], path: Path, name: str, fps: int = FPS) -> Path:
    import opentimelineio as otio

    timeline = otio.schema.Timeline(name=name)
    track = otio.schema.Track(name="Boards", kind=otio.schema.TrackKind.Video)
    timeline.tracks.append(track)
    for shot, frame in zip(shots, frames, strict=True):
        duration = otio.opentime.RationalTime(_frames(shot.duration_s, fps), fps)
        span = otio.opentime.TimeRange(otio.opentime.RationalTime(0, fps), duration)
        reference = otio.schema.ExternalReference(target_url=Path(frame).resolve().as_uri(), available_range=span)
        clip = otio.schema.Clip(name=f"Shot {shot.number}", media_reference=reference, source_range=span)
        clip.metadata["marquee"] = {"spec": shot.spec, "action": shot.action, "subjects": list(shot.subjects),
                                    "dialogue": list(shot.dialogue), "sound": shot.sound}
        track.append(clip)
    otio.adapters.write_to_file(timeline, str(path))
    return path


def timecode(frames: int, fps: int = FPS, hour: int = 0) -> str:
    seconds, frame = divmod(frames, fps)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    return f"{hours + hour:02d}:{minute:02d}:{second:02d}:{frame:02d}"


def write_edl(shots: Sequence[Shot], frames: Sequence[Path], path: Path, title: str, fps: int = FPS) -> Path:
    """CMX3600: one cut event per shot, record timecode from 01:00:00:00 (the usual programme start)."""
    title = "".join(c for c in title.upper() if c.isalnum() or c in " -_")[:60] or "STORYBOARD"
    lines = [f"TITLE: {title}", "FCM: NON-DROP FRAME", ""]
    record = 0
    for event, (shot, frame) in enumerate(zip(shots, frames, strict=True), start=1):
        length = _frames(shot.duration_s, fps)
        reel = f"SHOT{shot.number:02d}"[:8]
        lines.append(f"{event:03d}  {reel:<8} V     C        {timecode(0, fps)} {timecode(length, fps)} "
                     f"{timecode(record, fps, 1)} {timecode(record + length, fps, 1)}")
        lines.append(f"* FROM CLIP NAME: {Path(frame).name}")
        lines.append(f"* COMMENT: {shot.spec} - {' '.join(shot.action.split())[:70]}")
        lines.append("")
        record += length
    path.write_text("\n".join(lines), encoding="utf-8")
    return path

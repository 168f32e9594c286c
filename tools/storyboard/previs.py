"""The previs exports of a finished board: continuity report, overhead plan, animatic, OTIO timeline and EDL."""

from __future__ import annotations

import logging

from PIL import Image

from tools.storyboard.animatic import AnimaticError, write_animatic
from tools.storyboard.blocking import draw_blocking_plan
from tools.storyboard.board import Storyboard
from tools.storyboard.continuity import check_continuity
from tools.storyboard.draw import ACCENT, INK, PAPER, font, wrap
from tools.storyboard.scene import props_in
from tools.storyboard.sketch import frame_size
from tools.storyboard.timeline import write_edl, write_otio

logger = logging.getLogger(__name__)


def export_previs(board: Storyboard, long_side: int, animatic: bool = True) -> None:
    """Write the previs files next to the sheet and record them (and any notice) on ``board``."""
    stem = board.sheet_png.name.removesuffix("_sheet.png")
    folder = board.out_dir
    findings = check_continuity(board.shots, board.bible, board.speakers, props_in(board.scene))
    board.continuity = [f.to_dict() for f in findings]
    board.plan_png = draw_blocking_plan(board.shots, board.bible, findings, folder / f"{stem}_plan.png",
                                        board.scene)
    _add_plan_to_sheet(board, findings)
    board.timeline_otio = write_otio(board.shots, board.frames, folder / f"{stem}.otio", board.scene[:80])
    board.edl = write_edl(board.shots, board.frames, folder / f"{stem}.edl", board.scene[:60])
    if not animatic:
        return
    art_height = frame_size(board.aspect, long_side)[1]
    try:
        files = write_animatic(board.frames, board.shots, art_height, folder / f"{stem}_animatic",
                               seed=board.seed)
    except (AnimaticError, OSError, ValueError) as error:  # a broken ffmpeg: the boards stand without it
        logger.error("Animatic failed: %s", error)
        board.notices.append(f"No animatic: {error}")
        return
    board.animatic_mp4, board.animatic_gif, board.subtitles_srt = files.mp4, files.gif, files.srt
    if files.notice:
        board.notices.append(files.notice)


def _add_plan_to_sheet(board: Storyboard, findings) -> None:
    """The sheet gains a strip at the bottom: the overhead plan and the continuity findings beside it."""
    with Image.open(board.sheet_png) as sheet, Image.open(board.plan_png) as plan:
        width = sheet.width
        plan_w = width // 3
        small = plan.resize((plan_w, round(plan.height * plan_w / plan.width)), Image.Resampling.LANCZOS)
        out = Image.new("RGB", (width, sheet.height + small.height + 40), PAPER)
        out.paste(sheet, (0, 0))
        top = sheet.height + 20
        out.paste(small, (40, top))
        _write_findings(out, findings, 80 + plan_w, top, width - plan_w - 120)
        info = sheet.info
        from tools.storyboard.files import save_png

        save_png(out, board.sheet_png, {k: v for k, v in info.items() if isinstance(v, str)})


def _write_findings(image: Image.Image, findings, x: int, y: int, width: int) -> None:
    from PIL import ImageDraw

    draw = ImageDraw.Draw(image)
    size = max(16, image.width // 90)
    draw.text((x, y), "Continuity", font=font(size + 6, bold=True), fill=INK)
    y += size * 2
    lines = [f.message for f in findings] or ["No line crossings or direction flips; coverage complete."]
    for text in lines[:8]:
        for line in wrap(f"• {text}", font(size), width, 3):
            draw.text((x, y), line, font=font(size), fill=ACCENT if findings else INK)
            y += round(size * 1.35)

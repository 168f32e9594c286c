"""Panels (frame + caption), the storyboard sheet (PNG), the print version (multi-page PDF) and the CSV."""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, ImageDraw

from tools.storyboard.draw import ACCENT, GUIDE, INK, PAPER, PENCIL, font, wrap
from tools.storyboard.schema import Shot

SHEET_BG = (255, 255, 255)
PDF_PAGE = (1754, 1240)  # A4 landscape at 150 dpi
PDF_DPI = 150.0
CSV_COLUMNS = ("number", "size", "angle", "lens_mm", "movement", "subjects", "action", "sound", "duration_s",
               "frame")


@dataclass(frozen=True)
class SheetHeader:
    title: str
    subtitle: str
    footer: str


def compose_panel(art: Image.Image, shot: Shot) -> Image.Image:
    """The frame with its caption band: shot number and spec, duration, action, sound."""
    width = art.width
    scale = max(width, 432) / 768
    band = round(118 * scale)
    panel = Image.new("RGB", (width, art.height + band), PAPER)
    panel.paste(art, (0, 0))
    draw = ImageDraw.Draw(panel)
    pad, y0 = round(14 * scale), art.height
    bold, regular, small = font(round(17 * scale), True), font(round(16 * scale)), font(round(14 * scale))
    draw.text((pad, y0 + pad), f"SHOT {shot.number}", font=bold, fill=INK)
    spec_x = pad + bold.getlength(f"SHOT {shot.number}") + 12 * scale
    draw.text((spec_x, y0 + pad + 1 * scale), f"{shot.size} · {shot.angle} · {shot.lens_mm}mm · {shot.movement}",
              font=small, fill=PENCIL)
    duration = f"{shot.duration_s:g} s"
    draw.text((width - pad, y0 + pad), duration, font=bold, fill=ACCENT, anchor="ra")
    y = y0 + pad + round(26 * scale)
    lines = wrap(shot.action, regular, width - 2 * pad, max_lines=2 if shot.sound else 3)
    for line in lines:
        draw.text((pad, y), line, font=regular, fill=INK)
        y += round(21 * scale)
    if shot.sound:
        sound = wrap(f"♪ {shot.sound}", small, width - 2 * pad, max_lines=1)[0]
        draw.text((pad, y + 2 * scale), sound, font=small, fill=PENCIL)
    draw.line([(0, y0), (width, y0)], fill=INK, width=max(1, round(2 * scale)))
    draw.rectangle((0, 0, width - 1, panel.height - 1), outline=INK, width=max(1, round(2 * scale)))
    return panel


def sheet_columns(panel_width: int, panel_height: int, count: int) -> int:
    """Three across for wide frames, more for tall ones; never more columns than panels."""
    across = 3 if panel_width >= panel_height else 5
    return max(1, min(across, count))


def compose_sheet(panels: Sequence[Image.Image], header: SheetHeader, columns: int,
                  page: tuple[int, int] | None = None, page_label: str = "") -> Image.Image:
    """Panels in a grid under a title block. With ``page`` the panels are scaled to fill that fixed size."""
    gutter, margin = 28, 48
    pw, ph = panels[0].size
    rows = math.ceil(len(panels) / columns)
    header_h, footer_h = 150, 56
    if page is None:
        width = margin * 2 + columns * pw + (columns - 1) * gutter
        height = header_h + rows * ph + (rows - 1) * gutter + footer_h + margin
        scale = 1.0
    else:
        width, height = page
        avail_w = width - 2 * margin - (columns - 1) * gutter
        avail_h = height - header_h - footer_h - margin - (rows - 1) * gutter
        scale = min(avail_w / (columns * pw), avail_h / (rows * ph))
    sheet = Image.new("RGB", (width, height), SHEET_BG)
    draw = ImageDraw.Draw(sheet)
    _title_block(draw, header, width, margin, page_label)
    cell_w, cell_h = round(pw * scale), round(ph * scale)
    grid_w = columns * cell_w + (columns - 1) * gutter
    left = (width - grid_w) // 2
    for i, panel in enumerate(panels):
        x = left + (i % columns) * (cell_w + gutter)
        y = header_h + (i // columns) * (cell_h + gutter)
        tile = panel if scale == 1.0 else panel.resize((cell_w, cell_h), Image.Resampling.LANCZOS)
        draw.rectangle((x + 5, y + 6, x + cell_w + 5, y + cell_h + 6), fill=(226, 226, 230))  # drop shadow
        sheet.paste(tile, (x, y))
    _footer(draw, header.footer, width, height, margin)
    return sheet


def _title_block(draw: ImageDraw.ImageDraw, header: SheetHeader, width: int, margin: int, page_label: str) -> None:
    draw.rectangle((0, 0, width, 10), fill=INK)
    brand = font(15, True)
    draw.text((margin, 30), "MARQUEE  ·  STORYBOARD", font=brand, fill=ACCENT)
    if page_label:
        draw.text((width - margin, 30), page_label, font=brand, fill=PENCIL, anchor="ra")
    title_face = font(30, True)
    title = wrap(header.title, title_face, width - 2 * margin, max_lines=1)[0]
    draw.text((margin, 56), title, font=title_face, fill=INK)
    subtitle = wrap(header.subtitle, font(17), width - 2 * margin, max_lines=1)[0]
    draw.text((margin, 100), subtitle, font=font(17), fill=PENCIL)
    draw.line([(margin, 134), (width - margin, 134)], fill=GUIDE, width=2)


def _footer(draw: ImageDraw.ImageDraw, text: str, width: int, height: int, margin: int) -> None:
    face = font(14)
    draw.line([(margin, height - 44), (width - margin, height - 44)], fill=GUIDE, width=1)
    line = wrap(text, face, width - 2 * margin, max_lines=1)[0]
    draw.text((margin, height - 34), line, font=face, fill=PENCIL)


def save_pdf(panels: Sequence[Image.Image], header: SheetHeader, path: Path) -> int:
    """A4 landscape pages of up to six panels (eight tall ones); returns the page count."""
    tall = panels[0].height > panels[0].width
    per_page, columns = (8, 4) if tall else (6, 3)
    chunks = [panels[i:i + per_page] for i in range(0, len(panels), per_page)]
    pages = [compose_sheet(chunk, header, columns, page=PDF_PAGE, page_label=f"PAGE {n} / {len(chunks)}")
             for n, chunk in enumerate(chunks, start=1)]
    path.parent.mkdir(parents=True, exist_ok=True)
    pages[0].save(path, format="PDF", save_all=True, append_images=pages[1:], resolution=PDF_DPI,
                  title=header.title[:120], author="Marquee", creator="Marquee storyboard")
    return len(pages)


def write_csv(shots: Sequence[Shot], frames: Sequence[Path], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(CSV_COLUMNS)
        for shot, frame in zip(shots, frames, strict=True):
            writer.writerow([shot.number, shot.size, shot.angle, shot.lens_mm, shot.movement, "; ".join(shot.subjects),
                             shot.action, shot.sound, f"{shot.duration_s:g}", frame.name])
    return path

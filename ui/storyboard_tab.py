"""The storyboard studio: scene -> shot list table, frame gallery, animatic, overhead plan, downloads; redraw
one shot; import a screenplay (one board per scene).

Named API endpoints: ``/storyboard`` (scene, shots, aspect, style, seed), ``/revise_shot`` (shot number,
new description; works on the caller's last storyboard, kept in session state) and ``/storyboard_script``
(a Fountain or plain-text file, shots, aspect).
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field
from typing import Any

import gradio as gr
import pandas as pd

from assistant import Assistant
from tools.storyboard import (
    ASPECTS,
    DEFAULT_SHOTS,
    MAX_SHOTS,
    ScriptBoards,
    ScriptError,
    Storyboard,
    StoryboardInputError,
)
from ui.render import SHOT_COLUMNS, gallery_items, notice_card, shot_rows, storyboard_summary

SCENE_EXAMPLES = [
    "A building collapses on a Buenos Aires street at night while survivors run",
    "Two rivals share a tense dinner in a Tokyo restaurant as the power goes out",
    "A lone rider crosses a desert canyon at dawn, pursued by a dust storm",
]


@dataclass(frozen=True)
class BoardView:
    """What the studio shows for one storyboard (or for a request that could not be drawn)."""

    summary: str
    rows: pd.DataFrame
    gallery: list[tuple[str, str]] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    #: The storyboard's ``*_shots.json``: the session's handle for revisions ("" when there is none).
    board_path: str = ""
    animatic: str | None = None
    plan: str | None = None

    @classmethod
    def of(cls, board: Storyboard, headline: str) -> BoardView:
        return cls(storyboard_summary(board, headline) + continuity_card(board),
                   pd.DataFrame(shot_rows(board), columns=SHOT_COLUMNS), gallery_items(board),
                   [str(board.sheet_pdf), str(board.shot_list_csv), str(board.sheet_png), *_previs_files(board)],
                   board.to_dict(), str(board.shot_list_json), _path(board.animatic_mp4), _path(board.plan_png))

    @classmethod
    def of_script(cls, boards: ScriptBoards) -> BoardView:
        """Every scene's frames in the gallery and its files in the downloads; the first scene plays."""
        first = boards.boards[0]
        headings = "".join(f"<li>{html.escape(b.heading or b.scene[:60])}: {len(b.shots)} shots</li>"
                           for b in boards.boards)
        summary = (storyboard_summary(first, f"Script storyboarded: {len(boards.boards)} scene(s)")
                   + f'<ol class="mq-scenes">{headings}</ol>'
                   + "".join(notice_card("Note", [n], "warn") for n in boards.notices) + continuity_card(first))
        gallery = [(path, f"Scene {i}: {caption}") for i, b in enumerate(boards.boards, start=1)
                   for path, caption in gallery_items(b)]
        files = [f for b in boards.boards for f in (str(b.sheet_pdf), *_previs_files(b))]
        return cls(summary, pd.DataFrame(shot_rows(first), columns=SHOT_COLUMNS), gallery, files,
                   boards.to_dict(), str(first.shot_list_json), _path(first.animatic_mp4), _path(first.plan_png))

    @classmethod
    def problem(cls, title: str, message: str, board_path: str = "") -> BoardView:
        return cls(notice_card(title, [message], "error"), pd.DataFrame(columns=SHOT_COLUMNS), board_path=board_path)

    def outputs(self) -> tuple:
        return (self.summary, self.rows, self.gallery, self.files or None, self.details, self.board_path,
                self.animatic, self.plan)


def _path(path: Any) -> str | None:
    return str(path) if path else None


def _previs_files(board: Storyboard) -> list[str]:
    return [str(p) for p in (board.animatic_mp4, board.subtitles_srt, board.plan_png, board.timeline_otio,
                             board.edl) if p]


def continuity_card(board: Storyboard) -> str:
    findings = [f["message"] for f in board.continuity]
    if not findings:
        return notice_card("Continuity", ["No line crossings or direction flips; coverage complete."], "ok")
    return notice_card("Continuity", findings, "warn")


class StoryboardStudio:
    """The studio's event handlers; every browser session keeps its own board path in ``gr.State``."""

    def __init__(self, assistant: Assistant):
        self.assistant = assistant

    def generate(self, scene: str, shots: float, aspect: str, style: str, seed: str | int | None) -> BoardView:
        try:
            board = self.assistant.storyboard(scene, shots=int(shots or DEFAULT_SHOTS), aspect=aspect or "16:9",
                                              style=(style or "").strip() or None, seed=_seed(seed))
        except StoryboardInputError as error:
            return BoardView.problem("Cannot storyboard that", str(error))
        return BoardView.of(board, f"Storyboard ready: {len(board.shots)} shots")

    def import_script(self, script_file: Any, shots: float, aspect: str) -> BoardView:
        path = getattr(script_file, "name", script_file)
        if not path:
            return BoardView.problem("No script", "Choose a Fountain (.fountain) or plain-text screenplay first.")
        try:
            boards = self.assistant.storyboard_script(str(path), shots=int(shots or DEFAULT_SHOTS),
                                                      aspect=aspect or "16:9")
        except (ScriptError, StoryboardInputError) as error:
            return BoardView.problem("Cannot read that script", str(error))
        return BoardView.of_script(boards)

    def revise(self, board_path: str, number: float | None, description: str) -> BoardView:
        """Redraw one shot: with the new description when given, else as a fresh take (a new seed)."""
        if not board_path:
            return BoardView.problem("Nothing to revise yet", "Generate a storyboard first, then redraw one of "
                                     "its shots.")
        if number in (None, ""):
            return BoardView.problem("Which shot?", "Give the number of the shot to redraw.", board_path)
        description = " ".join((description or "").split())
        changes = {"action": description} if description else {"seed": random.randrange(2**31)}
        try:
            board = self.assistant.services.storyboarder.revise(board_path, int(number), **changes)
        except (StoryboardInputError, FileNotFoundError) as error:
            return BoardView.problem("Cannot redraw that shot", str(error), board_path)
        return BoardView.of(board, f"Shot {int(number)} redrawn")


    # The event handlers: their parameter names are the API's (``/storyboard``, ``/revise_shot``).
    def storyboard(self, scene: str, shots: float, aspect: str, style: str, seed: str | int | None) -> tuple:
        return self.generate(scene, shots, aspect, style, seed).outputs()

    def revise_shot(self, board_path: str, shot: float | None, new_description: str) -> tuple:
        return self.revise(board_path, shot, new_description).outputs()

    def storyboard_script(self, script_file: Any, shots: float, aspect: str) -> tuple:
        return self.import_script(script_file, shots, aspect).outputs()


def _seed(value: str | int | float | None) -> int | None:
    """The scene seed typed in the box: blank means "derive it from the scene"."""
    text = str(value if value is not None else "").strip()
    if not text:
        return None
    try:
        return int(float(text))
    except ValueError as error:
        raise StoryboardInputError(f"The seed must be a whole number, not {text!r}.") from error


def storyboard_tab(assistant: Assistant) -> None:
    """Lay out the studio inside the current ``gr.Tab``."""
    studio = StoryboardStudio(assistant)
    board_path = gr.State("")
    with gr.Row(equal_height=False):
        with gr.Column(scale=2, elem_classes="mq-panel"):
            scene = gr.Textbox(label="Scene", lines=4, elem_id="mq-sb-scene",
                               placeholder="What happens, where, when: a chase across Tokyo rooftops at night…")
            with gr.Row():
                shots = gr.Slider(1, MAX_SHOTS, value=DEFAULT_SHOTS, step=1, label="Shots")
                aspect = gr.Dropdown(list(ASPECTS), value="16:9", label="Aspect")
            with gr.Row():
                style = gr.Textbox(label="Style (optional)", placeholder="graphic novel, high contrast")
                # A textbox, not gr.Number: a number box cannot stay blank, and blank means "from the scene".
                seed = gr.Textbox(label="Seed (optional)", placeholder="from the scene")
            generate = gr.Button("🎬 Generate storyboard", variant="primary", elem_id="mq-sb-generate")
            gr.Examples(SCENE_EXAMPLES, inputs=scene, label="Scenes to try")
            with gr.Accordion("Import script (Fountain or plain text with scene headings)", open=False):
                script_file = gr.File(label="Screenplay", file_types=[".fountain", ".txt", ".spmd"],
                                      elem_id="mq-sb-script")
                import_script = gr.Button("📜 Storyboard every scene", elem_id="mq-sb-import")
        with gr.Column(scale=3):
            summary = gr.HTML(elem_id="mq-sb-summary")
            gallery = gr.Gallery(label="Frames", columns=3, height="auto", object_fit="contain",
                                 elem_id="mq-sb-gallery", buttons=["download", "fullscreen"])
            with gr.Row():
                animatic = gr.Video(label="Animatic", autoplay=True, loop=True, elem_id="mq-sb-animatic")
                plan = gr.Image(label="Overhead plan and the 180° line", elem_id="mq-sb-plan")
    table = gr.Dataframe(headers=SHOT_COLUMNS, label="Shot list", interactive=False, wrap=True,
                         elem_id="mq-sb-shots")
    with gr.Row(equal_height=False):
        files = gr.File(label="Downloads: sheet PDF, shot list CSV, sheet PNG, animatic MP4, subtitles, plan, "
                        "OTIO timeline, EDL", file_count="multiple",
                        scale=3, elem_id="mq-sb-files")
        with gr.Column(scale=2, elem_classes="mq-panel"):
            gr.Markdown("**Redraw one shot** — give a new description, or leave it empty for a fresh take.")
            with gr.Row():
                number = gr.Number(label="Shot", value=1, precision=0, minimum=1, scale=1)
                description = gr.Textbox(label="New description (optional)", scale=4)
            redraw = gr.Button("Redraw shot", elem_id="mq-sb-redraw")
    with gr.Accordion("Shot list as JSON", open=False):
        details = gr.JSON(label="Storyboard")
    outputs = [summary, table, gallery, files, details, board_path, animatic, plan]
    # One storyboard at a time: with an image model configured, each one holds the model for its frames.
    generate.click(studio.storyboard, [scene, shots, aspect, style, seed], outputs, api_name="storyboard",
                   concurrency_id="storyboard", concurrency_limit=1)
    redraw.click(studio.revise_shot, [board_path, number, description], outputs, api_name="revise_shot",
                 concurrency_id="storyboard")
    import_script.click(studio.storyboard_script, [script_file, shots, aspect], outputs,
                        api_name="storyboard_script", concurrency_id="storyboard")

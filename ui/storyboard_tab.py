"""The storyboard studio: scene -> shot list table, frame gallery, downloads; redraw one shot.

Named API endpoints: ``/storyboard`` (scene, shots, aspect, style, seed) and ``/revise_shot`` (shot number,
new description; works on the caller's last storyboard, kept in session state).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

import gradio as gr
import pandas as pd

from assistant import Assistant
from tools.storyboard import ASPECTS, DEFAULT_SHOTS, MAX_SHOTS, Storyboard, StoryboardInputError
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

    @classmethod
    def of(cls, board: Storyboard, headline: str) -> BoardView:
        return cls(storyboard_summary(board, headline), pd.DataFrame(shot_rows(board), columns=SHOT_COLUMNS),
                   gallery_items(board), [str(board.sheet_pdf), str(board.shot_list_csv), str(board.sheet_png)],
                   board.to_dict(), str(board.shot_list_json))

    @classmethod
    def problem(cls, title: str, message: str, board_path: str = "") -> BoardView:
        return cls(notice_card(title, [message], "error"), pd.DataFrame(columns=SHOT_COLUMNS), board_path=board_path)

    def outputs(self) -> tuple:
        return (self.summary, self.rows, self.gallery, self.files or None, self.details, self.board_path)


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
        with gr.Column(scale=3):
            summary = gr.HTML(elem_id="mq-sb-summary")
            gallery = gr.Gallery(label="Frames", columns=3, height="auto", object_fit="contain",
                                 elem_id="mq-sb-gallery", buttons=["download", "fullscreen"])
    table = gr.Dataframe(headers=SHOT_COLUMNS, label="Shot list", interactive=False, wrap=True,
                         elem_id="mq-sb-shots")
    with gr.Row(equal_height=False):
        files = gr.File(label="Downloads: sheet PDF, shot list CSV, contact sheet PNG", file_count="multiple",
                        scale=3, elem_id="mq-sb-files")
        with gr.Column(scale=2, elem_classes="mq-panel"):
            gr.Markdown("**Redraw one shot** — give a new description, or leave it empty for a fresh take.")
            with gr.Row():
                number = gr.Number(label="Shot", value=1, precision=0, minimum=1, scale=1)
                description = gr.Textbox(label="New description (optional)", scale=4)
            redraw = gr.Button("Redraw shot", elem_id="mq-sb-redraw")
    with gr.Accordion("Shot list as JSON", open=False):
        details = gr.JSON(label="Storyboard")
    outputs = [summary, table, gallery, files, details, board_path]
    # One storyboard at a time: with an image model configured, each one holds the model for its frames.
    generate.click(studio.storyboard, [scene, shots, aspect, style, seed], outputs, api_name="storyboard",
                   concurrency_id="storyboard", concurrency_limit=1)
    redraw.click(studio.revise_shot, [board_path, number, description], outputs, api_name="revise_shot",
                 concurrency_id="storyboard")

"""The storyboard and ad studios, served for real and called through gradio_client (sketch frames, template
ads, real small catalog), plus the streaming chat endpoint."""

import csv
from pathlib import Path

import pytest

import app
from assistant import Assistant
from assistant.bench.app import CODE_QUESTION, session_aware_step
from assistant.llm import ScriptedChatModel
from tests.app_support import served
from tools.ads.checks import CHECKS


@pytest.fixture(scope="module")
def assistant(small_catalog):
    # The storyboard planner also asks this model; a search call is no shot list, so it falls back to the
    # coverage pattern (fast, deterministic) as it would for any unusable reply.
    return Assistant(small_catalog.settings, catalog=small_catalog,
                     llm=ScriptedChatModel([session_aware_step] * 400))


@pytest.fixture(scope="module")
def client(assistant):
    from gradio_client import Client

    with served(app.build_app(assistant)) as address:
        yield Client(address, verbose=False)


def test_storyboard_endpoint_returns_shots_frames_and_files(client):
    summary, table, gallery, files, details, animatic, plan = client.predict(
        "A lone rider crosses a desert canyon at dawn", 4, "2.39:1", "", "", api_name="/storyboard")
    assert "Storyboard ready: 4 shots" in summary
    assert table["headers"][:2] == ["#", "Size"] and [row[0] for row in table["data"]] == [1, 2, 3, 4]
    assert len(gallery) == 4 and all(Path(item["image"]).stat().st_size > 0 for item in gallery)
    assert {".csv", ".pdf", ".png", ".mp4", ".otio", ".edl"} <= {Path(f).suffix for f in files}
    assert Path(animatic if isinstance(animatic, str) else animatic["video"]).suffix == ".mp4"
    assert Path(plan).stat().st_size > 0
    with open(next(f for f in files if f.endswith(".csv")), encoding="utf-8") as handle:
        assert len(list(csv.DictReader(handle))) == 4
    assert details["aspect"] == "2.39:1" and len(details["shots"]) == 4
    assert details["seed"] != 0  # a blank seed box means "derived from the scene", not seed 0


def test_revise_shot_redraws_one_shot_of_the_sessions_board(client):
    client.predict("Two rivals share a tense dinner as the power goes out", 3, "16:9", "", "7",
                   api_name="/storyboard")
    summary, table, gallery, _, details, *_ = client.predict(2, "The waiter drops a tray of glasses",
                                                             api_name="/revise_shot")
    assert "Shot 2 redrawn" in summary
    assert table["data"][1][5] == "The waiter drops a tray of glasses"
    assert details["shots"][1]["action"] == "The waiter drops a tray of glasses" and len(gallery) == 3


def test_storyboard_rejects_an_empty_scene_with_a_message(client):
    summary, table, gallery, files, *_ = client.predict("   ", 6, "16:9", "", "", api_name="/storyboard")
    assert "Cannot storyboard that" in summary and "The scene is empty" in summary
    assert table["data"] in ([], [["", "", "", "", "", "", "", ""]]) and not gallery and not files
    summary, *_ = client.predict("A chase across rooftops", 2, "16:9", "", "soon", api_name="/storyboard")
    assert "The seed must be a whole number" in summary


def test_revise_before_any_storyboard_says_so(assistant):
    from ui.storyboard_tab import StoryboardStudio

    view = StoryboardStudio(assistant).revise("", 1, "")
    assert "Generate a storyboard first" in view.summary and view.board_path == ""


def test_ads_endpoint_returns_checked_drafts_and_exports(client):
    html, files = client.predict("tt0073195", "thrilling", "families", ["tagline", "logline"], 2, False,
                                 api_name="/ads")
    assert "Ad drafts: Jaws" in html and html.count("mq-badge mq-pass") == len(CHECKS) and "mq-fail" not in html
    assert "Lead genre: <b>thriller</b>" in html and "older kids and up" in html and "data:image/jpeg" in html
    assert sorted(Path(f).name for f in files if f.endswith(".png")) == ["jaws_poster.png", "jaws_square.png",
                                                                        "jaws_tile.png"]
    assert html.count('class="mq-draft"') == 4
    markdown = Path(next(f for f in files if f.endswith(".md"))).read_text(encoding="utf-8")
    assert markdown.startswith("# Ad drafts: Jaws") and "## Taglines" in markdown
    with open(next(f for f in files if f.endswith(".csv")), encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {r["format"] for r in rows} == {"tagline", "logline"} and len(rows) == 4


def test_ads_unknown_title_says_did_you_mean(client):
    html, files = client.predict("Jawz", "", "", ["tagline"], 1, False, api_name="/ads")
    assert "Title not found" in html and "Did you mean" in html and "Jaws" in html
    assert not files


def test_ads_without_formats_asks_for_one(client):
    html, files = client.predict("Jaws", "", "", [], 1, False, api_name="/ads")
    assert "Pick at least one format" in html and not files


def test_title_suggestions_put_name_matches_first(assistant):
    from ui.ads_tab import AdStudio

    studio = AdStudio(assistant)
    labels = [label for label, _ in studio.suggestions("ali")]
    assert labels[:2] == ["Alien (1979)", "Aliens (1986)"]
    assert ("Jaws (1975)", "tt0073195") in studio.suggestions("a shark attacks a beach town")
    assert studio.suggestions("j") == []


def test_chat_stream_endpoint_streams_and_keeps_sessions_apart(client):
    job = client.submit("I loved Heat. Please remember my watch-party code: mq-t-7.", "stream-a",
                        api_name="/chat_stream")
    updates = list(job)
    # Token by token ("Noted:", "Noted: I", ...), then the final answer (which the agent may rewrite).
    assert len(updates) >= 3 and updates[0] == "Noted:" and updates[1].startswith(updates[0])
    assert updates[-1] == job.outputs()[-1] and updates[-1].strip()
    assert client.predict(CODE_QUESTION, "stream-a", api_name="/chat_stream") == "Your watch-party code is mq-t-7."
    assert "mq-t-7" not in client.predict(CODE_QUESTION, "stream-b", api_name="/chat_stream")


def test_the_studio_imports_a_script(client):
    from gradio_client import handle_file

    script = Path(__file__).parent / "data" / "collapse.fountain"
    summary, table, gallery, files, details, animatic, plan = client.predict(
        handle_file(str(script)), 3, "16:9", api_name="/storyboard_script")
    assert "Script storyboarded: 3 scene(s)" in summary and "EXT. BUENOS AIRES STREET - NIGHT" in summary
    assert len(gallery) == 9 and [s["heading"] for s in details["scenes"]][2] == "EXT. PLAZA - DAWN"
    assert Path(animatic if isinstance(animatic, str) else animatic["video"]).suffix == ".mp4"

"""End to end in a real browser: Debian's chromium driven by Playwright against the served app.

Screenshots land in ``test-artifacts/`` for a person to look at.
"""

import shutil
from pathlib import Path

import pytest

import app
from assistant import Assistant
from assistant.llm import ScriptedChatModel
from tests.app_support import search_then_answer, served

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="chromium is not installed (apt-get install chromium)"),
]
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]


@pytest.fixture(scope="module")
def page(small_catalog):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    assistant = Assistant(small_catalog.settings, catalog=small_catalog,
                          llm=ScriptedChatModel([search_then_answer] * 100))
    with served(app.build_app(assistant)) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(url)
        page.wait_for_selector("#mq-input textarea", timeout=60_000)
        yield page
        browser.close()


def test_viewer_query_shows_title_cards(page):
    page.fill("#mq-input textarea", "a horror film from the 80s")
    page.keyboard.press("Enter")
    page.wait_for_selector("#mq-chat .mq-card", timeout=120_000)
    page.wait_for_function("document.body.innerText.includes('Here is what I found')", timeout=60_000)
    cards = page.locator("#mq-chat .mq-card h4").all_inner_texts()
    assert "The Shining" in cards and "Jaws" not in cards
    page.screenshot(path=str(ARTIFACTS / "chat.png"), full_page=True)


def test_catalog_browser_filters(page):
    page.get_by_role("tab", name="Catalog").click()
    page.get_by_role("button", name="Search").click()
    page.wait_for_selector("#mq-catalog-results .mq-card", timeout=60_000)
    assert page.locator("#mq-catalog-results .mq-card").count() >= 20
    page.screenshot(path=str(ARTIFACTS / "catalog.png"), full_page=True)


def test_storyboard_studio_draws_frames(page):
    page.get_by_role("tab", name="Storyboard studio").click()
    page.fill("#mq-sb-scene textarea", "A lone rider crosses a desert canyon at dawn, pursued by a dust storm")
    page.click("#mq-sb-generate")
    page.wait_for_function("document.querySelectorAll('#mq-sb-gallery img').length >= 6", timeout=120_000)
    assert "Storyboard ready: 6 shots" in page.inner_text("#mq-sb-summary")
    page.screenshot(path=str(ARTIFACTS / "storyboard.png"), full_page=True)
    assert page.get_attribute("#mq-sb-shots [role=grid]", "aria-rowcount") == "7"  # the header and six shots


def test_ad_studio_picks_a_title_and_shows_check_badges(page):
    page.get_by_role("tab", name="Ad studio").click()
    page.click("#mq-ads-title input")
    page.keyboard.type("Jaw", delay=80)  # key by key: the choices follow what is typed
    page.get_by_role("option", name="Jaws (1975)").click(timeout=30_000)
    page.get_by_label("Write with the chat model").uncheck()  # template drafts: instant
    page.click("#mq-ads-generate")
    page.wait_for_selector("#mq-ads-result .mq-badge", timeout=60_000)
    assert "Ad drafts: Jaws" in page.inner_text("#mq-ads-result")
    assert page.locator("#mq-ads-result .mq-badge.mq-pass").count() == 9  # 4 form + 5 meaning checks
    page.screenshot(path=str(ARTIFACTS / "ads.png"), full_page=True)


def test_storyboard_studio_imports_a_script_with_a_board_per_scene(page):
    script = Path(__file__).parent / "data" / "collapse.fountain"  # three scenes: street, cafe, plaza
    page.get_by_role("tab", name="Storyboard studio").click()
    page.get_by_text("Import script (Fountain or plain text with scene headings)").click()
    page.set_input_files("#mq-sb-script input[type=file]", str(script))
    page.wait_for_function("document.querySelector('#mq-sb-script').innerText.includes('collapse.fountain')",
                           timeout=60_000)
    page.click("#mq-sb-import")
    page.wait_for_function("document.body.innerText.includes('Script storyboarded: 3 scene(s)')", timeout=240_000)
    headings = page.locator("#mq-sb-summary ol.mq-scenes li").all_inner_texts()
    assert len(headings) == 3
    assert [h.split(":")[0] for h in headings] == ["EXT. BUENOS AIRES STREET - NIGHT", "INT. CORNER CAFE - NIGHT",
                                                   "EXT. PLAZA - DAWN"]
    shots = sum(int(h.rsplit(":", 1)[1].split()[0]) for h in headings)
    page.wait_for_function(f"document.querySelectorAll('#mq-sb-gallery img').length >= {shots}", timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "storyboard_script.png"), full_page=True)

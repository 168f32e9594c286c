"""The ad pipeline end to end with a scripted model: good, garbage, ungrounded, spoiler-laden and too-long replies
all end in complete, checked drafts; bad input (unknown title, unsafe or huge brief) is handled and reported."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from langchain_core.messages import AIMessage
from test_ads_checks import JAWS, no_plot

from assistant.llm import ScriptedChatModel
from knowledge.catalog import load_titles
from knowledge.titles import Title
from tools.ads import FORMATS, UnknownTitleError, agent_draft_ads, draft_ads, export, to_csv, to_markdown
from tools.ads.brief import MAX_BRIEF_CHARS
from tools.ads.checks import CHECKS, DraftChecker
from tools.ads.facts import Facts
from tools.ads.formats import LIMITS, MODEL_FIELDS, MODEL_TOOL_NAME

SMALL_CATALOG = Path(__file__).parent / "data" / "small_catalog.jsonl"
GOOD = {
    "tagline": "This summer, stay out of the water.",
    "hook": "Something is waiting off Amity Island.",
    "logline": "When a great white shark terrorises Amity Island, Chief Brody must convince the town to act.",
    "key_art": "a lone swimmer above a vast dark shape in blue water",
}


@pytest.fixture(scope="module")
def titles():
    # The hand-written catalog, with Jaws swapped for a record that has a full plot to guard.
    return [JAWS if t.id == JAWS.id else t for t in load_titles(SMALL_CATALOG)]


def model(*replies) -> ScriptedChatModel:
    return ScriptedChatModel(list(replies))


def call(args: dict) -> AIMessage:
    return AIMessage(content="", tool_calls=[{"name": MODEL_TOOL_NAME, "args": args, "id": "call_1"}])


def assert_complete_and_checked(ads, title=JAWS, variants: int = 3) -> None:
    """The structure holds whatever the model did: every format filled, every check passed and re-verified."""
    assert ads.passed, {n: c.issues for n, c in ads.checks.items()}
    assert set(ads.checks) == set(CHECKS)
    checker = DraftChecker(Facts.from_title(title))
    for fmt in ads.formats:
        drafts = ads.drafts[fmt]
        expected = 1 if fmt == "key_art_prompt" else 9 if fmt == "search_headlines" else variants
        assert len(drafts) == expected, fmt
        assert len({d.text for d in drafts}) == len(drafts), f"duplicate {fmt}"
        for d in drafts:
            assert checker.passes(fmt, d.text), (fmt, d.text, checker.check(fmt, d.text))
    payload = ads.to_dict()
    assert set(payload["drafts"]) == {"tagline", "logline", "social", "spot_15s", "spot_30s", "search_headlines",
                                      "search_descriptions", "key_art_prompt"}
    assert all(payload["checks"][name]["passed"] for name in CHECKS)


def test_a_good_reply_leads_every_format_and_is_composed_into_the_others(titles):
    llm = model(call(GOOD))
    ads = draft_ads(titles, "Jaws", llm=llm, tone="thrilling", audience="families")
    assert_complete_and_checked(ads)
    assert ads.model_used and ads.texts("tagline")[0] == GOOD["tagline"]
    assert ads.drafts["tagline"][0].source == "model" and ads.drafts["tagline"][1].source == "template"
    assert GOOD["hook"] in ads.texts("spot_15s")[0] and GOOD["tagline"] in ads.texts("x_post")[0]
    assert ads.key_art_prompt.startswith("Cinematic key art poster for a 1970s thriller film: a lone swimmer")
    assert len(llm.calls) == 1  # one model call per title, whatever the number of formats
    prompt = llm.calls[0][-1].content
    assert "Amity Island" in prompt and "explodes" not in prompt  # the model never sees the ending


def test_garbage_from_the_model_falls_back_to_template_drafts(titles):
    ads = draft_ads(titles, "Jaws", llm=model("I am a helpful assistant! {not json"))
    assert_complete_and_checked(ads)
    assert not ads.model_used and all(d.source == "template" for d in ads.all_drafts())
    assert any("unusable" in n for n in ads.notices)


def test_json_in_the_text_is_read_when_there_is_no_tool_call(titles):
    reply = ('```json\n{"name": "ad_copy", "arguments": {"tagline": "Stay out of the water at Amity.", '
             '"hook": "Listen, Amity."}}\n```')
    ads = draft_ads(titles, "Jaws", llm=model(reply), formats=["tagline", "video_hook"])
    assert ads.texts("tagline")[0] == "Stay out of the water at Amity."
    assert ads.texts("video_hook")[0] == "Listen, Amity."


def test_ungrounded_names_are_dropped_or_the_draft_replaced(titles):
    bad = {**GOOD, "tagline": "Tom Hanks and Roy Scheider face the deep this summer.",
           "logline": "Martin Scorsese directs Meryl Streep in a 1982 tale of a shark in Paris."}
    ads = draft_ads(titles, "Jaws", llm=model(call(bad)))
    assert_complete_and_checked(ads)
    first = ads.drafts["tagline"][0]
    assert first.source == "model, repaired" and "Tom Hanks" not in first.text and "Roy Scheider" in first.text
    assert all("Scorsese" not in text for text in ads.texts("logline"))
    grounding = ads.checks["grounding"]
    assert grounding.failed_before_repair >= 2 and any("Tom Hanks" in f for f in grounding.fixes)
    assert any("logline (model draft): set aside" in f for f in grounding.fixes)


def test_spoilers_are_replaced_never_returned(titles):
    spoiler = {**GOOD, "logline": "Brody jams a scuba tank in the shark's mouth and the tank explodes.",
               "hook": "Wait until the tank explodes."}
    ads = draft_ads(titles, "Jaws", llm=model(call(spoiler)))
    assert_complete_and_checked(ads)
    assert all("explodes" not in d.text for d in ads.all_drafts())
    assert ads.checks["spoilers"].failed_before_repair >= 2
    assert any("set aside" in f for f in ads.checks["spoilers"].fixes)


def test_too_long_lines_are_trimmed_at_a_word_boundary(titles):
    long = {**GOOD, "tagline": "This summer the great white shark of Amity Island is waiting for you in the water",
            "hook": "Before you go swimming this summer you really need to hear about the great white shark"}
    ads = draft_ads(titles, "Jaws", llm=model(call(long)))
    assert_complete_and_checked(ads)
    tagline, hook = ads.drafts["tagline"][0], ads.drafts["video_hook"][0]
    assert tagline.source == "model, repaired" and len(tagline.text) <= LIMITS["tagline"].max_chars
    assert long["tagline"].startswith(tagline.text)
    assert len(hook.text.split()) <= 12 and hook.fixes


def test_lines_that_echo_the_instructions_or_the_title_are_set_aside(titles):
    echo = {**GOOD, "logline": "Who, what they want, what stands in the way", "tagline": "Jaws",
            "key_art": "the poster image: setting, mood and colours; no text, no real people"}
    ads = draft_ads(titles, "Jaws", llm=model(call(echo)))
    assert_complete_and_checked(ads)
    assert ads.drafts["logline"][0].source == "template" and ads.drafts["tagline"][0].source == "template"
    assert ads.drafts["key_art_prompt"][0].source == "template"
    notices = " ".join(ads.notices)
    assert "logline repeats its instructions" in notices and "tagline only repeats the title" in notices


def test_a_line_cut_off_at_the_length_cap_loses_its_unfinished_word(titles):
    cap = next(c for key, _, c in MODEL_FIELDS if key == "hook")
    hook = "Something is waiting off Amity Island, and everybody in town ignores the warnings"[:cap]
    assert not hook.endswith(" ")
    ads = draft_ads(titles, "Jaws", llm=model(call({**GOOD, "hook": hook})))
    draft = ads.drafts["video_hook"][0]
    assert draft.source == "model, repaired" and "cut off" in draft.fixes[0]
    assert hook.startswith(draft.text) and hook.split()[-1] not in draft.text.split()
    assert ads.checks["length"].failed_before_repair == 1


def test_the_best_known_cast_members_are_the_ones_billed():
    film = Title(id="x1", title="Night Harbour", year=1990, genres=["Drama"], cast=["Anne Minor", "Zed Star"])
    others = [Title(id=f"x{n}", title=f"Other {n}", cast=["Zed Star"]) for n in range(2, 5)]
    ads = draft_ads([film, *others], "Night Harbour", formats=["spot_30s"])
    assert "Starring Zed Star and Anne Minor" in ads.texts("spot_30s")[0]


def test_a_model_that_fails_costs_its_drafts_not_the_request(titles):
    ads = draft_ads(titles, "Jaws", llm=model())  # an empty script raises on the first call
    assert_complete_and_checked(ads)
    assert any("model call failed" in n for n in ads.notices)


def test_templates_alone_fill_every_format_for_every_small_catalog_title(titles):
    for t in titles:
        ads = draft_ads(titles, t.id, variants=2)
        assert ads.passed, (t.label, {n: c.issues for n, c in ads.checks.items() if c.issues})
        assert all(ads.drafts[fmt] for fmt in FORMATS)


def test_a_title_without_a_plot_is_grounded_in_its_metadata():
    bare = no_plot(JAWS)
    ads = draft_ads([bare], "Jaws", llm=model(call({**GOOD, "logline": "Chief Brody hunts a shark."})))
    assert ads.passed
    assert "no plot summary" in ads.checks["grounding"].note and "no plot summary" in ads.checks["spoilers"].note
    assert all("Brody" not in text for text in ads.texts("logline"))  # a plot name, and there is no plot


def test_a_free_text_brief_names_the_title_audience_and_tone(titles):
    ads = draft_ads(titles, "write ad copy for Jaws aimed at families, in a funny tone")
    assert ads.title_id == JAWS.id and ads.audience == "families" and ads.tone == "funny"


def test_an_unknown_title_is_a_clear_error_with_did_you_mean(titles):
    with pytest.raises(UnknownTitleError, match="Did you mean") as caught:
        draft_ads(titles, "The Shinning Hour")
    assert any(t.title == "The Shining" for t in caught.value.candidates)
    with pytest.raises(UnknownTitleError, match="not in the catalog"):
        draft_ads(titles, "Zzyzx Qwerty Plover")
    with pytest.raises(ValueError, match="variants must be between 1 and 10"):
        draft_ads(titles, "Jaws", variants=0)


def test_profanity_and_competitor_trademarks_are_stripped_from_the_brief_with_a_notice(titles):
    llm = model(call(GOOD))
    ads = draft_ads(titles, "Jaws", llm=llm, brief="Make it fucking scary, better than Netflix and Disney+ shows.",
                    audience="HBO fans")
    notices = " ".join(ads.notices)
    assert "Netflix" in notices and "Disney+" in notices and "HBO" in notices and "profanity" in notices
    prompt = llm.calls[0][-1].content
    assert "Netflix" not in prompt and "fucking" not in prompt and "Disney" not in prompt and "HBO" not in prompt
    assert ads.passed


def test_a_50_kb_brief_is_truncated_with_a_notice(titles):
    llm = model(call(GOOD))
    ads = draft_ads(titles, "Jaws", llm=llm, brief="Summer campaign. " * 3000)
    assert any("51,000 characters" in n or "characters; only the first" in n for n in ads.notices)
    assert len(llm.calls[0][-1].content) < MAX_BRIEF_CHARS + 1500
    assert ads.passed


def test_markdown_and_csv_exports(titles, tmp_path):
    ads = draft_ads(titles, "Jaws", llm=model(call(GOOD)), formats=["tagline", "spots", "search"])
    markdown = to_markdown(ads)
    assert markdown.startswith("# Ad drafts: Jaws (1975)") and "## 15-second spots" in markdown
    assert "| spoilers | yes |" in markdown
    rows = list(csv.DictReader(io.StringIO(to_csv(ads))))
    assert len(rows) == len(ads.all_drafts())
    assert {r["format"] for r in rows} == {"tagline", "spot_15s", "spot_30s", "search_headlines",
                                           "search_descriptions"}
    spot = next(r for r in rows if r["format"] == "spot_15s")
    assert spot["text"].count("\n") >= 4 and spot["source"] in ("model", "template")
    paths = export(ads, tmp_path / "out")
    assert [p.suffix for p in paths] == [".md", ".csv"] and all(p.stat().st_size > 0 for p in paths)


def test_the_agent_entry_point_returns_text_and_data(titles, tmp_path):
    text, data = agent_draft_ads(titles, "Jaws", tone="dark", export_dir=tmp_path)
    assert text.startswith("Ad drafts for Jaws (1975)") and data["found"] and data["checks"]["length"]["passed"]
    assert len(data["files"]) == 5 and all(Path(f).is_file() for f in data["files"])  # .md, .csv, 3 key-art PNGs
    assert set(data["key_art"]) == {"poster", "tile", "square"} and data["lead_genre"] == "thriller"
    text, data = agent_draft_ads(titles, "Jawz 3000 Megashark")
    assert not data["found"] and "not in the catalog" in text

"""The agent tools against a small real catalog: schemas, search with session memory, details, recommendations,
storyboards and ads."""

from __future__ import annotations

from pathlib import Path

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from test_agent_support import INJECTED_ID, INJECTION, agent_catalog

from assistant.memory import Session
from assistant.prompts import fence_tool_result
from tools.agent_tools import TOOL_NAMES, ToolArtifact, ToolInputError, build_agent_tools


@pytest.fixture(scope="module")
def catalog(tmp_path_factory, embedder):
    return agent_catalog(tmp_path_factory, embedder)


@pytest.fixture
def session():
    return Session("test")


@pytest.fixture
def tools(catalog, session):
    return {t.name: t for t in build_agent_tools(catalog, session)}


def run(tool, **args) -> tuple[str, ToolArtifact]:
    message = tool.invoke({"type": "tool_call", "name": tool.name, "args": args, "id": "c1"})
    return message.content, message.artifact


def parameters(tool) -> dict:
    return convert_to_openai_tool(tool)["function"]["parameters"]


def test_public_names_and_signatures_are_the_contract(tools):
    assert tuple(tools) == TOOL_NAMES
    search = parameters(tools["search_catalog"])
    assert search["required"] == ["query"]
    assert search["properties"]["k"]["default"] == 10
    assert search["properties"]["refine_previous"]["default"] is False
    recommend = parameters(tools["recommend_titles"])
    assert recommend["required"] == ["liked"] and recommend["properties"]["disliked"]["default"] == []
    storyboard = parameters(tools["generate_storyboard"])
    assert storyboard["properties"]["shots"]["default"] == 6 and storyboard["properties"]["aspect"]["default"] == "16:9"
    assert set(parameters(tools["draft_ads"])["properties"]) == {"title", "tone", "audience"}
    assert parameters(tools["get_title_details"])["required"] == ["title"]
    assert all(tool.description and len(tool.description) < 120 for tool in tools.values())


def test_search_gives_compact_text_cards_and_remembers_the_result(tools, session):
    text, artifact = run(tools["search_catalog"], query="horror from the 80s", k=3)
    assert len(artifact.hits) == 3 and all(1980 <= h.title.year <= 1989 for h in artifact.hits)
    assert "1980-1989" in text and "horror" in text
    for hit in artifact.hits:
        assert hit.title.label in text
    assert "{" not in text, "the model reads lines, not JSON"
    assert session.last_search is not None and [h.id for h in session.last_search.hits] == [h.id for h in artifact.hits]
    assert artifact.data["hits"][0]["title"] == artifact.hits[0].title.title


def test_refine_previous_uses_the_sessions_last_search(tools, session):
    _, first = run(tools["search_catalog"], query="a crime drama from the 90s", k=3)
    _, older = run(tools["search_catalog"], query="something older", refine_previous=True)
    assert older.data["refined"] is True
    assert older.hits and max(h.title.year for h in older.hits) < min(h.title.year for h in first.hits)
    assert all({"Crime", "Drama"} <= set(h.title.genres) for h in older.hits)


def test_refine_without_an_earlier_search_is_a_plain_search(tools):
    text, artifact = run(tools["search_catalog"], query="Hitchcock thrillers", refine_previous=True)
    assert "no earlier search" in text and artifact.data["refined"] is False and artifact.hits


def test_bad_search_arguments_raise_a_fixable_error(tools):
    with pytest.raises(ToolInputError, match="query"):
        run(tools["search_catalog"], query="   ")
    _, artifact = run(tools["search_catalog"], query="films", k=500)
    assert len(artifact.hits) <= 20


def test_titles_the_viewer_has_seen_are_left_out(tools, session):
    session.profile.add(seen=["Jaws"])
    _, artifact = run(tools["search_catalog"], query="a shark attacks a beach town", k=5)
    assert "Jaws" not in {h.title.title for h in artifact.hits}


@pytest.mark.parametrize("asked, expected", [
    ("Alien", ("Alien", 1979)), ("tt0081505", ("The Shining", 1980)), ("amelie", ("Amélie", 2001)),
    ("The Shinning", ("The Shining", 1980)), ("Heat (1972)", ("Heat", 1972)), ("Heat 1995", ("Heat", 1995)),
    ("**Psycho**", ("Psycho", 1960)),
])
def test_details_resolve_ids_fuzzy_names_and_years(tools, asked, expected):
    text, artifact = run(tools["get_title_details"], title=asked)
    t = artifact.hits[0].title
    assert (t.title, t.year) == expected and artifact.data["found"] is True
    assert t.label in text and (not t.directors or t.directors[0] in text)


def test_same_name_titles_are_listed_and_the_better_known_comes_first(tools):
    text, artifact = run(tools["get_title_details"], title="Heat")
    assert artifact.hits[0].title.year == 1995 and "Heat (1972)" in text


def test_unknown_title_is_a_plain_not_found(tools):
    text, artifact = run(tools["get_title_details"], title="Zyxxor Returns")
    assert artifact.data == {"query": "Zyxxor Returns", "found": False} and "not in the catalog" in text
    with pytest.raises(ToolInputError):
        run(tools["get_title_details"], title="")


def test_injected_description_reaches_the_model_fenced_and_defused(tools):
    text, _ = run(tools["get_title_details"], title=INJECTED_ID)
    fenced = fence_tool_result("get_title_details", text)
    assert fenced.startswith('<tool_result name="get_title_details">') and fenced.endswith("</tool_result>")
    assert fenced.count("</tool_result>") == 1 and "<|im_start|>" not in fenced and "<tool_call>" not in fenced
    assert "IGNORE ALL PREVIOUS INSTRUCTIONS" in fenced  # kept as data, visibly
    assert INJECTION not in fenced


def test_recommend_uses_the_liked_titles_and_the_limits_in_the_message(catalog, session):
    tools = {t.name: t for t in build_agent_tools(catalog, session, message="I loved Alien and Heat, no dramas")}
    text, artifact = run(tools["recommend_titles"], liked=["Alien", "Heat (1995)"])
    picked = {h.title.title for h in artifact.hits}
    assert picked and not picked & {"Alien", "Heat"}, "liked titles are not recommended back"
    assert all("Drama" not in h.title.genres for h in artifact.hits), "no dramas, as the message said"
    assert text.startswith("Picks for a viewer who liked Alien (1979), Heat (1995)")
    assert artifact.data["hits"][0]["why"] and artifact.data["liked"] == ["Alien (1979)", "Heat (1995)"]


def test_recommend_reports_unknown_titles_and_needs_a_liked_title(tools, catalog):
    text, artifact = run(tools["recommend_titles"], liked=["Alien", "Zzyzx Megashark 3000"])
    assert "Zzyzx Megashark 3000" in text and artifact.data["unresolved"][0]["name"] == "Zzyzx Megashark 3000"
    fresh = {t.name: t for t in build_agent_tools(catalog, Session("new viewer"))}
    with pytest.raises(ToolInputError, match="liked"):
        fresh["recommend_titles"].func(liked=[])


def test_recommend_remembers_likes_from_earlier_turns(catalog, session):
    session.profile.add(likes=["Heat", "horror"])  # "horror" is not a title: it must not become an unknown title
    tools = {t.name: t for t in build_agent_tools(catalog, session)}
    _, artifact = run(tools["recommend_titles"], liked=["Alien"])
    assert artifact.data["liked"] == ["Alien (1979)", "Heat (1995)"] and not artifact.data["unresolved"]


def test_storyboard_tool_draws_frames_and_attaches_the_sheet(tools):
    text, artifact = run(tools["generate_storyboard"], scene="a chase across rooftops at night", shots=4,
                         aspect="2.39:1")
    assert text.startswith("Storyboard of 4 shots") and len(artifact.data["shots"]) == 4
    media = [a["media_type"] for a in artifact.attachments]
    assert media == ["image/png", "image/gif", "video/mp4", "application/pdf", "text/csv"]
    assert all(Path(a["path"]).is_file() for a in artifact.attachments)
    with pytest.raises(ToolInputError):
        tools["generate_storyboard"].func(scene="  ")


def test_ads_tool_writes_checked_drafts_for_a_catalog_title(tools):
    text, artifact = run(tools["draft_ads"], title="Jaws", tone="playful")
    assert text.startswith("Ad drafts for Jaws") and artifact.data["found"] and artifact.data["passed"]
    assert [h.title.title for h in artifact.hits] == ["Jaws"]
    assert artifact.data["drafts"]["tagline"] and all(Path(a["path"]).is_file() for a in artifact.attachments)
    text, artifact = run(tools["draft_ads"], title="Jawz 3000 Megashark")
    assert not artifact.data["found"] and "not in the catalog" in text.lower() and not artifact.hits


def test_the_ads_tool_attaches_exports_and_key_art(catalog, session, tmp_path):
    from knowledge.settings import Settings
    from tools.agent_creative import CreativeServices

    services = CreativeServices(settings=Settings(data_dir=tmp_path))
    tool = {t.name: t for t in build_agent_tools(catalog, session, services)}["draft_ads"]
    text, artifact = run(tool, title="Jaws", tone="playful", audience="families")
    assert "Warning:" in text and "older kids and up" in text
    assert sorted(a["caption"] for a in artifact.attachments if a["media_type"] == "image/png") == [
        "Key art (poster)", "Key art (square)", "Key art (tile)"]
    assert all(Path(a["path"]).is_file() for a in artifact.attachments) and len(artifact.attachments) == 5


def test_recommend_records_the_stated_tastes(tools, session):
    run(tools["recommend_titles"], liked=["Alien", " Heat "], disliked=["Psycho"])
    assert session.profile.likes == ["Alien", "Heat"] and session.profile.dislikes == ["Psycho"]


def test_tools_of_two_sessions_do_not_share_state(catalog):
    a, b = Session("a"), Session("b")
    search_a = build_agent_tools(catalog, a)[0]
    run(search_a, query="Miyazaki")
    assert a.last_search is not None and b.last_search is None


def test_a_disliked_genre_is_a_constraint_not_an_unknown_title(catalog):
    session = Session("genre-hater")
    message = "I loved Alien, I can't stand musicals"
    tools = {t.name: t for t in build_agent_tools(catalog, session, message=message)}
    text, artifact = run(tools["recommend_titles"], liked=["Alien"], disliked=["musicals"])
    assert not artifact.data["unresolved"] and "musicals" not in text.lower()
    assert artifact.hits and all("Musical" not in h.title.genres for h in artifact.hits)

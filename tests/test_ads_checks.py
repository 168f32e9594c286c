"""Ad-draft checks on hand-written drafts: length, grounding (true and false positives), spoilers, brand safety,
and the repairs (trim at a word boundary, drop unsupported names)."""

from __future__ import annotations

import pytest

from knowledge.titles import Title, factual_description
from tools.ads.checks import DraftChecker
from tools.ads.facts import Facts, has_plot, split_plot
from tools.ads.formats import SPOTS, SpotLine, expand_formats, render_spot
from tools.ads.repair import drop_spans, repair, trim_to_limit

JAWS_PLOT = (
    "A great white shark attacks a young woman off Amity Island, a New England beach town. "
    "Police chief Martin Brody wants to close the beaches, but Mayor Larry Vaughn refuses, fearing the loss of "
    "summer tourist money. After more attacks, Brody hires the grizzled shark hunter Quint and is joined by "
    "oceanographer Matt Hooper. The three men sail out on Quint's boat, the Orca, to hunt the shark. "
    "The shark rams the boat, which begins to sink, and devours Quint. "
    "Brody jams a scuba tank into the shark's mouth and shoots it, and the tank explodes; Brody and Hooper "
    "paddle back to shore."
)
JAWS = Title(
    id="tt0073195", title="Jaws", year=1975, genres=["Thriller", "Adventure", "Horror"],
    directors=["Steven Spielberg"], cast=["Roy Scheider", "Robert Shaw", "Richard Dreyfuss"],
    writers=["Peter Benchley"], countries=["United States"], languages=["English"], runtime_min=124,
    maturity_rating="PG", description=JAWS_PLOT, critic_score=97, critic_review_count=80,
    source="wikidata+wikipedia",
)


@pytest.fixture(scope="module")
def checker() -> DraftChecker:
    return DraftChecker(Facts.from_title(JAWS))


def no_plot(t: Title) -> Title:
    bare = Title(**{**t.to_dict(), "description": "", "source": "wikidata"})
    return Title(**{**bare.to_dict(), "description": factual_description(bare)})


# -- facts ------------------------------------------------------------------------------------------------------
def test_the_plot_splits_into_an_opening_and_the_last_third():
    opening, ending = split_plot(JAWS_PLOT)
    assert opening.startswith("A great white shark") and "Orca" in opening
    assert ending.startswith("The shark rams the boat") and "explodes" in ending
    assert has_plot(JAWS) and not has_plot(no_plot(JAWS))


def test_expand_formats_accepts_groups_and_rejects_unknown_names():
    assert expand_formats("social") == ("x_post", "instagram", "video_hook")
    assert expand_formats(["tagline", "search"]) == ("tagline", "search_headlines", "search_descriptions")
    with pytest.raises(ValueError, match="Unknown ad format 'billboard'"):
        expand_formats(["billboard"])


# -- length -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("fmt", "text", "ok"), [
    ("tagline", "x" * 60, True), ("tagline", "x" * 61, False),
    ("logline", " ".join(["word"] * 35), True), ("logline", " ".join(["word"] * 36), False),
    ("video_hook", " ".join(["go"] * 12), True), ("video_hook", " ".join(["go"] * 13), False),
    ("x_post", "a" * 280, True), ("x_post", "a" * 281, False),
    ("instagram", "A caption with no tags.", False), ("instagram", "A caption.\n\n#Jaws", True),
    ("search_headlines", "x" * 30, True), ("search_headlines", "x" * 31, False),
    ("search_descriptions", "x" * 90, True), ("search_descriptions", "x" * 91, False),
    ("tagline", "two\nlines", False), ("tagline", "   ", False),
    ("key_art_prompt", " ".join(["shark"] * 61), False),
])
def test_length_limits(checker, fmt, text, ok):
    assert (not checker.check(fmt, text)["length"]) is ok


def spot(lines: list[tuple[int, int, str, str]]) -> str:
    return render_spot(SpotLine(*line) for line in lines)


def test_spot_scripts_need_timecodes_every_line_kind_and_a_voice_over_that_fits(checker):
    good = spot([(0, 4, "VISUAL", "A quiet beach."), (0, 4, "VO", "This summer, stay out of the water."),
                 (4, 15, "VISUAL", "Title card."), (4, 15, "SUPER", "JAWS (1975) | Now streaming")])
    assert not checker.check("spot_15s", good)["length"]
    assert "00:00-00:04 VO: This summer" in good
    short = good.replace("00:15", "00:12")
    assert any("00:15" in p for p in checker.check("spot_15s", short)["length"])
    no_super = "\n".join(line for line in good.splitlines() if "SUPER" not in line)
    assert "no SUPER line" in checker.check("spot_15s", no_super)["length"]
    long_vo = spot([(0, 15, "VISUAL", "Beach."), (0, 15, "VO", " ".join(["word"] * 33)), (0, 15, "SUPER", "JAWS")])
    assert any("voice-over is 33 words" in p for p in checker.check("spot_15s", long_vo)["length"])
    assert any("form" in p for p in checker.check("spot_15s", good + "\nVO without a timecode")["length"])
    assert SPOTS["spot_30s"].seconds == 30


# -- grounding --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Steven Spielberg's Jaws (1975).",
    "Watch The Classic Thriller Tonight",
    "Gripping. Unmissable. Jaws.",
    "Roy Scheider, Robert Shaw and Richard Dreyfuss star.",
    "A 1970s American thriller: 124 minutes, 97% positive reviews.",
    "Chief Brody hunts a great white shark off Amity Island.",
    "Don't go in the water. #Jaws #thriller #movienight #1970sMovies #StevenSpielberg",
    "I can't look away. Summer. Sharks. Spielberg.",
    "The '70s classic from the director of summer blockbusters.",
    "JAWS | NOW STREAMING",
    "Terrifying, relentless and in English.",
])
def test_grounding_accepts_what_the_record_supports(checker, text):
    assert checker.check("x_post", text)["grounding"] == []


@pytest.mark.parametrize(("text", "flagged"), [
    ("Starring Tom Hanks.", "Tom Hanks"),
    ("A Martin Scorsese thriller.", "Martin Scorsese"),
    ("The shark heads for Paris.", "Paris"),
    ("Back in cinemas since 1976.", "1976"),
    ("Richard Shaw leads the hunt.", "Richard Shaw"),
    ("Three men, 2 boats, one shark.", "2"),
    ("Meet the hunters. #TomHanks", "#TomHanks"),
    ("Tickets at https://example.com/jaws now", "https://example.com/jaws"),
    ("Winner of the Oscar for best score.", "Oscar"),
    ("The 1980s thriller everyone remembers.", "1980"),
])
def test_grounding_flags_names_and_numbers_the_record_does_not_support(checker, text, flagged):
    problems = checker.check("x_post", text)["grounding"]
    assert any(flagged in p for p in problems), problems


def test_grounding_without_a_plot_still_checks_names_against_the_metadata():
    bare = DraftChecker(Facts.from_title(no_plot(JAWS)))
    assert bare.check("tagline", "Roy Scheider faces the deep.")["grounding"] == []
    assert bare.check("tagline", "Chief Brody faces the deep.")["grounding"]  # a plot name, and there is no plot
    assert bare.check("tagline", "Jaws (1975), 124 minutes.")["grounding"] == []


# -- spoilers ---------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text", [
    "Brody's scuba tank ends it all.",
    "The Orca sinks as the shark rams the boat.",
    "The tank explodes and the two survivors paddle home.",
    "You will not believe the twist ending.",
])
def test_the_spoiler_guard_flags_the_end_of_the_plot(checker, text):
    assert checker.check("logline", text)["spoilers"], text


@pytest.mark.parametrize("text", [
    "A great white shark terrorises Amity Island, and Chief Brody must stop it.",
    "Brody, Hooper and Quint head out to sea to hunt the shark.",
    "This summer, stay out of the water.",
    "Jaws, directed by Steven Spielberg, starring Roy Scheider.",
])
def test_the_spoiler_guard_lets_the_setup_through(checker, text):
    assert checker.check("logline", text)["spoilers"] == []


def test_a_title_without_a_plot_has_no_ending_to_guard():
    bare = DraftChecker(Facts.from_title(no_plot(JAWS)))
    assert not bare.spoilers.active
    assert bare.check("logline", "The tank explodes.")["spoilers"] == []
    assert bare.check("logline", "Wait for the twist ending.")["spoilers"]  # generic cues still count


# -- brand safety -----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "category"), [
    ("This shit is scary.", "profanity"),
    ("A fucking great shark.", "profanity"),
    ("Now on Netflix.", "competitor"),
    ("Better than anything on Disney+.", "competitor"),
    ("A total bloodbath at the beach.", "violence"),
])
def test_brand_safety_flags_the_curated_list(checker, text, category):
    problems = checker.check("tagline", text)["brand_safety"]
    assert problems and problems[0].startswith(category), problems
    assert "fucking" not in " ".join(problems)  # reports mask profanity


def test_brand_safety_ignores_clean_copy_and_the_records_own_names():
    assert DraftChecker(Facts.from_title(JAWS)).check("tagline", "Scary, bloody good fun.")["brand_safety"] == []
    thin_man = Title(id="t1", title="Shadow of the Thin Man", year=1941, directors=["W. S. Van Dyke"])
    assert DraftChecker(Facts.from_title(thin_man)).check("tagline", "From W. S. Van Dyke.")["brand_safety"] == []


def test_key_art_prompts_name_no_real_people(checker):
    problems = checker.check("key_art_prompt", "A poster of Roy Scheider on a boat, no text")["brand_safety"]
    assert any("likeness" in p for p in problems)
    assert checker.check("key_art_prompt", "A lone swimmer above a dark shape, no text")["brand_safety"] == []


# -- repair -----------------------------------------------------------------------------------------------------
def test_trim_cuts_at_a_word_boundary_without_a_dangling_end():
    text = "A great white shark terrorises a beach town and the police chief goes hunting with the"
    trimmed = trim_to_limit("tagline", text)
    assert len(trimmed) <= 60 and text.startswith(trimmed) and not trimmed.endswith((" and", " the", " a"))
    words = " ".join(f"w{n}" for n in range(40))
    assert trim_to_limit("logline", words) == " ".join(f"w{n}" for n in range(35))


def test_dropping_an_unsupported_name_tidies_the_sentence():
    assert drop_spans("Starring Tom Hanks, Jaws bites.", ["Tom Hanks"]) == "Jaws bites."
    assert drop_spans("Jaws (with Tom Hanks) bites.", ["Tom Hanks"]) == "Jaws bites."


def test_repair_mends_names_and_length_but_never_spoilers(checker):
    text = "Tom Hanks and Roy Scheider hunt a great white shark off Amity Island this summer."
    mended, fixes = repair("x_post", text, checker.check("x_post", text), checker)
    assert "Tom Hanks" not in mended and "Roy Scheider" in mended and checker.passes("x_post", mended)
    assert fixes and "Tom Hanks" in fixes[0]
    long = "A great white shark terrorises Amity Island and nobody in town is safe from it"
    mended, fixes = repair("tagline", long, checker.check("tagline", long), checker)
    assert len(mended) <= 60 and "trimmed" in fixes[0]
    spoiler = "The tank explodes."
    assert repair("tagline", spoiler, checker.check("tagline", spoiler), checker) is None


def test_copy_credits_every_director_and_names_no_country_for_a_co_production():
    fargo = Title(id="f", title="Fargo", year=1996, directors=["Ethan Coen", "Joel Coen"],
                  countries=["United Kingdom", "United States"])
    facts = Facts.from_title(fargo)
    assert (facts.director, facts.director_last, facts.country) == ("Ethan and Joel Coen", "Coen", "")
    pair = Facts.from_title(Title(id="p", title="P", directors=["Lee Tamahori", "Spike Lee"],
                                  countries=["United States"]))
    assert (pair.director, pair.director_last, pair.country) == (
        "Lee Tamahori and Spike Lee", "Tamahori and Lee", "the United States")

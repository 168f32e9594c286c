"""Property-based fuzzing (hypothesis, 1,000 inputs each) of everything that reads text from outside: the query
parser, the tool-call parser, the catalog loader, the ad checks, and the names of the files we write.

The inputs mix random unicode with the pieces each parser cares about, so that most examples get past the
first branch. The heavy objects (vocabulary, ad checker, storyboard plan) are built once per module.
"""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from assistant.llm.tool_parsing import ParsedToolCall, parse_tool_calls
from knowledge.loader import CatalogError, load_catalog_file
from knowledge.settings import Settings
from knowledge.titles import Title
from tests.conftest import SMALL_CATALOG
from tests.test_ads_checks import JAWS
from tools.ads.checks import CHECKS, DraftChecker
from tools.ads.export import export
from tools.ads.facts import Facts
from tools.ads.formats import FORMATS, LIMITS
from tools.ads.repair import trim_to_limit
from tools.ads.result import AdDrafts, CheckOutcome, Draft
from tools.search.constraints import Constraints
from tools.search.parsing import QueryParser
from tools.search.vocabulary import Vocabulary
from tools.storyboard.files import MAX_SLUG, safe_slug
from tools.storyboard.storyboarder import Seeds, Storyboarder, _frame_path, _new_board

FUZZ = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Text that tries to get out of a folder or confuse a file system or a shell.
HOSTILE = ["../", "..\\", "/", "\\", "/etc/passwd", "C:\\Windows", "~", "\x00", ".", "..", "\n", "$(rm -rf ~)",
           "`id`", "*", "?", ":", "|", "<", ">", '"', "'", "CON", "NUL", "é", "ß", "İ", "ﬁ", "①", "Ⅻ", "𝔄", "日本",
           "🎬", "\u202e", "\u200b", "\ufeff"]


def hostile_text(max_pieces: int = 12) -> st.SearchStrategy[str]:
    piece = st.sampled_from(HOSTILE) | st.text(max_size=20) | st.text(alphabet="a-zA-Z0 ./", max_size=300)
    return st.lists(piece, max_size=max_pieces).map("".join)


def phrase(words: list[str], max_words: int = 10) -> st.SearchStrategy[str]:
    word = st.sampled_from(words) | st.text(max_size=10)
    return st.lists(word, max_size=max_words).map(" ".join)


def words(text: str, sep: str | None = None) -> list[str]:
    return text.split(sep)


# -- the query parser ---------------------------------------------------------------------------------------
QUERY_WORDS = words("a the from 80s '80s 1990s eighties early mid late before after since between and 1950 2100 0 -5 "
               "under over less than more minutes mins hours 90 1h 2h30 by starring directed with no not but without "
               "horror comedy sci-fi noir rom-com cartoon WWII french korean in spanish critically acclaimed recent "
               "series movie shorter older kubrick spielberg meryl streep alien jaws heat")


@pytest.fixture(scope="module")
def parser() -> QueryParser:
    return QueryParser(Vocabulary.from_titles(load_catalog_file(SMALL_CATALOG)))


@FUZZ
@given(text=phrase(QUERY_WORDS, 14) | st.text(max_size=300))
@example(text="1950 recent")  # found by fuzzing: a year range that ended before it started
@example(text="over 150 minutes under 80 minutes")
def test_the_query_parser_reads_anything(parser, text):
    constraints = parser.parse(text)
    assert isinstance(constraints, Constraints)
    for low, high in ((constraints.year_min, constraints.year_max), (constraints.runtime_min, constraints.runtime_max)):
        assert low is None or high is None or low <= high, (text, constraints)


def test_contradictory_ranges_are_dropped_with_a_notice(parser):
    constraints = parser.parse("a 1950 thriller, recent")
    assert (constraints.year_min, constraints.year_max) == (None, None)
    assert any("cannot all hold" in notice for notice in constraints.notices)
    assert parser.parse("between 1950 and 1965").year_max == 1965  # a real range stays


def test_a_csv_row_longer_than_its_header_is_reported(catalog_dir):
    path = catalog_dir / "long_row.csv"
    path.write_text("id,title\n1,Heat,1995,extra\n", encoding="utf-8")
    with pytest.raises(CatalogError, match="row 1: 2 more cell"):
        load_catalog_file(path)


# -- the tool-call parser -----------------------------------------------------------------------------------
TOOL_PIECES = ["<tool_call>", "</tool_call>", "```json\n", "```", "{", "}", "{{", "}}", "[", "]", '"name"', "'name'",
               '"arguments"', '"parameters"', '"args"', ":", ",", '"', "'", "\\", "search_catalog", "draft_ads",
               '"query"', '"80s horror"', "null", "true", "1e999", "NaN", "\n", " "]
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
                           lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                                       max_size=3), max_leaves=8)


def tool_call_json() -> st.SearchStrategy[str]:
    call = st.fixed_dictionaries({"name": st.sampled_from(["search_catalog", "draft_ads", "nope", ""]),
                                  "arguments": JSON_VALUES | st.dictionaries(st.text(max_size=6), JSON_VALUES)})
    wrapped = st.tuples(st.sampled_from(["<tool_call>{}</tool_call>", "```json\n{}\n```", "{}", "<tool_call>{}"]),
                        call.map(json.dumps))
    return wrapped.map(lambda pair: pair[0].replace("{}", pair[1]))


@FUZZ
@given(pieces=st.lists(st.sampled_from(TOOL_PIECES) | st.text(max_size=12) | tool_call_json(), max_size=25),
       known=st.sampled_from([None, ["search_catalog"], []]))
def test_the_tool_call_parser_reads_anything_without_an_internal_failure(pieces, known):
    text = "".join(pieces)
    result = parse_tool_calls(text, known)
    assert not any(e.startswith("parser failure") for e in result.errors), result.errors
    assert isinstance(result.text, str)
    for call in result.calls:
        assert isinstance(call, ParsedToolCall) and isinstance(call.name, str) and isinstance(call.arguments, dict)
        assert known is None or call.name in known


# -- the catalog loader -------------------------------------------------------------------------------------
FIELDS = ["id", "title", "year", "kind", "genres", "directors", "cast", "countries", "languages", "runtime_min",
          "critic_score", "critic_review_count", "maturity_rating", "description", "source", "extra", ""]
CELL = (st.sampled_from(["", "1999", "1e3", "-1", "nan", "inf", "movie", "series", "tv", "Horror, Comedy", "a;b|c",
                         '"quoted, cell"', "\x00", "é", "9" * 400]) | st.text(max_size=15))


@pytest.fixture(scope="module")
def catalog_dir():
    with tempfile.TemporaryDirectory(prefix="marquee-fuzz-") as folder:
        yield Path(folder)


def load_or_catalog_error(path: Path) -> None:
    """A catalog file either loads (titles with an id and a title) or is refused with a CatalogError."""
    try:
        titles = load_catalog_file(path)
    except CatalogError:
        return
    assert titles and all(isinstance(t, Title) and t.id and t.title for t in titles)


def csv_text() -> st.SearchStrategy[str]:
    header = st.lists(st.sampled_from(FIELDS), min_size=1, max_size=6)
    rows = st.lists(st.lists(CELL, max_size=7), max_size=5)
    joined = st.tuples(header, rows).map(lambda hr: "\n".join(",".join(r) for r in [hr[0], *hr[1]]))
    return joined | st.text(max_size=200)


@FUZZ
@given(text=csv_text())
@example(text="extra\n,")  # found by fuzzing: a row longer than the header crashed the error report
def test_any_csv_text_loads_or_raises_a_catalog_error(catalog_dir, text):
    path = catalog_dir / "fuzz.csv"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    load_or_catalog_error(path)


JSON_ROW = st.dictionaries(st.sampled_from(FIELDS), JSON_VALUES | CELL | st.integers(min_value=-(10**30),
                                                                                      max_value=10**400), max_size=6)


@FUZZ
@given(rows=st.lists(JSON_ROW | JSON_VALUES, max_size=5), layout=st.sampled_from(["json", "titles", "jsonl"]))
@example(rows=[{"id": "1", "title": "T", "year": 10**400}], layout="json")  # found by fuzzing: OverflowError
def test_any_json_rows_load_or_raise_a_catalog_error(catalog_dir, rows, layout):
    if layout == "jsonl":
        path, text = catalog_dir / "fuzz.jsonl", "\n".join(json.dumps(row) for row in rows)
    else:
        path, text = catalog_dir / "fuzz.json", json.dumps({"titles": rows} if layout == "titles" else rows)
    path.write_text(text, encoding="utf-8")
    load_or_catalog_error(path)


# -- the ad checks ------------------------------------------------------------------------------------------
AD_WORDS = words("Jaws Amity Brody Quint Hooper Orca shark Spielberg Steven Scheider 1975 #Jaws #SharkWeek "
            "https://example.com the killer is turns out dies at the end VO: SUPER: VISUAL: 00:00-00:05 "
            "damn kill blood ! ? — … \n", " ")


@pytest.fixture(scope="module")
def checker() -> DraftChecker:
    return DraftChecker(Facts.from_title(JAWS))


@FUZZ
@given(fmt=st.sampled_from(FORMATS), text=phrase(AD_WORDS, 30) | st.text(max_size=400))
@example(fmt="tagline", text="")  # found by fuzzing: trimming an empty draft raised IndexError
def test_the_ad_checks_read_anything(checker, fmt, text):
    problems = checker.check(fmt, text)
    assert set(problems) == set(CHECKS)
    assert all(isinstance(p, str) and p for found in problems.values() for p in found)
    trimmed, limit = trim_to_limit(fmt, text), LIMITS[fmt]
    assert limit.max_chars is None or len(trimmed) <= limit.max_chars, (text, trimmed)
    assert limit.max_words is None or len(trimmed.split()) <= limit.max_words, (text, trimmed)


# -- file names ---------------------------------------------------------------------------------------------
_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


@FUZZ
@given(text=hostile_text(), max_length=st.integers(min_value=1, max_value=80))
def test_safe_slug_is_always_a_plain_short_name(text, max_length):
    slug = safe_slug(text, max_length=max_length)
    assert slug == "scene" or (_SLUG.fullmatch(slug) and len(slug) <= max_length), (text, slug)


@pytest.fixture(scope="module")
def storyboard_parts(tmp_path_factory):
    from tools.storyboard.planner import plan_shots

    settings = Settings(data_dir=tmp_path_factory.mktemp("fuzz-boards"))
    return Storyboarder(settings=settings, use_llm=False), plan_shots(None, "A chase on a rooftop", 2)


def inside(path: Path, folder: Path) -> bool:
    return path.resolve().is_relative_to(folder.resolve()) and "\x00" not in str(path)


@FUZZ
@given(scene=hostile_text())
def test_storyboard_files_stay_inside_their_folder(storyboard_parts, scene):
    storyboarder, plan = storyboard_parts
    folder = storyboarder._out_dir(scene, None)
    assert inside(folder, storyboarder.settings.data_dir / "storyboards") and folder.is_dir()
    folder.joinpath("frames").rmdir()
    folder.rmdir()  # 1,000 empty folders would be harmless, but tidy
    board = _new_board(scene, plan, "16:9", Seeds(1, {}), folder, None, [])
    for path in (board.sheet_png, board.sheet_pdf, board.shot_list_csv, board.shot_list_json,
                 _frame_path(folder, 1, revision=False)):
        assert inside(path, folder) and len(path.name) <= MAX_SLUG + 20, path


def ad_drafts(title_id: str, title: str) -> AdDrafts:
    return AdDrafts(title_id=title_id, title=title, tone="", audience="", language="English", formats=("tagline",),
                    drafts={"tagline": [Draft("tagline", "A tagline.", "template")]},
                    checks={name: CheckOutcome(name) for name in CHECKS})


@FUZZ
@given(title_id=hostile_text(4), title=hostile_text())
def test_ad_export_files_stay_inside_their_folder(tmp_path_factory, title_id, title):
    folder = tmp_path_factory.getbasetemp() / "fuzz-ads"
    paths = export(ad_drafts(title_id, title), folder)
    assert len(paths) == 2 and all(p.parent == folder and inside(p, folder) for p in paths)
    assert all(re.fullmatch(r"[a-z0-9-]{0,80}-ads\.(md|csv)", p.name) for p in paths), paths
    for path in paths:
        path.unlink()

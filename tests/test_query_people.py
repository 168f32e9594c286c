"""Who a name means: surnames of prolific actors and directors, "or" between people, a career in two roles; and the
other list-of-wishes readings found by blind tune queries (misspelt genres, critic percentages, two-digit years)."""

import numpy as np
import pytest

from knowledge.memory_index import MemoryIndex
from knowledge.titles import Title
from tools.search.parsing import QueryParser
from tools.search.vocabulary import Vocabulary


def _films(person: str, role: str, n: int, reviews: int, start: int = 0, **extra) -> list[Title]:
    return [Title(f"{person}-{role}-{k}", f"{person} {role} {k}", 1950 + k, genres=["Drama"],
                  critic_review_count=reviews, **{role: [person], **extra}) for k in range(start, start + n)]


@pytest.fixture(scope="module")
def titles() -> list[Title]:
    return [
        *_films("Humphrey Bogart", "cast", 6, 50), *_films("Lauren Bacall", "cast", 5, 40),
        *_films("Yasujirō Ozu", "directors", 6, 30),
        # Directs far better known films than the ones he acts in for others (and cameos in his own).
        *_films("Martin Scorsese", "directors", 8, 100, cast=["Martin Scorsese"]),
        *_films("Martin Scorsese", "cast", 5, 20, start=8),
        # Two careers of the same weight.
        *_films("Clint Eastwood", "directors", 6, 60, cast=["Clint Eastwood"]),
        *_films("Clint Eastwood", "cast", 6, 60, start=6),
        Title("w1", "A Western", 1966, genres=["Western"], directors=["Sergio Leone"], cast=["Clint Eastwood"]),
        Title("w2", "Another Western", 1992, genres=["Western"], directors=["Clint Eastwood"],
              cast=["Clint Eastwood"]),
        *(Title(f"g{k}", f"Genre film {k}", 1980, genres=[g]) for k, g in enumerate(
            ("Science Fiction", "Horror", "Crime", "War", "Romance", "Thriller", "Comedy", "Action", "Fantasy"))),
        Title("in", "A Hindi film", 2004, genres=["Romance"], countries=["India", "Serbia"], languages=["Hindi"]),
        *_films("Isabelle Huppert", "cast", 5, 30), *_films("James Stewart", "cast", 5, 30),
        Title("doc", "A documentary", 2008, genres=["Documentary"], languages=["English"]),
    ]


def _kept(c, titles: list[Title]) -> set[str]:
    index = MemoryIndex.build(titles, np.zeros((len(titles), 4), dtype=np.float32))
    return {t.id for t, keep in zip(titles, c.to_mask(index), strict=True) if keep}


@pytest.fixture(scope="module")
def parse(titles):
    return QueryParser(Vocabulary.from_titles(titles)).parse


def test_an_actor_surname_after_with_or_before_films(parse):
    assert parse("DiCaprio films").cast == ()  # not in this catalog: nothing guessed
    assert parse("Bogart films").cast == ("Humphrey Bogart",)
    assert parse("something with Bogart").cast == ("Humphrey Bogart",)
    assert parse("movies with hope and friendship").cast == ()  # lower case after "with": a word
    assert parse("the best bogart films").cast == ()  # an actor's surname only capitalised


def test_a_short_director_surname_needs_a_body_of_work(parse):
    assert parse("ozu movies").directors == ("Yasujirō Ozu",)


def test_either_person_with_or(parse, titles):
    c = parse("anything with Bogart or Bacall")
    assert c.people_any == ("Humphrey Bogart", "Lauren Bacall") and c.cast == ()
    assert _kept(c, titles) == {t.id for t in titles if {"Humphrey Bogart", "Lauren Bacall"} & set(t.cast)}
    assert all(c.reasons(t) for t in titles if "Lauren Bacall" in t.cast)


def test_the_better_known_career_decides_and_equal_careers_mean_either(parse, titles):
    assert parse("Martin Scorsese films").directors == ("Martin Scorsese",)
    c = parse("Clint Eastwood westerns")
    assert c.people_any == ("Clint Eastwood",) and c.genres_all == ("Western",)
    assert _kept(c, titles) == {"w1", "w2"}  # the one he starred in for Leone and the one he directed
    assert parse("movies Clint Eastwood directed").directors == ("Clint Eastwood",)


def test_list_of_wishes_readings_found_by_blind_tune_queries(parse):
    assert parse("sci fi horor from the 80s").genres_all == ("Science Fiction", "Horror")
    westerns = parse("westrens from the sixties")
    assert westerns.genres_all == ("Western",) and any("westrens" in n for n in westerns.notices)
    assert parse("crimes of passion").genres_all == ()  # a plural of a genre word stays a word (a title's)
    assert parse("sci-fi with at least 90% on rotten tomatoes").min_critic_score == 90
    assert parse("dramas with a tomatometer above 85").min_critic_score == 86
    assert (parse("anything from '94").year_min, parse("anything from '94").year_max) == (1994, 1994)
    c = parse("a non-English-language war movie")
    assert c.genres_all == ("War",) and c.languages_none == ("English",) and c.genres_none == ()
    assert parse("subtitled crime films").languages_none == ("English",)
    assert parse("golden-age Hollywood romances").year_max == 1960


@pytest.mark.parametrize(("query", "expected"), [
    ("comedies under 1h30", {"runtime_max": 89}),
    ("an hour and forty minutes or less", {"runtime_max": 100}),
    ("got any action comedies newer than 2005?", {"year_min": 2006}),
    ("horror thrillers no older than 1990", {"year_min": 1990}),
    ("foreign comedies with subtitles, nothing before 1990", {"year_min": 1990, "year_max": None}),
    ("westerns not after 1960", {"year_max": 1960}),
    ("fantasy movies from the decade before 2000", {"year_min": 1990, "year_max": 1999}),
    ("bollywood love stories", {"countries": ("India",), "languages": ("Hindi",)}),
    ("certified fresh dramas", {"min_critic_score": 80}),
    ("huppert's films", {"cast": ("Isabelle Huppert",)}),  # a possessive names whose films, even in lower case
    ("a thriller tonight, nothing over two hours", {"runtime_max": 120, "runtime_min": None}),
    ("adventure epics, 2hrs+", {"runtime_min": 120}),
    ("a mystery that's ninety minutes or so", {"runtime_min": 80, "runtime_max": 100}),
    ("highly rated 90 minute thrillers", {"min_critic_score": 80, "runtime_min": 80}),  # "rated" no runtime cue
    ("'60s sci-fi rated 80+", {"min_critic_score": 80, "year_min": 1960}),
    ("any documentary scoring above 85 with critics, from 2005 or later",
     {"min_critic_score": 86, "year_min": 2005, "year_max": None, "genres_all": ("Documentary",)}),
    ("nothing that isn't a comedy, from the 80s", {"genres_all": ("Comedy",), "genres_none": ()}),
    ("sci-fi that took home multiple Academy Awards", {"genres_all": ("Science Fiction",), "awards": "oscars_2"}),
    ("mid-century dramas", {"year_min": 1945, "year_max": 1965}),
    ("top rated war films with subtitles", {"languages_none": ("English",)}),
    ("Aussie films", {"countries": ()}),  # no Australian film in this catalog: nothing to filter on
])
def test_more_list_of_wishes_readings(parse, query, expected):
    c = parse(query)
    assert {k: getattr(c, k) for k in expected} == expected


def test_inside_a_story_only_the_words_before_it_describe_the_film(parse):
    cat = parse("old black and white horror where a woman from Serbia believes she will turn into a panther if her "
                "new husband ever kisses her")
    assert cat.countries == () and cat.year_min is None and cat.era_hint == (1900, 1969)  # not 'new' = recent
    rambow = parse("British comedy about a boy from a strict religious family who teams up with the school "
                   "troublemaker to shoot their own action movie sequel on a camcorder")
    assert rambow.genres_all == () and any(h.value == "Action" for h in rambow.boosts)


def test_a_nickname_finds_the_credited_name(parse):
    assert parse("jimmy stewart movies").cast == ("James Stewart",)

"""A query as hypotheses, on the default catalog's vocabulary: explicit phrasings filter, story words boost."""

import pytest

from knowledge.default_catalog import load_default_catalog
from tools.search.parsing import QueryParser
from tools.search.vocabulary import Vocabulary


@pytest.fixture(scope="module")
def parse():
    return QueryParser(Vocabulary.from_titles(load_default_catalog())).parse


def test_places_people_and_genres_inside_a_story_only_boost(parse):
    c = parse("a hotel manager shelters refugees during the genocide in Rwanda")
    assert not c.countries and [(h.field, h.value) for h in c.boosts] == [("countries", "Rwanda")]
    assert "I read 'Rwanda' as part of the story, not a country filter." in c.notices
    c = parse("young Che Guevara rides across South America on a motorcycle")
    assert not c.cast and not c.countries and "motorcycle" in c.soft_text
    c = parse("a mother and her two light-sensitive children in a dark mansion after the war")
    assert not c.genres_all and not c.tones and "dark" in c.soft_text  # a dark mansion, not a dark film


def test_language_and_series_words_inside_a_story_do_not_filter(parse):
    # "Khmer Rouge" is history, not the film's language; "shows" is a verb here, not a request for TV series.
    c = parse("a reporter and his Cambodian interpreter are separated when the Khmer Rouge take over")
    assert not c.languages and [(h.field, h.value) for h in c.boosts] == [("languages", "Khmer")]
    assert "I read 'Khmer' as part of the story, not a language filter." in c.notices
    c = parse("an angel shows a desperate man on Christmas Eve what his town would look like if he had never been born")
    assert c.kind is None and not any("films only" in n for n in c.notices)
    # A duration, a length word or an acclaim word inside a story is part of it, not a filter.
    c = parse("a man has 90 minutes to get the money and save his girlfriend in Berlin")
    assert c.runtime_min is None and c.runtime_max is None
    assert "I read '90 minutes' as part of the story, not a running-time filter." in c.notices
    c = parse("a man must find his best friend who vanished during a storm on a long journey")
    assert c.min_critic_score is None and c.runtime_min is None and "best" in c.soft_text
    # Phrased as wishes, they still filter.
    assert parse("the best sci-fi of the 90s").min_critic_score is not None
    assert parse("a comedy around 90 minutes").runtime_max == 105
    assert parse("films in Khmer").languages == ("Khmer",)
    assert parse("Korean tv shows").kind == "series"


def test_explicit_phrasings_filter_whatever_the_case(parse):
    for query in ("German war movies", "german war movies", "GERMAN WAR MOVIES"):
        c = parse(query)
        assert c.countries == ("Germany",) and c.genres_all == ("War",) and not c.directors, query
    assert parse("films Samuel L. Jackson is in").cast == ("Samuel L. Jackson",)
    assert parse("a movie by Spielberg").directors == ("Steven Spielberg",)
    assert not parse("Spielberg").directors  # a surname alone is not enough evidence


def test_a_role_word_after_the_name_sets_the_role(parse):
    # Clint Eastwood has more acting than directing credits: without the cue he would be read as cast.
    c = parse("movies Clint Eastwood directed")
    assert c.directors == ("Clint Eastwood",) and not c.cast and not c.soft_text
    assert parse("a film Tom Hanks starred in").cast == ("Tom Hanks",)


def test_families_credited_together_are_read_as_people_and_said_out_loud(parse):
    c = parse("films by the Coen brothers")
    assert c.directors == ("Joel Coen",) and not c.soft_text
    assert "I read 'Coen brothers' as films directed by Joel Coen (most of them with Ethan Coen)." in c.notices
    assert parse("the Marx Brothers comedies").cast == ("Groucho Marx",)
    # No two Wrights share two films: the aviators stay words of the story.
    c = parse("the Wright brothers build a plane")
    assert not c.directors and not c.cast and "wright" in c.soft_text


@pytest.mark.parametrize(("query", "low", "high"), [
    ("long dramas, at least two and a half hours", 150, None),
    ("three hours or longer", 180, None),
    ("85 minutes tops", None, 85),
    ("a film of 2.5 hours or more", 150, None),
])
def test_runtime_phrases(parse, query, low, high):
    c = parse(query)
    assert (c.runtime_min, c.runtime_max) == (low, high)


@pytest.mark.parametrize(("query", "awards"), [
    ("movies with at least three Oscars", "oscars_3"),
    ("dramas that won more than 5 academy awards", "oscars_6"),
    ("4 oscars or more", "oscars_4"),
    ("multiple Oscar winners from the 90s", "oscars_2"),
    ("films that won one oscar", "oscar_won"),
    ("films with two Oscar nominations", None),
])
def test_oscar_counts(parse, query, awards):
    c = parse(query)
    assert c.awards == awards
    if awards:
        assert "oscar" not in c.soft_text.lower() and "won" not in c.soft_text.split()


def test_oscar_count_classes_filter_like_any_award():
    from knowledge.titles import award_classes
    from tools.search.constraints import Constraints, award_words

    three_won = set(award_classes("Won 3 Oscars. Another 2 wins."))
    assert three_won == {"oscar_won", "oscar_nominated", "oscars_2", "oscars_3", "won"}
    assert "oscars_2" not in award_classes("Won 1 Oscar.") and award_classes("Nominated for 2 Oscars.") == [
        "oscar_nominated"]
    three = Constraints(awards="oscars_3")
    assert three.reasons(_titled("Won 4 Oscars.")) and three.reasons(_titled("Won 2 Oscars.")) is None
    assert award_words("oscars_3") == "won at least 3 Oscars"


def _titled(awards: str):
    from knowledge.titles import Title

    return Title(id="x", title="X", awards=awards)


def test_awards_subgenres_wartime_language_and_tone(parse):
    assert parse("Oscar-winning dramas").awards == "oscar_won"
    assert parse("award winning documentaries").awards == "won"
    c = parse("spaghetti westerns")
    assert c.genres_all == ("Western",) and c.countries == ("Italy",)
    assert set(parse("giallo").genres_any) == {"Horror", "Thriller", "Mystery"}
    assert "slasher" in parse("slasher films from the 80s").semantic_text
    assert (parse("movies made while the war was still on").year_min, parse("films made during WWII").year_max) \
        == (1939, 1945)
    assert parse("not in English").languages_none == ("English",)
    c = parse("a dark psychological thriller from the 80s")
    assert c.tones == ("dark", "psychological") and c.genres_all == ("Thriller",) and "dark" not in c.semantic_text


def test_runtime_phrases_with_a_negation_or_a_length_word(parse):
    c = parse("horror movies no longer than 90 minutes")
    assert (c.runtime_min, c.runtime_max) == (None, 90)
    c = parse("MOVIES OVER 3 HOURS LONG")
    assert (c.runtime_min, c.runtime_max) == (181, None)


def test_surnames_and_misspelt_names_with_a_cue(parse):
    assert parse("Scorsese crime movies").directors == ("Martin Scorsese",)
    c = parse("Hitchcok thrillers")
    assert c.directors == ("Alfred Hitchcock",) and c.genres_all == ("Thriller",)
    assert "No one called 'Hitchcok' in the catalog; using Alfred Hitchcock." in c.notices
    assert parse("tom hnaks dramas").cast == ("Tom Hanks",)
    # Still not a person: a nationality before a genre, filler words, words of a story.
    assert not parse("German war movies").directors
    c = parse("a teenage kid writes for Rolling Stone and goes on tour with a rock band in the 70s")
    assert not c.cast and not c.directors and "rock" in c.soft_text


def test_a_value_both_wanted_and_refused_is_dropped_and_said(parse):
    c = parse("horror comedies that are not horror")
    assert c.genres_all == ("Comedy",) and not c.genres_none
    assert "You asked both for and against Horror; searching without either." in c.notices


def test_a_recalled_era_of_the_film_is_a_hint_and_the_story_s_years_are_not(parse):
    c = parse("70s disney comedy where a mom and her tomboy teenage daughter magically switch bodies for a day")
    assert c.era_hint == (1970, 1979) and c.year_min is None and c.year_max is None
    assert "I read the years as when the film was made, a hint rather than a filter." in c.notices
    c = parse("a family in the 70s moves to a farm where the father grows marijuana and the kids hide it")
    assert c.era_hint is None and c.year_min is None and not c.genres_all  # when the story happens; "a family..."
    assert parse("comedies from the 70s").year_min == 1970  # a wish still filters


def test_only_a_story_told_at_length_is_read_whole(parse):
    assert parse("a hunter in Texas finds a case of drug money in the desert and a killer comes after him").story_told
    assert not parse("a warm-hearted film about food and cooking").story_told
    assert not parse("French comedies under 90 minutes").story_told


def test_a_recalled_era_and_a_told_story_change_the_ranking_weights():
    import numpy as np

    from knowledge.memory_index import MemoryIndex
    from knowledge.titles import Title
    from tools.search.constraints import Constraints
    from tools.search.ranking import STORY_WEIGHTS, WEIGHTS, Signals, fused_scores, weights_for

    titles = [Title(id="a", title="Body Swap", year=2003), Title(id="b", title="Body Swap", year=1976)]
    index = MemoryIndex.build(titles, np.eye(2, dtype=np.float32))
    same = Signals(np.arange(2), dense=np.array([0.5, 0.4], np.float32), keyword=np.array([2.0, 1.0], np.float32))
    story = Constraints(soft_text="mom daughter switch bodies magically for day", description=True)
    plain = fused_scores(story, same, index, np.zeros(2), None, np.ones(2, bool))
    hinted = fused_scores(story.with_(era_hint=(1970, 1979)), same, index, np.zeros(2), None, np.ones(2, bool))
    assert plain[0] > plain[1] and hinted[1] > hinted[0]  # the 1976 film wins once the viewer recalls the 70s
    assert weights_for(story) is STORY_WEIGHTS and weights_for(story.with_(soft_text="food cooking")) is WEIGHTS

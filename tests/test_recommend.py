"""The recommender on the 32-title test catalog, with and without a (synthetic) interaction log."""

import json

import numpy as np
import pytest

from assistant.recommend import recommender_for
from knowledge.interactions import load_interactions
from tools.recommend.engine import Recommender, memory_index
from tools.search.constraints import Constraints

ALIEN, ALIENS, HEAT, JAWS = "tt0078748", "tt0090605", "tt0113277", "tt0073195"
BLUE_VELVET, AMADEUS, WIZARD_OF_OZ = "tt0086190", "tt0086879", "tt0032138"


@pytest.fixture(scope="module")
def index(small_catalog):
    return memory_index(small_catalog.search_engine)


@pytest.fixture(scope="module")
def content_only(index):
    return Recommender(index)


@pytest.fixture(scope="module")
def log_path(tmp_path_factory, index):
    """Viewers of Alien also watch Blue Velvet (no content link between them); others pair Heat with Amadeus."""
    rng = np.random.default_rng(0)
    ids = [t.id for t in index.titles]
    others = [i for i in ids if i not in (ALIEN, BLUE_VELVET, HEAT, AMADEUS)]
    rows, clock = [], 0
    for user in range(90):
        pair = [ALIEN, BLUE_VELVET] if user < 30 else [HEAT, AMADEUS] if user < 60 else []
        for item in pair + list(rng.choice(others, size=3, replace=False)):
            clock += 1
            rows.append(f"u{user},{item},{rng.integers(1, 6)},{clock}")
    rows += ["u1,tt9999999,5,1", "u2,tt0078748,eleven,2"]  # an unknown id and a bad rating: skipped
    path = tmp_path_factory.mktemp("logs") / "log.csv"
    path.write_text("user_id,item_id,rating,timestamp\n" + "\n".join(rows) + "\n")
    return path


@pytest.fixture(scope="module")
def with_log(index, log_path):
    return Recommender(index, load_interactions(log_path, known_items={t.id for t in index.titles}))


def ids(result):
    return [h.id for h in result.hits]


def test_picks_exclude_seen_and_disliked_titles(content_only):
    result = content_only.recommend(["Alien", "Heat"], disliked=["Aliens", "Jaws"], k=10)
    assert len(result) == 10
    assert not {ALIEN, HEAT, ALIENS, JAWS} & set(ids(result))
    assert [t.id for t in result.liked] == [ALIEN, HEAT] and {t.id for t in result.disliked} == {ALIENS, JAWS}


def test_disliked_titles_push_down_similar_ones(content_only):
    plain = ids(content_only.recommend(["Heat"], k=31))
    disliking = ids(content_only.recommend(["Heat"], disliked=["Goodfellas"], k=31))
    taxi_driver = "tt0075314"  # Scorsese crime drama, like the disliked Goodfellas
    assert disliking.index(taxi_driver) > plain.index(taxi_driver)


def test_picks_fit_the_liked_titles(content_only):
    top = content_only.recommend(["Alien"], k=3)
    assert ALIENS in ids(top)
    assert all({"Horror", "Science Fiction"} & set(h.title.genres) for h in top.hits)


def test_explanations_name_the_liked_titles(content_only):
    result = content_only.recommend(["Alien", "Heat"], k=5)
    by_id = {h.id: h for h in result.hits}
    assert any("Alien" in why and "Sigourney Weaver" in why for why in by_id[ALIENS].why)
    naming = [h for h in result.hits if any("Alien" in w or "Heat" in w for w in h.why)]
    assert len(naming) >= 4


@pytest.mark.parametrize("constraints", ["only 90s", Constraints(year_min=1990, year_max=1999)])
def test_constraints_are_honoured(content_only, constraints):
    result = content_only.recommend(["Alien"], k=10, constraints=constraints)
    assert result.hits and all(1990 <= h.title.year <= 1999 for h in result.hits)
    assert all(any("199" in w for w in h.why) for h in result.hits)


def test_cant_stand_a_genre_excludes_it(content_only):
    result = content_only.recommend([], k=31, constraints="I can't stand musicals")
    assert result.hits and WIZARD_OF_OZ not in ids(result)
    assert WIZARD_OF_OZ in ids(content_only.recommend([], k=31))


def test_impossible_constraints_say_so(content_only):
    result = content_only.recommend(["Alien"], constraints=Constraints(year_min=2100))
    assert result.hits == [] and any("constraints" in m for m in result.messages)


def test_one_title_per_franchise_while_others_remain(index):
    # Liking a horror film ranks both Alien films high; only one of them makes the picks.
    result = Recommender(index).recommend(["The Thing"], k=8)
    assert len({ALIEN, ALIENS} & set(ids(result))) == 1


def test_empty_profile_falls_back_to_acclaimed_picks_and_says_so(content_only):
    result = content_only.recommend([], k=5)
    assert result.fallback and len(result) == 5
    assert any("acclaimed" in m for m in result.messages)
    assert all(h.title.critic_score >= 90 for h in result.hits)
    assert all(any(w.startswith("critics") for w in h.why) for h in result.hits)


def test_liked_and_disliked_title_counts_as_disliked(content_only):
    result = content_only.recommend(["Alien", "Heat"], disliked=["alien"], k=5)
    assert [t.id for t in result.liked] == [HEAT] and [t.id for t in result.disliked] == [ALIEN]
    assert any("both liked and disliked" in m for m in result.messages)
    assert ALIEN not in ids(result) and not result.fallback


def test_unknown_and_misspelt_titles_are_reported(content_only):
    result = content_only.recommend(["Allien", "zzqx"], k=3)
    assert [t.id for t in result.liked] == [ALIEN]
    assert [r.query for r in result.unresolved] == ["zzqx"]
    assert any("Allien" in m for m in result.messages) and any("zzqx" in m for m in result.messages)
    only_unknown = content_only.recommend(["zzqx"], k=3)
    assert only_unknown.fallback and len(only_unknown) == 3


def test_k_is_bounded(content_only):
    assert len(content_only.recommend(["Alien"], k=0)) == 1
    assert len(content_only.recommend(["Alien"], k=1000)) == 31  # every title but the liked one


def test_log_teaches_what_content_cannot_know(content_only, with_log):
    assert BLUE_VELVET not in ids(content_only.recommend(["Alien"], k=3))
    result = with_log.recommend(["Alien"], k=3)
    assert ids(result)[0] == BLUE_VELVET
    assert "viewers who liked Alien also rated this highly" in result.hits[0].why


def test_log_rows_that_cannot_be_used_are_counted(with_log):
    assert "skipped 1 unknown item id" in with_log.log_report and "bad rating" in with_log.log_report


def test_titles_outside_the_log_are_still_recommended_and_can_be_liked(index):
    import pandas as pd

    from knowledge.interactions import InteractionLog

    # A log that only knows Alien and Blue Velvet: everything else is reached through content alone.
    frame = pd.DataFrame({"user_id": [f"u{n // 2}" for n in range(40)], "item_id": [ALIEN, BLUE_VELVET] * 20,
                          "rating": 4})
    recommender = Recommender(index, InteractionLog.from_frame(frame))
    picks = recommender.recommend(["Alien"], k=5)
    assert {BLUE_VELVET, ALIENS} <= set(ids(picks))
    by_id = {h.id: h for h in picks.hits}
    assert "viewers who liked Alien also rated this highly" in by_id[BLUE_VELVET].why
    assert not any("viewers" in w for w in by_id[ALIENS].why)
    outside = recommender.recommend(["Amélie"], k=5)
    assert len(outside) == 5 and not outside.fallback


def test_assistant_and_cli_recommend(small_catalog, small_settings, monkeypatch, capsys):
    from assistant.api import Assistant
    from assistant.cli import main

    result = Assistant(small_settings, catalog=small_catalog).recommend(["Heat"], k=3, constraints="only 70s")
    assert len(result) == 3 and all(1970 <= h.title.year <= 1979 for h in result.hits)
    assert recommender_for(small_catalog) is recommender_for(small_catalog)  # built once per catalog

    monkeypatch.setenv("MARQUEE_CATALOG_PATH", str(small_settings.catalog_path))
    code = main(["--data-dir", str(small_settings.data_dir), "recommend", "--like", "Alien", "--like", "zzqx",
                 "--k", "2", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and len(out["hits"]) == 2 and out["liked"] == ["Alien (1979)"]
    assert out["unresolved"][0]["name"] == "zzqx"


def test_a_log_that_knows_no_catalog_title_is_ignored(index):
    import pandas as pd

    from knowledge.interactions import InteractionLog

    frame = pd.DataFrame({"user_id": ["u1", "u1", "u2"], "item_id": ["x1", "x2", "x1"], "rating": [5, 4, 3]})
    recommender = Recommender(index, InteractionLog.from_frame(frame))
    assert recommender.cf is None
    assert len(recommender.recommend(["Alien"], k=3)) == 3

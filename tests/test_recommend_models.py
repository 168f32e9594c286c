"""The scoring models and the benchmark's metrics and splits, on tiny hand-checked data."""

import math

import numpy as np
import pytest

from assistant.bench.recommend import cold_splits, holdout, rank_metrics
from assistant.bench.recommend_data import BenchData
from knowledge.titles import Title
from tools.recommend.explain import diversify, franchise_key
from tools.recommend.models import EASE, Histories, HybridModel, HybridParams, ItemKNN, Popularity, recency_weights


def test_rank_metrics_match_hand_computed_hr_and_ndcg():
    scores = np.array([[0.9, 0.8, 0.1, 0.5],   # target 1 is second: rank 1
                       [0.9, 0.8, 0.1, 0.5],   # item 0 already seen (excluded): target 1 is first
                       [0.5, 0.5, 0.5, 0.1]])  # target 0 ties with two items: ties count against, rank 2
    targets = np.array([1, 1, 0])
    exclude = [np.array([], dtype=int), np.array([0]), np.array([], dtype=int)]
    hr, ndcg = rank_metrics(scores, targets, exclude, k=10)
    assert hr == 1.0
    assert ndcg == pytest.approx((1 / math.log2(3) + 1 + 1 / math.log2(4)) / 3)
    hr2, ndcg2 = rank_metrics(scores, targets, exclude, k=2)
    assert hr2 == pytest.approx(2 / 3)
    assert ndcg2 == pytest.approx((1 / math.log2(3) + 1) / 3)


def test_ease_equals_a_ridge_regression_of_each_item_on_the_others():
    rng = np.random.default_rng(0)
    x = (rng.random((40, 6)) < 0.4).astype(float)
    lam = 3.0
    model = EASE(lam).fit(Histories(6, [np.flatnonzero(row) for row in x]))
    for j in range(6):
        others = [i for i in range(6) if i != j]
        a = x[:, others]
        ridge = np.linalg.solve(a.T @ a + lam * np.eye(5), a.T @ x[:, j])
        assert np.allclose(model.weights[others, j], ridge, atol=1e-4)
        assert model.weights[j, j] == 0


def _co_occurrence_log() -> Histories:
    # Items 0 and 1 always go together, as do 2 and 3; item 4 is popular with everyone.
    users = [np.array([0, 1, 4])] * 10 + [np.array([2, 3, 4])] * 10 + [np.array([4])] * 5
    return Histories(5, users)


@pytest.mark.parametrize("model", [EASE(1.0), ItemKNN()])
def test_item_item_models_recommend_what_goes_together(model):
    scores = model.fit(_co_occurrence_log()).score(Histories(5, [np.array([0]), np.array([2])]))
    assert scores[0, 1] > scores[0, 2] and scores[0, 1] > scores[0, 3]
    assert scores[1, 3] > scores[1, 0] and scores[1, 3] > scores[1, 1]


def test_popularity_counts_interactions():
    scores = Popularity().fit(_co_occurrence_log()).score(Histories(5, [np.array([0])]))
    assert int(np.argmax(scores[0])) == 4


def test_recency_weights_favour_the_latest_interactions():
    w = recency_weights(Histories(5, [np.array([0, 1, 2])]), tau=1.0)[0]
    assert w[2] == 1.0 and w[0] < w[1] < w[2]
    assert np.all(recency_weights(Histories(5, [np.array([0, 1])]), tau=None)[0] == 1)


def test_hybrid_follows_the_latest_taste_of_a_warm_user_and_uses_both_regimes():
    train = _co_occurrence_log()
    params = HybridParams(ease_lambda=1.0, cold_ease_lambda=100.0, recency_tau=0.5, cold_size=1,
                          content_weight=(0.0, 0.0), prior_weight=(0.0, 0.0))
    model = HybridModel(params).fit(train)
    warm = Histories(5, [np.array([0, 2])])  # liked 0 long ago, 2 most recently
    scores = model.score(warm)[0]
    assert scores[3] > scores[1]
    assert model.is_cold(Histories(5, [np.array([0]), np.array([0, 2])])).tolist() == [True, False]
    assert model.score(Histories(5, [np.array([0])]))[0].argmax() == 1


def test_hybrid_content_component_lifts_similar_items():
    content = np.zeros((5, 5), dtype=np.float32)
    content[0, 2] = content[2, 0] = 1.0  # item 2 "looks like" item 0, though no one watched them together
    params = HybridParams(content_weight=(5.0, 5.0), prior_weight=(0.0, 0.0))
    with_content = HybridModel(params, content=content).fit(_co_occurrence_log()).score(Histories(5, [np.array([0])]))
    without = HybridModel(params).fit(_co_occurrence_log()).score(Histories(5, [np.array([0])]))
    assert with_content[0, 2] > with_content[0, 3]
    assert (with_content[0, 2] - with_content[0, 3]) > (without[0, 2] - without[0, 3])


def _bench_data(sequences):
    n = 1 + max(int(s.max()) for s in sequences)
    return BenchData(titles=[Title(str(i), str(i)) for i in range(n)], sequences=sequences,
                     content=np.zeros((n, n), dtype=np.float32), mapping_summary="", embeddings_source="",
                     interactions=sum(len(s) for s in sequences))


def test_holdout_takes_the_last_and_second_to_last_interactions():
    data = _bench_data([np.array([5, 1, 2, 3]), np.array([0, 4, 6])])
    test, valid = holdout(data, 1), holdout(data, 2)
    assert test.targets.tolist() == [3, 6] and valid.targets.tolist() == [2, 4]
    assert [h.tolist() for h in test.train.items] == [[5, 1, 2], [0, 4]]
    assert [h.tolist() for h in valid.train.items] == [[5, 1], [0]]
    assert sorted(valid.exclude[0].tolist()) == [1, 3, 5]  # everything the user touched except the target


def test_cold_splits_reduce_each_fold_to_its_first_three_interactions():
    rng = np.random.default_rng(1)
    data = _bench_data([rng.permutation(30)[:8] for _ in range(12)])
    splits = cold_splits(data)
    assert sorted(u for s in splits for u in s.users.tolist()) == list(range(12))
    for split in splits:
        for user, target in zip(split.users, split.targets, strict=True):
            assert split.train.items[user].tolist() == data.sequences[user][:3].tolist()
            assert target == data.sequences[user][-1]


def test_franchise_key_groups_sequels():
    assert {franchise_key(t) for t in ("Alien", "Aliens", "Alien 3", "Alien: Resurrection")} == {"alien"}
    assert franchise_key("The Godfather Part II") == franchise_key("The Godfather")
    assert franchise_key("Heat") != franchise_key("Alien")


def test_diversify_keeps_one_title_per_franchise_while_others_remain():
    titles = [Title(str(i), name) for i, name in enumerate(
        ["Alien", "Aliens", "Alien 3", "Alien: Resurrection", "The Thing", "Heat", "Jaws"])]
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(7, 8)).astype(np.float32)
    vectors[1:4] = vectors[0] + 0.01  # the sequels look alike
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    relevance = np.array([0.99, 0.98, 0.97, 0.96, 0.5, 0.4, 0.3])
    picks = diversify(np.arange(7), relevance, vectors, titles, k=4)
    assert picks[0] == 0
    assert sum(p in (0, 1, 2, 3) for p in picks) == 1
    assert len(diversify(np.arange(7), relevance, vectors, titles, k=7)) == 7  # the rest fill in when needed


def test_diversify_counts_the_liked_titles_series_as_one():
    titles = [Title("0", "The Matrix Reloaded"), Title("1", "The Matrix Revolutions"), Title("2", "Dark City")]
    vectors = np.eye(3, dtype=np.float32)
    picks = diversify(np.arange(3), np.array([1.0, 0.9, 0.1]), vectors, titles, k=2,
                      liked=[Title("m", "The Matrix")])
    assert picks == [0, 2]

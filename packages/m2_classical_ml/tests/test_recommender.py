"""The recommender: the time split, ALS on real ratings, kNN and the ranking metrics by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from sklearn.linear_model import Ridge

from m2_classical_ml.recommender import cli
from m2_classical_ml.recommender import evaluate as ev
from m2_classical_ml.recommender.als import _solve_side, fit_als, predict_frame
from m2_classical_ml.recommender.data import leave_last_out, load_ratings, rating_matrix
from m2_classical_ml.recommender.knn import fit_knn


@pytest.fixture(scope="module")
def movielens():
    ratings = load_ratings()
    return ratings, leave_last_out(ratings.frame)


def test_leave_last_out_holds_out_each_users_latest_rating(movielens) -> None:
    ratings, split = movielens
    assert ratings.n_users == 671 and len(ratings.frame) == 100_004
    # exactly one validation and one test rating per user, nothing lost or duplicated
    assert sorted(split.test["u"]) == sorted(split.val["u"]) == list(range(671))
    assert len(split.train) + len(split.val) + len(split.test) == len(ratings.frame)
    pairs = [set(zip(part["u"], part["i"], strict=True)) for part in split.__dict__.values()]
    assert sum(map(len, pairs)) == len(set.union(*pairs))  # no (user, movie) in two parts
    # time order per user: train <= validation <= test, i.e. the test rating is the latest
    last_train = split.train.groupby("u")["timestamp"].max()
    val, test = split.val.set_index("u")["timestamp"], split.test.set_index("u")["timestamp"]
    assert (last_train <= val).all() and (val <= test).all()
    assert (test == ratings.frame.groupby("u")["timestamp"].max()).all()


def test_als_lowers_its_loss_and_beats_the_mean_baselines_on_held_out_ratings(movielens) -> None:
    ratings, split = movielens
    train = rating_matrix(split.train, ratings.n_users, ratings.n_items)
    model = fit_als(train, rank=10, reg=0.1, iterations=5, seed=0)
    loss, train_rmse = model.history["loss"], model.history["train_rmse"]
    assert all(b <= a * (1 + 1e-9) for a, b in itertools.pairwise(loss)), (
        loss
    )  # exact steps: never up
    assert train_rmse[-1] < 0.7 < train_rmse[0]
    y = split.val["rating"].to_numpy()
    als = ev.rmse(y, predict_frame(model, split.val))
    user_mean = ev.rmse(y, ev.user_means(train)[split.val["u"].to_numpy()])
    global_mean = ev.rmse(y, np.full(len(y), train.data.mean()))
    assert global_mean == pytest.approx(1.109, abs=0.005)  # measured: 1.109, 1.022, ALS 0.95
    assert als < user_mean - 0.04 < global_mean - 0.1


def test_each_als_half_step_is_a_ridge_regression_per_user(movielens) -> None:
    """One user's (vector, bias) equals scikit-learn's Ridge on that user's ratings, with the
    movie vectors (and a column of ones) as features: what ``_solve_side`` does for all at once."""
    ratings, split = movielens
    train = rating_matrix(split.train, ratings.n_users, ratings.n_items)
    model = fit_als(train, rank=4, reg=0.2, iterations=2, seed=0)
    factors, biases = _solve_side(train, model.mu, model.Q, model.c, 0.2)  # every user at once
    for u in (0, 14):  # a user with 20 ratings, one with 1,700
        row = train[u]
        X = np.column_stack([model.Q[row.indices], np.ones(row.nnz)])
        target = row.data - model.mu - model.c[row.indices]
        ridge = Ridge(alpha=0.2 * row.nnz, fit_intercept=False).fit(X, target)
        assert np.append(factors[u], biases[u]) == pytest.approx(ridge.coef_, abs=1e-8)


HAND = np.array([[5, 5, 1, 1], [4, 0, 2, 3], [0, 4, 3, 2], [2, 1, 0, 3]], dtype=float)
"""4 users × 4 movies, 0 = not rated. Centred by user mean (3, 3, 3, 2), the movie columns are
(2,1,0,0), (2,0,1,-1), (-2,-1,0,0), (-2,0,-1,1): movies 0~1 and 2~3 have cosine 4/√30 ≈ 0.730,
every other pair is negative, so each movie has exactly one neighbour."""


def test_knn_on_a_hand_made_matrix() -> None:
    model = fit_knn(sparse.csr_matrix(HAND), ks=(3,), shrink=0.0)[3]
    s = 4 / np.sqrt(30)
    expected = np.zeros((4, 4))
    expected[0, 1] = expected[1, 0] = expected[2, 3] = expected[3, 2] = s
    assert model.S.toarray() == pytest.approx(expected)
    assert model.user_mean == pytest.approx([3, 3, 3, 2])
    # user 1 rated movie 0 one star above their mean → movie 1 predicted 3 + s·1/s = 4;
    # user 3 rated movie 3 one above their mean 2 → movie 2 predicted 3
    assert model.predict(np.array([1, 2, 3]), np.array([1, 0, 2])) == pytest.approx([4, 4, 3])
    assert model.scores(np.array([1]))[0] == pytest.approx([0, s, 0, -s])
    assert model.explain(1, 1) == [(0, pytest.approx(s), 1.0)]
    # shrinkage: movies 2 and 3 share 3 raters, so β = 2 scales their similarity by 3/5
    shrunk = fit_knn(sparse.csr_matrix(HAND), ks=(3,), shrink=2.0)[3]
    assert shrunk.S[2, 3] == pytest.approx(s * 3 / 5) and shrunk.S[0, 1] == pytest.approx(s / 2)


def test_a_smaller_k_keeps_each_movies_nearest_neighbours(movielens) -> None:
    ratings, split = movielens
    few = split.train[split.train["u"] < 30]  # a slice of users keeps this quick
    matrix = rating_matrix(few, ratings.n_users, ratings.n_items).tocsc()
    matrix = matrix[:30, np.diff(matrix.indptr) > 0].tocsr()  # only the movies they rated
    models = fit_knn(matrix, ks=(5, 40))
    small, large = models[5].S.tocsr(), models[40].S.tocsr()
    assert np.diff(small.indptr).max() == 5 and np.diff(large.indptr).max() == 40
    for i in (0, 100, 500):  # the 5 kept are the 5 largest of the 40
        best5 = np.sort(large[i].data)[::-1][:5]
        assert np.sort(small[i].data)[::-1] == pytest.approx(best5)


def test_precision_and_recall_at_k_on_a_constructed_case() -> None:
    recommended = [[1, 2, 3], [4, 5, 6], [7, 8, 9]]
    relevant = [{2, 10}, set(), {9}]  # user 1 has nothing relevant: left out of the means
    at3 = ev.precision_recall_at_k(recommended, relevant, k=3)
    assert at3 == {"precision": pytest.approx(1 / 3), "recall": 0.75, "users": 2, "hits": 2}
    at2 = ev.precision_recall_at_k(recommended, relevant, k=2)  # movie 9 falls off the list
    assert at2 == {"precision": 0.25, "recall": 0.25, "users": 2, "hits": 1}


def test_top_k_skips_seen_items_and_breaks_ties_by_index() -> None:
    scores = np.array([[0.9, 0.5, 0.5, 0.1, 0.8], [0.0, 0.0, 0.0, 0.0, 0.0]])
    seen = sparse.csr_matrix(np.array([[1, 0, 0, 0, 0], [0, 1, 0, 0, 0]]))
    assert ev.top_k(scores, seen, k=3).tolist() == [[4, 1, 2], [0, 2, 3]]
    assert scores[0, 0] == 0.9  # the caller's scores are not changed


def test_popularity_and_relevance_helpers() -> None:
    matrix = sparse.csr_matrix(np.array([[5.0, 0, 3], [4, 0, 0], [1, 2, 0]]))
    assert ev.popularity_scores(matrix, np.arange(2)).tolist() == [[3, 1, 1], [3, 1, 1]]
    assert ev.user_means(matrix) == pytest.approx([4, 4, 1.5])
    relevant = ev.held_out_relevance(
        np.array([0, 1, 2]), np.array([1, 1, 2]), np.array([4.0, 3.5, 5.0]), 3, 4.0
    )
    assert relevant == [{1}, set(), {2}]


def test_unknown_user_is_one_error_line_and_exit_2(tmp_path, capsys) -> None:
    assert cli.main(["--user", "999999", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: unknown user id 999999") and err.count("\n") == 1
    assert not any(tmp_path.iterdir())  # nothing fitted, nothing written


def test_a_subset_keeps_only_the_chosen_users() -> None:
    frame = pd.DataFrame(
        {
            "userId": [7, 7, 7, 9, 9, 9],
            "movieId": [10, 20, 30, 20, 30, 40],
            "rating": [4.0, 3.0, 5.0, 2.0, 1.0, 4.5],
            "timestamp": [3, 1, 2, 1, 1, 1],  # user 9: three ratings in one second
            "title": ["a", "b", "c", "b", "c", "d"],
        }
    )
    ratings = load_ratings(frame=frame)
    assert ratings.user_ids.tolist() == [7, 9] and ratings.titles.tolist() == ["a", "b", "c", "d"]
    split = leave_last_out(ratings.frame)
    assert split.test["i"].tolist() == [0, 3]  # user 7: movie 10 (latest); user 9: tie → movieId
    assert split.val["i"].tolist() == [2, 2]
    assert ratings.user_index(9) == 1
    assert len(load_ratings(users=1, frame=frame).user_ids) == 1

"""Hand-made k-fold cross-validation vs KFold / cross_val_score on Ames."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, cross_val_score

from m2_classical_ml.ames import SOLVER_FEATURES, features_and_log_price
from m2_classical_ml.supervised import cross_val_rmse, features_and_target, kfold_indices
from roadmap_data import load_ames


@pytest.mark.parametrize(("n", "k"), [(10, 3), (2930, 5), (7, 7)])
def test_kfold_indices_match_sklearn(n: int, k: int) -> None:
    ours = kfold_indices(n, k)
    theirs = list(KFold(k).split(np.zeros(n)))
    assert len(ours) == k
    for (train, valid), (sk_train, sk_valid) in zip(ours, theirs, strict=True):
        np.testing.assert_array_equal(train, sk_train)
        np.testing.assert_array_equal(valid, sk_valid)


def test_cross_val_rmse_matches_cross_val_score_on_ames() -> None:
    X, y = features_and_log_price(load_ames())
    X = X[SOLVER_FEATURES].to_numpy(dtype=float)
    ours = cross_val_rmse(LinearRegression(), X, y, k=5)
    sk = -cross_val_score(
        LinearRegression(), X, y, cv=KFold(5), scoring="neg_root_mean_squared_error"
    )
    np.testing.assert_allclose(ours, sk, rtol=1e-10)
    assert 0.12 < ours.mean() < 0.3  # eight features explain most of the price, not all of it


def test_features_and_target_split() -> None:
    X, y = features_and_target(load_ames(), "Sale_Price")
    assert "Sale_Price" not in X.columns
    assert len(X) == len(y) == 2930

"""Normal equation, gradient descent (month 1) and LinearRegression agree; overfitting shows; Ridge
by hand matches scikit-learn; Lasso zeroes weights as alpha grows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.linear_model import Ridge
from sklearn.preprocessing import StandardScaler

from m2_classical_ml.ames import SOLVER_FEATURES, column_types, features_and_log_price
from m2_classical_ml.linear_regression import compare_solvers, degree_curve, learning_curve_rmse
from m2_classical_ml.regularization import regularization_path, ridge_closed_form
from roadmap_data import load_ames


@pytest.fixture(scope="module")
def ames_xy():
    return features_and_log_price(load_ames())


def test_three_solvers_agree_on_ames(ames_xy) -> None:
    X, y = ames_xy
    fits = compare_solvers(X[SOLVER_FEATURES].to_numpy(float), y)
    assert fits["gradient descent"]["max_gap_to_exact"] < 1e-5
    assert fits["LinearRegression"]["max_gap_to_exact"] < 1e-9
    rmses = [fit["rmse"] for fit in fits.values()]
    assert max(rmses) - min(rmses) < 1e-8
    assert 0.12 < rmses[0] < 0.25  # real fit quality of 8 features on log price


def test_high_degree_polynomial_overfits_few_houses(ames_xy) -> None:
    X, y = ames_xy
    curve = degree_curve(np.log(X["Gr_Liv_Area"].to_numpy()), y, [1, 3, 10], train_size=30, seed=0)
    assert curve["train"][2] < curve["train"][0]  # more flexible: fits its 30 houses better...
    assert curve["validation"][2] > 2 * curve["validation"][0]  # ...and new houses far worse


def test_learning_curve_gap_closes_with_more_data(ames_xy) -> None:
    X, y = ames_xy
    log_area = np.log(X["Gr_Liv_Area"].to_numpy())
    curve = learning_curve_rmse(log_area, y, degree=6, sizes=[20, 1900], folds=3)
    gap = np.array(curve["validation"]) - np.array(curve["train"])
    assert gap[1] < gap[0]
    assert curve["validation"][1] < 0.4


def test_ridge_closed_form_matches_sklearn(ames_xy) -> None:
    X, y = ames_xy
    numeric = X[column_types(X)[1]].to_numpy(float)
    for alpha in (0.1, 10.0, 1000.0):
        weights, bias = ridge_closed_form(numeric, y, alpha)
        sk = Ridge(alpha=alpha).fit(numeric, y)
        np.testing.assert_allclose(weights, sk.coef_, rtol=1e-6, atol=1e-10)
        assert bias == pytest.approx(sk.intercept_, rel=1e-8)


def test_lasso_zeroes_weights_ridge_only_shrinks(ames_xy) -> None:
    X, y = ames_xy
    numeric = StandardScaler().fit_transform(X[column_types(X)[1]])
    path = regularization_path(numeric, y, np.array([1.0, 1e5]), np.array([1e-4, 0.05]))
    zeros = path["lasso_zeros"]
    assert zeros[0] < zeros[1]  # a stronger L1 penalty drops more features
    assert zeros[1] >= numeric.shape[1] // 2
    assert np.all(path["ridge"] != 0)  # L2 never reaches exactly zero...
    assert np.abs(path["ridge"][1]).sum() < 0.5 * np.abs(path["ridge"][0]).sum()  # ...but shrinks

"""Linear regression three ways, then what happens when the model gets too flexible.

1. **Normal equation**: least squares has a closed form, ``w = (XᵀX)⁻¹ Xᵀy`` (month 1's
   ``closed_form_least_squares`` solves it stably with ``lstsq``).
2. **Gradient descent**: month 1's ``fit_linear_regression`` walks downhill on the MSE instead;
   on standardised features it reaches the same weights.
3. ``sklearn.linear_model.LinearRegression``: what you use in practice. All three must agree.

Then overfitting, on one real feature (log living area → log price): polynomial features let a
straight line bend. With few training houses, a high degree threads every point: the training error
keeps falling while the validation error explodes (:func:`degree_curve`). A **learning curve**
(:func:`learning_curve_rmse`) shows the other cure: more data closes the train/validation gap.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.linear_model import LinearRegression
from sklearn.model_selection import KFold, learning_curve, train_test_split
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from m1_foundations.gradient_descent import (
    closed_form_least_squares,
    fit_linear_regression,
    mse,
    standardize,
)


def compare_solvers(
    X: np.ndarray, y: np.ndarray, learning_rate: float = 0.1, epochs: int = 5000
) -> dict[str, dict[str, object]]:
    """Weights, bias and training RMSE of the three solvers on standardised ``X``."""
    X_std, _, _ = standardize(np.asarray(X, dtype=float))  # same scale → one learning rate fits all
    y = np.asarray(y, dtype=float)
    exact_w, exact_b = closed_form_least_squares(X_std, y)
    descent = fit_linear_regression(X_std, y, learning_rate, epochs, tol=1e-14)
    sk = LinearRegression().fit(X_std, y)
    fits = {
        "normal equation": (exact_w, exact_b, None),
        "gradient descent": (descent.weights, descent.bias, len(descent.losses)),
        "LinearRegression": (sk.coef_, float(sk.intercept_), None),
    }
    return {
        name: {
            "weights": w,
            "bias": b,
            "rmse": float(np.sqrt(mse(X_std @ w + b, y))),
            "max_gap_to_exact": float(np.max(np.abs(np.r_[w, b] - np.r_[exact_w, exact_b]))),
            "epochs": epochs_run,
        }
        for name, (w, b, epochs_run) in fits.items()
    }


def polynomial_model(degree: int) -> Pipeline:
    """Scale x first (raw x¹² would span dozens of orders of magnitude), then x, x², …, x^degree."""
    return make_pipeline(
        StandardScaler(), PolynomialFeatures(degree, include_bias=False), LinearRegression()
    )


def _rmse(model: Pipeline, x: np.ndarray, y: np.ndarray) -> float:
    return float(np.sqrt(np.mean((model.predict(x) - y) ** 2)))


def degree_curve(
    x: np.ndarray, y: np.ndarray, degrees: Sequence[int], train_size: int, seed: int = 0
) -> dict[str, list[float]]:
    """Train and validation RMSE for each polynomial degree, from ``train_size`` training rows."""
    x = np.asarray(x, dtype=float).reshape(-1, 1)  # (n, 1): one feature
    x_train, x_valid, y_train, y_valid = train_test_split(
        x, y, train_size=train_size, random_state=seed
    )
    curves: dict[str, list[float]] = {"train": [], "validation": []}
    for degree in degrees:
        model = polynomial_model(degree).fit(x_train, y_train)
        curves["train"].append(_rmse(model, x_train, y_train))
        curves["validation"].append(_rmse(model, x_valid, y_valid))
    return curves


def learning_curve_rmse(
    x: np.ndarray, y: np.ndarray, degree: int, sizes: Sequence[int], folds: int = 5, seed: int = 0
) -> dict[str, list[float]]:
    """Mean train and validation RMSE of a degree-``degree`` polynomial as the training set grows.

    Validation errors are summarised by their median across folds: a high-degree polynomial
    extrapolating on one unlucky fold can be off by orders of magnitude and would hide the trend.
    """
    x = np.asarray(x, dtype=float).reshape(-1, 1)
    _, train_scores, valid_scores = learning_curve(
        polynomial_model(degree),
        x,
        y,
        train_sizes=np.asarray(sizes),
        cv=KFold(folds, shuffle=True, random_state=seed),
        scoring="neg_root_mean_squared_error",
    )  # each (n_sizes, folds), negated so that larger is better
    return {
        "train": (-train_scores).mean(axis=1).tolist(),
        "validation": np.median(-valid_scores, axis=1).tolist(),
    }

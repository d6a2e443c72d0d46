"""Autograd reproduces month 1's hand-derived gradients, and gradients accumulate."""

from __future__ import annotations

import numpy as np
import pytest

from m1_foundations import gradient_descent as by_hand
from m3_deep_learning import autograd


def problem(seed: int, n: int = 50, d: int = 4):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, d))
    weights, bias = rng.normal(size=d), float(rng.normal())
    return X, rng, weights, bias


@pytest.mark.parametrize("seed", range(5))
def test_linear_regression_gradients_match_month_1(seed: int) -> None:
    X, rng, weights, bias = problem(seed)
    y = X @ rng.normal(size=X.shape[1]) + rng.normal(size=len(X))
    grad_w, grad_b = autograd.linear_regression_gradients(X, y, weights, bias)
    hand_w, hand_b = by_hand.linear_regression_gradients(X, y, weights, bias)
    np.testing.assert_allclose(grad_w, hand_w, rtol=1e-10)
    assert grad_b == pytest.approx(hand_b, rel=1e-10)


@pytest.mark.parametrize("seed", range(5))
def test_logistic_regression_gradients_match_month_1(seed: int) -> None:
    X, rng, weights, bias = problem(seed)
    y = (rng.random(len(X)) < 0.4).astype(float)
    grad_w, grad_b = autograd.logistic_regression_gradients(X, y, weights, bias)
    hand_w, hand_b = by_hand.logistic_regression_gradients(X, y, weights, bias)
    np.testing.assert_allclose(grad_w, hand_w, rtol=1e-9, atol=1e-12)
    assert grad_b == pytest.approx(hand_b, rel=1e-9)


def test_a_wrong_hand_gradient_would_be_caught() -> None:
    """The comparison has teeth: forgetting the factor 2 of the MSE derivative fails it."""
    X, rng, weights, bias = problem(0)
    y = rng.normal(size=len(X))
    grad_w, _ = autograd.linear_regression_gradients(X, y, weights, bias)
    wrong = X.T @ (X @ weights + bias - y) / len(y)
    assert not np.allclose(grad_w, wrong)


def test_gradients_accumulate_until_zeroed() -> None:
    assert autograd.accumulation_demo() == {
        "once": 6.0,
        "twice": 12.0,
        "after_zero": 6.0,
        "no_grad_tracked": False,
    }

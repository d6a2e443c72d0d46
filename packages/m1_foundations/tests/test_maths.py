"""Week 3: derivatives, the chain rule, gradient descent vs the exact answer, gradient checking."""

from __future__ import annotations

import math

import numpy as np
import pytest

from m1_foundations import calculus
from m1_foundations import gradient_descent as gd


def test_numerical_derivative_matches_the_analytic_one() -> None:
    assert calculus.numerical_derivative(lambda x: x**3, 2.0) == pytest.approx(12.0, rel=1e-8)
    assert calculus.numerical_derivative(math.exp, 1.0) == pytest.approx(math.e, rel=1e-8)


def test_chain_rule() -> None:
    for x in (-1.3, 0.0, 0.7, 2.5):
        _, analytic = calculus.chain_rule_example(x)
        numeric = calculus.numerical_derivative(lambda v: math.sin(v**2), x)
        assert analytic == pytest.approx(numeric, abs=1e-7)


def test_gradient_check_catches_a_wrong_gradient() -> None:
    f = lambda w: float(np.sum(w**2))  # noqa: E731
    x = np.array([1.0, -2.0, 3.0])
    assert calculus.gradient_check(f, lambda w: 2 * w, x) < 1e-8
    assert calculus.gradient_check(f, lambda w: 3 * w, x) > 0.1  # a bug a check must flag


def make_regression(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((300, 4))
    return X, X @ np.array([2.0, -1.0, 0.5, 3.0]) + 4.0 + rng.normal(0, 0.3, 300)


def test_hand_gradients_pass_gradient_checks() -> None:
    X, y = make_regression()
    w, b = np.array([0.1, 0.2, -0.3, 0.4]), 0.5
    grad_w, grad_b = gd.linear_regression_gradients(X, y, w, b)
    params = np.append(w, b)
    loss = lambda p: gd.mse(X @ p[:-1] + p[-1], y)  # noqa: E731
    assert (
        calculus.relative_error(
            np.append(grad_w, grad_b), calculus.numerical_gradient(loss, params)
        )
        < 1e-6
    )

    labels = (y > y.mean()).astype(float)
    grad_w, grad_b = gd.logistic_regression_gradients(X, labels, w, b)
    log_loss = lambda p: gd.binary_cross_entropy(gd.sigmoid(X @ p[:-1] + p[-1]), labels)  # noqa: E731
    assert (
        calculus.relative_error(
            np.append(grad_w, grad_b), calculus.numerical_gradient(log_loss, params)
        )
        < 1e-6
    )


def test_gradient_descent_matches_closed_form_to_1e_6() -> None:
    X, y = make_regression()
    fit = gd.fit_linear_regression(X, y, learning_rate=0.1, epochs=5000, tol=1e-16)
    weights, bias = gd.closed_form_least_squares(X, y)
    np.testing.assert_allclose(fit.weights, weights, atol=1e-6)
    assert fit.bias == pytest.approx(bias, abs=1e-6)
    # both recover the weights the data were made with (noise 0.3 on 300 rows: within ~0.05)
    np.testing.assert_allclose(weights, [2.0, -1.0, 0.5, 3.0], atol=0.06)
    assert bias == pytest.approx(4.0, abs=0.06)
    assert fit.losses[0] > 10 * fit.losses[-1]  # it really learned: loss fell from the zero start


def test_too_large_learning_rate_diverges() -> None:
    X, y = make_regression()
    fit = gd.fit_linear_regression(X, y, learning_rate=1.5, epochs=50)
    assert fit.losses[-1] > fit.losses[0]


def test_sigmoid_is_stable_and_symmetric() -> None:
    z = np.array([-1000.0, -5.0, 0.0, 5.0, 1000.0])
    s = gd.sigmoid(z)
    assert np.isfinite(s).all() and s[2] == 0.5 and s[0] == 0.0 and s[-1] == 1.0
    np.testing.assert_allclose(gd.sigmoid(-z), 1 - s)


def test_logistic_regression_learns_a_separable_rule() -> None:
    rng = np.random.default_rng(3)
    X = rng.standard_normal((400, 2))
    y = (X[:, 0] + 2 * X[:, 1] > 0).astype(float)
    fit = gd.fit_logistic_regression(X, y, learning_rate=0.5, epochs=500)
    accuracy = ((gd.sigmoid(X @ fit.weights + fit.bias) > 0.5) == y).mean()
    assert accuracy > 0.97
    assert fit.weights[1] / fit.weights[0] == pytest.approx(
        2.0, rel=0.25
    )  # it found the rule's direction

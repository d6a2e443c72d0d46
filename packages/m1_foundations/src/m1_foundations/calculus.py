"""Derivatives, the chain rule and gradient checking: how a machine knows which way is downhill.

The derivative answers "if I nudge this weight by a tiny ``h``, how much does the error change?".
We compute it two ways and check they agree:

* numerically, with the central difference ``(f(x + h) - f(x - h)) / 2h`` (error ~ h²), and
* analytically, with the rules of calculus (exact, and what backpropagation uses).

The chain rule, ``d/dx f(g(x)) = f'(g(x)) · g'(x)``, is why a network of layers can be trained: the
gradient of the last layer's error with respect to the first layer's weights is a product of local
derivatives, one per layer.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

ScalarFn = Callable[[np.ndarray], float]


def numerical_derivative(f: Callable[[float], float], x: float, h: float = 1e-5) -> float:
    """Central-difference derivative of a scalar function at ``x``."""
    return (f(x + h) - f(x - h)) / (2 * h)


def numerical_gradient(f: ScalarFn, x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Gradient of ``f: R^n → R`` at ``x`` by central differences, one coordinate at a time.

    Costs 2n evaluations of ``f``: fine for checking, hopeless for training (backprop costs ~1).
    """
    x = np.asarray(x, dtype=np.float64)
    grad = np.zeros_like(x)
    for index in np.ndindex(x.shape):
        step = np.zeros_like(x)
        step[index] = h
        grad[index] = (f(x + step) - f(x - step)) / (2 * h)
    return grad


def chain_rule_example(x: float) -> tuple[float, float]:
    """``y = sin(x²)``: returns (y, dy/dx) where dy/dx = cos(x²) · 2x by the chain rule."""
    inner = x**2  # g(x)
    outer = np.sin(inner)  # f(g(x))
    return float(outer), float(np.cos(inner) * 2 * x)  # f'(g(x)) · g'(x)


def relative_error(analytic: np.ndarray, numeric: np.ndarray) -> float:
    """``|a - n| / max(|a| + |n|, tiny)``: the standard gradient-check score (< 1e-6 is a pass)."""
    analytic, numeric = np.asarray(analytic), np.asarray(numeric)
    denominator = np.maximum(np.abs(analytic) + np.abs(numeric), 1e-12)
    return float(np.max(np.abs(analytic - numeric) / denominator))


def gradient_check(f: ScalarFn, grad_f: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> float:
    """Relative error between an analytic gradient and the numerical one at ``x``."""
    return relative_error(grad_f(x), numerical_gradient(f, x))

"""Gradient descent from scratch: linear regression (MSE) and logistic regression (cross-entropy).

The whole algorithm is one line repeated: ``w ← w − learning_rate · ∂loss/∂w``. Everything else is
computing that gradient, which we derive by hand here (and month 3 checks against PyTorch's
autograd). Linear regression also has a closed form, ``w = (XᵀX)⁻¹Xᵀy``, so we can verify that
descent converges to exactly the right answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class FitResult:
    """Parameters found by gradient descent and the loss after every epoch."""

    weights: np.ndarray
    bias: float
    losses: list[float] = field(default_factory=list)


# ---------- losses ----------------------------------------------------------------------------


def mse(y_pred: np.ndarray, y_true: np.ndarray) -> float:
    """Mean squared error ``(1/n) Σ (ŷ − y)²``: the regression loss."""
    return float(np.mean((y_pred - y_true) ** 2))


def sigmoid(z: np.ndarray) -> np.ndarray:
    """``1 / (1 + e^−z)`` squeezes any number into (0, 1): a probability.

    Written piecewise so that large |z| neither overflows ``exp`` nor loses precision.
    """
    z = np.asarray(z, dtype=np.float64)
    out = np.empty_like(z)
    positive = z >= 0
    out[positive] = 1 / (1 + np.exp(-z[positive]))
    exp_z = np.exp(z[~positive])
    out[~positive] = exp_z / (1 + exp_z)
    return out


def binary_cross_entropy(p: np.ndarray, y: np.ndarray, eps: float = 1e-12) -> float:
    """``−mean(y log p + (1 − y) log(1 − p))``: the classification loss (log-loss)."""
    p = np.clip(p, eps, 1 - eps)
    return float(-np.mean(y * np.log(p) + (1 - y) * np.log(1 - p)))


# ---------- hand-derived gradients ------------------------------------------------------------


def linear_regression_gradients(
    X: np.ndarray, y: np.ndarray, weights: np.ndarray, bias: float
) -> tuple[np.ndarray, float]:
    """∂MSE/∂w = (2/n) Xᵀ(ŷ − y) and ∂MSE/∂b = (2/n) Σ(ŷ − y), with ŷ = Xw + b."""
    residual = X @ weights + bias - y  # (n,)
    n = len(y)
    return 2 / n * X.T @ residual, float(2 / n * residual.sum())


def logistic_regression_gradients(
    X: np.ndarray, y: np.ndarray, weights: np.ndarray, bias: float
) -> tuple[np.ndarray, float]:
    """For p = σ(Xw + b) and mean cross-entropy, the chain rule collapses to (1/n) Xᵀ(p − y).

    (σ'(z) = σ(z)(1 − σ(z)) cancels the denominators of the log-loss derivative: that neat
    cancellation is why sigmoid and cross-entropy are always used together.)
    """
    error = sigmoid(X @ weights + bias) - y  # (n,)
    n = len(y)
    return X.T @ error / n, float(error.sum() / n)


# ---------- training loops --------------------------------------------------------------------


def fit_linear_regression(
    X: np.ndarray, y: np.ndarray, learning_rate: float = 0.1, epochs: int = 1000, tol: float = 0.0
) -> FitResult:
    """Full-batch gradient descent on MSE from zero weights; stops early when the loss stalls by < tol."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    weights, bias = np.zeros(X.shape[1]), 0.0
    losses: list[float] = []
    for _ in range(epochs):
        losses.append(mse(X @ weights + bias, y))
        grad_w, grad_b = linear_regression_gradients(X, y, weights, bias)
        weights -= learning_rate * grad_w  # the update rule: step against the slope
        bias -= learning_rate * grad_b
        if len(losses) > 1 and abs(losses[-2] - losses[-1]) < tol:
            break
    return FitResult(weights, bias, losses)


def fit_logistic_regression(
    X: np.ndarray, y: np.ndarray, learning_rate: float = 0.5, epochs: int = 2000
) -> FitResult:
    """Full-batch gradient descent on the mean binary cross-entropy."""
    X, y = np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64)
    weights, bias = np.zeros(X.shape[1]), 0.0
    losses: list[float] = []
    for _ in range(epochs):
        losses.append(binary_cross_entropy(sigmoid(X @ weights + bias), y))
        grad_w, grad_b = logistic_regression_gradients(X, y, weights, bias)
        weights -= learning_rate * grad_w
        bias -= learning_rate * grad_b
    return FitResult(weights, bias, losses)


def closed_form_least_squares(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """Exact least squares via the normal equation on [X, 1] (solved with lstsq for stability)."""
    design = np.column_stack([X, np.ones(len(X))])
    solution, *_ = np.linalg.lstsq(design, y, rcond=None)
    return solution[:-1], float(solution[-1])


def standardize(X: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Zero-mean, unit-variance columns (gradient descent converges far faster on them)."""
    mean, std = X.mean(axis=0), X.std(axis=0)
    std = np.where(std == 0, 1.0, std)
    return (X - mean) / std, mean, std

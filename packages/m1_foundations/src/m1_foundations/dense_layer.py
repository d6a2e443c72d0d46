"""Week 1, day 7: a neural-network layer is ``relu(X @ W + b)``.

The exercise: a random batch (100, 50) through weights (50, 10) plus a bias (10,), then ReLU by a
boolean mask. We write it twice, with NumPy and with plain Python loops, and check both agree;
``scripts/bench_vectorization.py`` measures how much faster the NumPy version is.
"""

from __future__ import annotations

import numpy as np


def random_layer_inputs(
    seed: int = 0, batch: int = 100, features: int = 50, units: int = 10
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A batch ``X (batch, features)``, weights ``W (features, units)`` and bias ``b (units,)``."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((batch, features))
    W = rng.standard_normal((features, units)) * np.sqrt(2 / features)  # He initialisation
    b = rng.standard_normal(units) * 0.1
    return X, W, b


def dense_relu(X: np.ndarray, W: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``relu(X @ W + b)``: (B, F) @ (F, U) + (U,) → (B, U); the bias broadcasts over the batch."""
    z = X @ W + b  # (B, U)
    z[z < 0] = 0  # ReLU as a boolean mask: every negative pre-activation is switched off
    return z


def dense_relu_loops(
    X: list[list[float]], W: list[list[float]], b: list[float]
) -> list[list[float]]:
    """The same layer in pure Python: four nested loops worth of work, no NumPy at all."""
    out = []
    for row in X:
        units = []
        for j in range(len(b)):
            total = b[j]
            for k, x in enumerate(row):
                total += x * W[k][j]
            units.append(total if total > 0 else 0.0)
        out.append(units)
    return out

"""Supervised learning in three ideas: features vs labels, a held-out test set, cross-validation.

- **Features** X (what we know: a house's area, year, neighbourhood) and **labels** y (what we
  want to predict: its price). A model learns a function X → y from examples of both.
- A score on the training data flatters the model (it has seen the answers), so we judge it on a
  **held-out** set it never saw: ``train_test_split``.
- One split is noisy (which houses landed in the test set matters), so **k-fold cross-validation**
  splits the data into k folds, trains k times on k − 1 of them and tests on the one left out,
  and averages: every row is tested exactly once. :func:`kfold_indices` and
  :func:`cross_val_rmse` do this by hand and agree with ``KFold`` and ``cross_val_score``.

Everything the model learns from data (a scaler's mean, an imputer's median) must be learned inside
the training folds only; a Pipeline guarantees it, because ``cross_val_score`` refits the whole
pipeline in every fold.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone


def features_and_target(frame: pd.DataFrame, target: str) -> tuple[pd.DataFrame, pd.Series]:
    """Split a table into X (every other column) and y (the ``target`` column)."""
    return frame.drop(columns=[target]), frame[target]


def kfold_indices(n: int, k: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """``k`` (train, validation) index pairs over ``n`` rows, in order, without shuffling.

    The first ``n % k`` folds get one extra row, exactly as ``sklearn.model_selection.KFold``.
    """
    sizes = np.full(k, n // k)
    sizes[: n % k] += 1
    bounds = np.r_[0, np.cumsum(sizes)]
    rows = np.arange(n)
    return [
        (np.r_[rows[:start], rows[stop:]], rows[start:stop])
        for start, stop in itertools.pairwise(bounds)
    ]


def cross_val_rmse(model: BaseEstimator, X: np.ndarray, y: np.ndarray, k: int = 5) -> np.ndarray:
    """RMSE of a fresh copy of ``model`` on each of the ``k`` validation folds."""
    X, y = np.asarray(X), np.asarray(y)
    scores = []
    for train, valid in kfold_indices(len(y), k):
        fitted = clone(model).fit(X[train], y[train])  # clone: never reuse a fitted model
        residual = fitted.predict(X[valid]) - y[valid]
        scores.append(np.sqrt(np.mean(residual**2)))
    return np.asarray(scores)

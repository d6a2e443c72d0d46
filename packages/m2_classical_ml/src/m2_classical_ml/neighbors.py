"""k-nearest neighbours: predict the majority label of the k closest training points.

There is no training at all: the model *is* the training set. Two consequences a practitioner must
know, both shown by :func:`k_sweep`:

1. Distances mix units. Unscaled, a feature measured in years (age: 0–80) drowns one measured in
   0/1 flags (sex), so KNN needs ``StandardScaler`` in front of it, inside the pipeline so that the
   scaler is fitted on the training folds only.
2. k trades variance for bias: k = 1 memorises the training set (noisy), a huge k predicts the
   majority class everywhere. Cross-validation picks the k in between.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator, clone
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import KNeighborsClassifier
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler


def knn_predict(
    X_train: np.ndarray, y_train: np.ndarray, X_query: np.ndarray, k: int
) -> np.ndarray:
    """Majority vote of the k nearest training points (Euclidean) for each query row.

    Vote ties go to the smallest label, and distance ties to the lower training index (a stable
    sort), matching ``KNeighborsClassifier(algorithm="brute")``.
    """
    X_train, X_query = np.asarray(X_train, float), np.asarray(X_query, float)
    # ‖a − b‖² = ‖a‖² − 2 a·b + ‖b‖²: all query-to-train distances in one matrix product
    sq_dist = (
        (X_query**2).sum(1)[:, None] - 2 * X_query @ X_train.T + (X_train**2).sum(1)[None, :]
    )  # (n_query, n_train)
    nearest = np.argsort(sq_dist, axis=1, kind="stable")[:, :k]  # (n_query, k)
    labels = np.unique(y_train)
    neighbour_labels = np.asarray(y_train)[nearest]  # (n_query, k)
    votes = (neighbour_labels[:, :, None] == labels[None, None, :]).sum(axis=1)  # (n_query, L)
    return labels[votes.argmax(axis=1)]  # argmax returns the first (smallest) label on a tie


def knn_pipeline(k: int, scale: bool = True, features: BaseEstimator | None = None) -> Pipeline:
    """``[features →] [StandardScaler →] KNeighborsClassifier(k)``.

    ``features`` is an optional feature-engineering step (e.g. TitanicFeatures) placed first, so
    that it too is fitted on the training folds only.
    """
    steps = [clone(features)] if features is not None else []
    steps += [StandardScaler()] if scale else []
    return make_pipeline(*steps, KNeighborsClassifier(n_neighbors=k))


def k_sweep(
    X: object,
    y: np.ndarray,
    ks: Sequence[int],
    folds: int = 5,
    seed: int = 0,
    features: BaseEstimator | None = None,
) -> dict[str, list[float]]:
    """Stratified-CV accuracy for every k, with and without scaling: the two effects side by side."""
    cv = StratifiedKFold(folds, shuffle=True, random_state=seed)
    return {
        name: [
            float(cross_val_score(knn_pipeline(k, scale, features), X, y, cv=cv).mean()) for k in ks
        ]
        for name, scale in (("scaled", True), ("unscaled", False))
    }

"""KNN by hand vs KNeighborsClassifier, and the effect of scaling and k on real data."""

from __future__ import annotations

import numpy as np
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler

from m2_classical_ml.neighbors import k_sweep, knn_predict
from m2_classical_ml.titanic_features import TitanicFeatures, features_and_labels
from roadmap_data import load_titanic


def titanic_matrix() -> tuple[np.ndarray, np.ndarray]:
    X, y = features_and_labels(load_titanic())
    return StandardScaler().fit_transform(TitanicFeatures().fit_transform(X)), y


def test_knn_predict_matches_sklearn() -> None:
    X, y = titanic_matrix()
    # jitter breaks the many exact distance ties of the Titanic's discrete features, whose order
    # is an implementation detail, so that both must find the same neighbours
    X = X + np.random.default_rng(0).normal(0, 1e-6, X.shape)
    train, query = slice(0, 1000), slice(1000, None)
    for k in (1, 5, 15):
        ours = knn_predict(X[train], y[train], X[query], k)
        sk = KNeighborsClassifier(k, algorithm="brute").fit(X[train], y[train]).predict(X[query])
        np.testing.assert_array_equal(ours, sk)


def test_scaling_matters_and_k_1_overfits() -> None:
    X, y = features_and_labels(load_titanic())
    sweep = k_sweep(X, y, ks=[1, 15], folds=3, seed=0, features=TitanicFeatures())
    scaled, unscaled = sweep["scaled"], sweep["unscaled"]
    assert scaled[1] > unscaled[1] + 0.02  # age in years drowns the 0/1 features when unscaled
    assert scaled[1] > scaled[0] + 0.02  # k=1 memorises noise
    assert scaled[1] > 0.76

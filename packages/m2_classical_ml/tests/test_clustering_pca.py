"""K-Means and PCA by hand vs scikit-learn on the digits; the elbow rule on a known shape."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.cluster import KMeans
from sklearn.datasets import load_digits
from sklearn.decomposition import PCA
from threadpoolctl import threadpool_limits

from m2_classical_ml.clustering import elbow_k, kmeans, sweep_k
from m2_classical_ml.pca import flip_signs, pca_svd


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    return load_digits(return_X_y=True)


def test_hand_kmeans_matches_sklearn_from_same_start(digits) -> None:
    X, _ = digits
    X = X[:600]
    start = X[np.random.default_rng(0).choice(len(X), 10, replace=False)]
    labels, centres, inertia = kmeans(X, start)
    with threadpool_limits(1):  # one thread: fast on small data, see clustering.sweep_k
        sk = KMeans(n_clusters=10, init=start, n_init=1, algorithm="lloyd").fit(X)
    np.testing.assert_array_equal(labels, sk.labels_)
    np.testing.assert_allclose(centres, sk.cluster_centers_, atol=1e-8)
    assert inertia == pytest.approx(sk.inertia_, rel=1e-9)


def test_elbow_of_a_known_curve() -> None:
    ks = [1, 2, 3, 4, 5, 6]
    assert elbow_k(ks, [100, 40, 12, 10, 9, 8]) == 3


def test_inertia_falls_and_silhouette_is_positive(digits) -> None:
    X, _ = digits
    sweep = sweep_k(X[:400], [2, 6, 10], seed=0, n_init=2)
    assert sweep["inertia"][0] > sweep["inertia"][1] > sweep["inertia"][2]
    assert all(0.05 < s < 0.5 for s in sweep["silhouette"])


def test_hand_pca_matches_sklearn(digits) -> None:
    X, _ = digits
    ours = pca_svd(X, n_components=5)
    sk = PCA(n_components=5).fit(X)
    np.testing.assert_allclose(ours.components, flip_signs(sk.components_), atol=1e-10)
    np.testing.assert_allclose(ours.explained_variance, sk.explained_variance_, rtol=1e-10)
    np.testing.assert_allclose(
        ours.explained_variance_ratio, sk.explained_variance_ratio_, rtol=1e-10
    )
    np.testing.assert_allclose(np.abs(ours.projected), np.abs(sk.transform(X)), atol=1e-8)
    assert 0.25 < ours.explained_variance_ratio[:2].sum() < 0.35  # digits are not 2-dimensional

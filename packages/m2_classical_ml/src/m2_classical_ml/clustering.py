"""K-Means, by hand and with scikit-learn, and the two ways to choose k without labels.

K-Means (Lloyd's algorithm) alternates two steps until nothing moves:

1. **assign** every point to its nearest centre;
2. **update** every centre to the mean of the points assigned to it.

Each step can only lower the *inertia* (the sum of squared distances from points to their centre),
so it converges, though to a local minimum: scikit-learn restarts from several seeds (``n_init``)
and keeps the best. :func:`kmeans` is the bare algorithm and, started from the same centres,
matches ``KMeans(init=centres, n_init=1)``.

Choosing k: inertia always falls as k grows, so we look for the **elbow** where adding a cluster
stops paying off (:func:`elbow_k`: the point farthest below the straight line joining the first and
last inertias). The **silhouette** of a point is (b − a) / max(a, b), with a its mean distance to its
own cluster and b to the nearest other cluster: near 1 well placed, near 0 on a border.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.cluster import KMeans
from sklearn.metrics import silhouette_score
from threadpoolctl import threadpool_limits


def kmeans(
    X: np.ndarray, centres: np.ndarray, max_iter: int = 300, tol: float = 1e-4
) -> tuple[np.ndarray, np.ndarray, float]:
    """Lloyd's algorithm from the given initial centres → (labels, centres, inertia)."""
    X, centres = np.asarray(X, dtype=float), np.asarray(centres, dtype=float).copy()
    # scikit-learn's tolerance is relative to the data's spread: tol × mean feature variance
    threshold = tol * np.mean(np.var(X, axis=0))
    for _ in range(max_iter):
        sq_dist = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)  # (n, k)
        labels = sq_dist.argmin(axis=1)
        new_centres = np.array(
            [
                X[labels == j].mean(axis=0) if np.any(labels == j) else centres[j]
                for j in range(len(centres))
            ]
        )  # (k, d); an empty cluster keeps its old centre
        shift = ((new_centres - centres) ** 2).sum()
        centres = new_centres
        if shift <= threshold:
            break
    sq_dist = ((X[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2)
    labels = sq_dist.argmin(axis=1)
    return labels, centres, float(sq_dist[np.arange(len(X)), labels].sum())


def elbow_k(ks: Sequence[int], inertias: Sequence[float]) -> int:
    """The k whose (normalised) inertia lies farthest below the chord from the first to the last k."""
    k = np.asarray(ks, dtype=float)
    inertia = np.asarray(inertias, dtype=float)
    x = (k - k[0]) / (k[-1] - k[0])  # both axes to [0, 1] so that units do not matter
    y = (inertia - inertia[-1]) / (inertia[0] - inertia[-1])
    chord = 1 - x  # the straight line from (0, 1) to (1, 0)
    return int(k[np.argmax(chord - y)])


def sweep_k(
    X: np.ndarray, ks: Sequence[int], seed: int = 0, n_init: int = 4, threads: int = 1
) -> dict[str, list[float]]:
    """Inertia and silhouette of ``KMeans(k)`` for every k.

    ``threads`` caps K-Means' OpenMP threads: on small data and a busy 2-core machine, threads
    waiting on each other make it several times slower than one thread.
    """
    inertias, silhouettes = [], []
    with threadpool_limits(threads):
        for k in ks:
            model = KMeans(n_clusters=k, n_init=n_init, random_state=seed).fit(X)
            inertias.append(float(model.inertia_))
            silhouettes.append(float(silhouette_score(X, model.labels_, random_state=seed)))
    return {"inertia": inertias, "silhouette": silhouettes}

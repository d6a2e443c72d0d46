"""Principal component analysis by hand (one SVD) and with ``sklearn.decomposition.PCA``.

PCA finds the directions along which the data varies most. Centre the data matrix X (n × d) and
take its singular value decomposition ``X = U S Vᵀ``:

- the rows of Vᵀ are the principal directions (unit vectors, orthogonal to each other);
- ``X Vᵀ[:k].T`` (= ``U[:, :k] S[:k]``) are the coordinates of every point in the first k of them;
- the variance along direction i is ``S_i² / (n − 1)``; its share of the total is the
  *explained variance ratio*.

An eigenvector's sign is arbitrary (−v is as good as v), so two correct PCAs may disagree by sign.
:func:`flip_signs` fixes the convention scikit-learn uses (see ``svd_flip``), and then
:func:`pca_svd` and ``PCA`` agree to rounding error.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class PCAResult:
    """What a PCA learns and produces."""

    components: np.ndarray  # (k, d): principal directions, one per row
    projected: np.ndarray  # (n, k): the data in the new coordinates
    explained_variance: np.ndarray  # (k,)
    explained_variance_ratio: np.ndarray  # (k,)
    mean: np.ndarray  # (d,): subtracted before projecting


def flip_signs(components: np.ndarray) -> np.ndarray:
    """Make the largest-magnitude entry of each component positive (scikit-learn's convention)."""
    biggest = np.argmax(np.abs(components), axis=1)  # (k,)
    signs = np.sign(components[np.arange(len(components)), biggest])
    return components * signs[:, None]


def pca_svd(X: np.ndarray, n_components: int) -> PCAResult:
    """PCA of ``X`` (n, d) down to ``n_components`` dimensions with one SVD."""
    X = np.asarray(X, dtype=float)
    mean = X.mean(axis=0)
    centred = X - mean  # PCA describes variation around the mean
    _, singular_values, vt = np.linalg.svd(centred, full_matrices=False)  # vt: (min(n, d), d)
    components = flip_signs(vt[:n_components])
    variance = singular_values**2 / (len(X) - 1)
    return PCAResult(
        components=components,
        projected=centred @ components.T,
        explained_variance=variance[:n_components],
        explained_variance_ratio=variance[:n_components] / variance.sum(),
        mean=mean,
    )

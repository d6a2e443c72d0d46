"""Item-item k-nearest neighbours: "people who liked this also liked...", written out.

1. **Mean-centre** each user's ratings: c_uj = r_uj - (u's mean rating). A 3 from a generous
   user is a complaint, a 3 from a harsh one praise; centring makes them comparable.
2. **Cosine similarity of items**, each item being its column of centred ratings (users who did
   not rate it count as 0, "no opinion"): s_ij = c_i · c_j / (|c_i| |c_j|), in -1..1. Two movies
   rated by only one common user can reach 1 by luck, so s_ij is **shrunk** by n_ij / (n_ij + β),
   n_ij = the number of users who rated both (β = ``shrink``).
3. **Keep each item's k most similar items** (positive similarities only): the model is this
   sparse (items × items) matrix S, computed once.

Then, for user u and a movie i they have not rated, the neighbours of i that u *has* rated vote::

    predicted rating  r̂_ui = mean_u + Σ_j s_ij c_uj / Σ_j |s_ij|     (RMSE; mean_u if none voted)
    ranking score     score_ui =        Σ_j s_ij c_uj               (top-10 lists)

The ranking score is the same sum without the division: dividing would turn one lucky neighbour
into a confident 5-star guess, while the plain sum grows with the *evidence* (more, and more
similar, liked neighbours). The terms of the sum are also the explanation of a recommendation:
"because you rated Toy Story 5.0".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import sparse

from m2_classical_ml.recommender.als import RATING_RANGE


@dataclass
class ItemKNN:
    """A fitted item-item model: ``S`` (items × items, row i = i's k neighbours) and the user means
    and centred ratings of the training matrix it was fitted on."""

    S: sparse.csr_matrix
    user_mean: np.ndarray
    centred: sparse.csr_matrix
    k: int

    def _votes(self, users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(Σ_j s_ij c_uj, Σ_j |s_ij| over rated j) for ``users`` × every item, both dense."""
        rows = self.centred[users]
        rated = rows.copy()
        rated.data = np.ones_like(rated.data)
        numerator = (rows @ self.S.T).toarray()  # (users, items)
        denominator = (rated @ abs(self.S).T).toarray()
        return numerator, denominator

    def scores(self, users: np.ndarray) -> np.ndarray:
        """Ranking scores of every item for ``users``: (len(users), n_items)."""
        return self._votes(users)[0]

    def predict(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        """Predicted stars for the pairs ``(u[n], i[n])``; the user's mean when no neighbour voted."""
        users, inverse = np.unique(u, return_inverse=True)
        numerator, denominator = self._votes(users)
        num, den = numerator[inverse, i], denominator[inverse, i]
        offset = np.divide(num, den, out=np.zeros_like(num), where=den > 0)
        return np.clip(self.user_mean[u] + offset, *RATING_RANGE)

    def explain(self, u: int, i: int, top: int = 3) -> list[tuple[int, float, float]]:
        """The rated neighbours that pushed item ``i`` up for user ``u``: (item, similarity,
        centred rating), the largest contributions s_ij c_uj first, positive ones only."""
        row = self.centred[u]
        rated = dict(zip(row.indices.tolist(), row.data.tolist(), strict=True))
        neighbours = self.S[i]
        votes = [
            (int(j), float(s), rated[j])
            for j, s in zip(neighbours.indices, neighbours.data, strict=True)
            if j in rated and s * rated[j] > 0
        ]
        return sorted(votes, key=lambda vote: -vote[1] * vote[2])[:top]


def centre_by_user(matrix: sparse.csr_matrix) -> tuple[sparse.csr_matrix, np.ndarray]:
    """(centred ratings, user means): each stored rating minus its row's mean."""
    counts = np.diff(matrix.indptr)
    means = np.asarray(matrix.sum(axis=1)).ravel() / np.maximum(counts, 1)
    centred = matrix.copy().astype(float)
    centred.data = matrix.data - np.repeat(means, counts)
    return centred, means


def item_similarities(
    centred: sparse.csr_matrix, k: int, shrink: float = 10.0, block: int = 1024
) -> sparse.csr_matrix:
    """Each item's ``k`` most similar items by shrunk cosine on centred ratings (see the top).

    The full (items × items) matrix would be 9066² floats (650 MB), so it is computed ``block``
    items at a time and only the top k of each row are kept: a sparse (items × items) matrix.
    """
    # who rated what, from the stored entries: a rating equal to its user's mean is centred to 0
    # yet is still a co-rating
    structure = centred.copy()
    structure.data = np.ones_like(structure.data)
    by_item, structure_by_item = centred.T.tocsr(), structure.T.tocsr()  # (items, users)
    norms = np.sqrt(np.asarray(centred.multiply(centred).sum(axis=0)).ravel())
    safe = np.where(norms > 0, norms, 1.0)  # an item with all-zero centred ratings: similarity 0
    n_items = centred.shape[1]
    take = min(k, n_items - 1)
    rows, cols, vals = [], [], []
    for start in range(0, n_items, block):
        stop = min(start + block, n_items)
        # sparse products: only pairs of ratings by the same user cost anything (1.6 % is filled)
        dots = (by_item[start:stop] @ centred).toarray()  # (b, items): c_i · c_j
        sims = dots / np.outer(safe[start:stop], safe)
        co_counts = (structure_by_item[start:stop] @ structure).toarray()  # users who rated both
        sims *= co_counts / np.maximum(co_counts + shrink, 1e-12)
        sims[np.arange(stop - start), np.arange(start, stop)] = 0.0  # not its own neighbour
        top = np.argpartition(-sims, take - 1, axis=1)[:, :take]  # k largest, unordered
        best = np.take_along_axis(sims, top, axis=1)
        keep = best > 0  # dissimilar items are not neighbours
        rows.append(np.repeat(np.arange(start, stop), take)[keep.ravel()])
        cols.append(top[keep])
        vals.append(best[keep])
    return sparse.csr_matrix(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))),
        shape=(n_items, n_items),
    )


def keep_top(S: sparse.csr_matrix, k: int) -> sparse.csr_matrix:
    """The ``k`` largest entries of every row of ``S``: a kNN model for a smaller k, without
    recomputing similarities (a sweep over k computes them once, for the largest k)."""
    coo = S.tocoo()
    order = np.lexsort((-coo.data, coo.row))  # by row, then by similarity, largest first
    row, col, val = coo.row[order], coo.col[order], coo.data[order]
    starts = np.searchsorted(row, row, side="left")  # first position of each entry's row
    keep = np.arange(len(row)) - starts < k
    return sparse.csr_matrix((val[keep], (row[keep], col[keep])), shape=S.shape)


def fit_knn(
    matrix: sparse.csr_matrix, ks: tuple[int, ...] = (50,), shrink: float = 10.0
) -> dict[int, ItemKNN]:
    """Fit item-item kNN on the (users × items) ratings ``matrix``, one model per k in ``ks``."""
    centred, means = centre_by_user(matrix)
    S = item_similarities(centred, max(ks), shrink)
    return {k: ItemKNN(keep_top(S, k), means, centred, k) for k in ks}

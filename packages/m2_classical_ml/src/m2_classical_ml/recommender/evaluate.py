"""How a recommender is judged: rating error (RMSE) and the quality of its top-10 list.

**RMSE** asks "how far off is the predicted star rating?" on the held-out ratings. Its floors:
predict the global mean for everyone, or each user's own mean.

**Precision@k / recall@k** ask what a user actually sees: a list of k movies. For each user, every
movie they have *not* rated in training is scored, the k best form the list, and we count how
many **relevant** held-out movies it contains. Here a held-out movie is relevant when its rating
is **>= 4 stars** (the user liked it: recommending a movie they later rated 2 is no success).
Users whose held-out rating is below 4 have nothing relevant and are left out of the averages.

    precision@k = hits / k          recall@k = hits / (relevant held-out movies of the user)

With leave-last-out there is one held-out movie per user, so recall@10 is the *hit rate* (was
the liked movie in the top 10?) and precision@10 = recall@10 / 10 can never exceed 0.1. The floor
is **popularity**: recommend the most-rated movies you have not seen yet; it is hard to beat.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse


def rmse(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Root mean squared error, in stars."""
    diff = np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)
    return float(np.sqrt(np.mean(diff**2)))


def bootstrap_rmse_interval(
    y_true: np.ndarray, y_pred: np.ndarray, seed: int = 0, draws: int = 1000
) -> tuple[float, float]:
    """95 % interval of the RMSE by resampling the held-out ratings with replacement: with one
    rating per user (671 of them) a difference of 0.01 stars is within the noise."""
    sq = (np.asarray(y_true, dtype=float) - np.asarray(y_pred, dtype=float)) ** 2
    rng = np.random.default_rng(seed)
    samples = np.sqrt(sq[rng.integers(0, len(sq), size=(draws, len(sq)))].mean(axis=1))
    low, high = np.quantile(samples, [0.025, 0.975])
    return float(low), float(high)


def user_means(matrix: sparse.csr_matrix) -> np.ndarray:
    """Each user's mean training rating (the global mean for a user with none)."""
    counts = np.diff(matrix.indptr)
    sums = np.asarray(matrix.sum(axis=1)).ravel()
    return np.where(counts > 0, sums / np.maximum(counts, 1), matrix.data.mean())


def popularity_scores(matrix: sparse.csr_matrix, users: np.ndarray) -> np.ndarray:
    """The popularity baseline: every user gets each movie's number of training ratings."""
    counts = np.diff(matrix.tocsc().indptr).astype(float)  # ratings per item
    return np.broadcast_to(counts, (len(users), len(counts)))


def top_k(scores: np.ndarray, seen: sparse.csr_matrix, k: int = 10) -> np.ndarray:
    """Indices of the ``k`` best-scored items per row, best first, skipping the row's ``seen``
    items (those rated in training: recommending them again is useless). Ties: lower index first."""
    masked = np.array(scores, dtype=float)  # a copy: the caller's scores stay untouched
    masked[seen.nonzero()] = -np.inf
    part = np.argpartition(-masked, k - 1, axis=1)[:, :k]  # (users, k) unordered, O(items)
    part.sort(axis=1)  # so that equal scores keep the lower item index first below
    order = np.argsort(-np.take_along_axis(masked, part, axis=1), axis=1, kind="stable")
    return np.take_along_axis(part, order, axis=1)


def precision_recall_at_k(
    recommended: np.ndarray | Sequence[Sequence[int]],
    relevant: Sequence[set[int]],
    k: int = 10,
) -> dict[str, float]:
    """Mean precision@k and recall@k over the users with at least one relevant item.

    ``recommended[n]`` is user n's list (best first; only its first k count), ``relevant[n]``
    the set of their relevant held-out items. Also returns ``users`` (how many were averaged)
    and ``hits`` (relevant items found in total).
    """
    precisions, recalls, hits_total = [], [], 0
    for items, wanted in zip(recommended, relevant, strict=True):
        if not wanted:
            continue
        hits = len(set(list(items)[:k]) & wanted)
        hits_total += hits
        precisions.append(hits / k)
        recalls.append(hits / len(wanted))
    n = len(precisions)
    return {
        "precision": float(np.mean(precisions)) if n else 0.0,
        "recall": float(np.mean(recalls)) if n else 0.0,
        "users": n,
        "hits": hits_total,
    }


def held_out_relevance(
    users: np.ndarray, items: np.ndarray, ratings: np.ndarray, n_users: int, threshold: float
) -> list[set[int]]:
    """Per user (0..n_users-1), the set of held-out items rated at least ``threshold``."""
    relevant: list[set[int]] = [set() for _ in range(n_users)]
    for u, i, r in zip(users.tolist(), items.tolist(), ratings.tolist(), strict=True):
        if r >= threshold:
            relevant[u].add(i)
    return relevant

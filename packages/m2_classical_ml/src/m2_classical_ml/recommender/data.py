"""Ratings as integer-indexed arrays, and the leave-last-out split that respects time.

A recommender is asked about the *future*: what will this user like next? A random train/test
split of ratings would let the model learn from a user's later ratings to predict earlier ones.
Leave-last-out is the usual honest protocol for per-user evaluation: sort each user's ratings by
time; the **last** one is the test item, the **second-to-last** the validation item (tune rank,
regularisation and k on it), everything before is training data. After tuning, the model is
refitted on train + validation and scored once on test.

Caveat the split cannot remove: other users' ratings made after a user's test timestamp are still
in training (a global time split would remove that too, at the cost of users with no history).
Ratings in the same second (the last second holds ties for 19 % of users) are ordered by movieId,
so the split is deterministic.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse

from m2_classical_ml.errors import InvalidInputError
from roadmap_data import load_movielens

COLUMNS = ["userId", "movieId", "rating", "timestamp"]


@dataclass(frozen=True)
class Ratings:
    """Ratings with users and movies renumbered 0..n-1 (matrix rows and columns).

    ``user_ids[u]`` / ``movie_ids[i]`` map an index back to the MovieLens id; ``titles[i]`` is
    the movie's title. ``frame`` has columns ``u``, ``i``, ``rating``, ``timestamp``.
    """

    frame: pd.DataFrame
    user_ids: np.ndarray
    movie_ids: np.ndarray
    titles: np.ndarray

    @property
    def n_users(self) -> int:
        return len(self.user_ids)

    @property
    def n_items(self) -> int:
        return len(self.movie_ids)

    def user_index(self, user_id: int) -> int:
        """The row of MovieLens user ``user_id``; InvalidInputError (exit 2) if there is none."""
        found = np.flatnonzero(self.user_ids == user_id)
        if len(found) == 0:
            raise InvalidInputError(
                f"unknown user id {user_id}: the ratings have users "
                f"{self.user_ids.min()}..{self.user_ids.max()} ({self.n_users} users)"
            )
        return int(found[0])


@dataclass(frozen=True)
class Split:
    """Leave-last-out: ``train`` (all but the last two per user), ``val`` and ``test`` (one each)."""

    train: pd.DataFrame
    val: pd.DataFrame
    test: pd.DataFrame

    def train_val(self) -> pd.DataFrame:
        """Training data for the final model, refitted after tuning on ``val``."""
        return pd.concat([self.train, self.val], ignore_index=True)


def load_ratings(
    users: int | None = None, seed: int = 0, frame: pd.DataFrame | None = None
) -> Ratings:
    """MovieLens from the registry (or ``frame``), optionally a random subset of ``users``.

    Movies are numbered over the kept ratings only, so a subset has no empty columns.
    """
    raw = load_movielens() if frame is None else frame
    titles_by_id = raw.groupby("movieId")["title"].first() if "title" in raw else None
    raw = raw[COLUMNS]
    if users is not None and users < raw["userId"].nunique():
        rng = np.random.default_rng(seed)
        keep = rng.choice(raw["userId"].unique(), size=users, replace=False)
        raw = raw[raw["userId"].isin(keep)]
    user_ids, u = np.unique(raw["userId"].to_numpy(), return_inverse=True)
    movie_ids, i = np.unique(raw["movieId"].to_numpy(), return_inverse=True)
    if titles_by_id is None:
        titles = np.array([f"movie {m}" for m in movie_ids], dtype=object)
    else:  # a few titles are missing in the file: name the movie by its id instead
        named = titles_by_id.reindex(movie_ids)
        titles = np.where(named.isna(), [f"movie {m}" for m in movie_ids], named.astype(object))
    table = pd.DataFrame(
        {
            "u": u.astype(np.int64),
            "i": i.astype(np.int64),
            "rating": raw["rating"].to_numpy(dtype=float),
            "timestamp": raw["timestamp"].to_numpy(),
        }
    )
    return Ratings(table, user_ids, movie_ids, np.asarray(titles, dtype=object))


def leave_last_out(frame: pd.DataFrame) -> Split:
    """Each user's last rating → test, second-to-last → validation, the rest → train.

    Needs at least 3 ratings per user (MovieLens users have at least 20).
    """
    ordered = frame.sort_values(["u", "timestamp", "i"], kind="stable")
    # position counted from the end: 0 = the user's latest rating, 1 = the one before
    from_end = ordered.groupby("u").cumcount(ascending=False).to_numpy()
    if ordered.groupby("u").size().min() < 3:
        raise InvalidInputError("leave-last-out needs at least 3 ratings per user")
    return Split(
        train=ordered[from_end >= 2].reset_index(drop=True),
        val=ordered[from_end == 1].reset_index(drop=True),
        test=ordered[from_end == 0].reset_index(drop=True),
    )


def rating_matrix(frame: pd.DataFrame, n_users: int, n_items: int) -> sparse.csr_matrix:
    """The (users × items) sparse matrix of ratings; an absent rating is a structural zero."""
    return sparse.csr_matrix(
        (frame["rating"].to_numpy(dtype=float), (frame["u"].to_numpy(), frame["i"].to_numpy())),
        shape=(n_users, n_items),
    )

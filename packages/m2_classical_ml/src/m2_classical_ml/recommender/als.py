"""Matrix factorisation with biases, fitted by alternating least squares (ALS), in NumPy.

The model: a rating is a global mean, plus how generous the user is, plus how well liked the
movie is, plus a *taste match*, the dot product of a user vector and a movie vector of ``rank``
numbers each (rank 0 leaves the biases alone: the "baseline predictor")::

    r̂(u, i) = μ + b_u + c_i + p_u · q_i

It is fitted by minimising the squared error on the known ratings plus a penalty that keeps
vectors short (without it, rank 20 memorises the training ratings)::

    L = Σ_(u,i) (r_ui - r̂_ui)²  +  λ (Σ_u n_u (|p_u|² + b_u²) + Σ_i n_i (|q_i|² + c_i²))

**Why ALS rather than SGD.** With every movie's (q_i, c_i) held fixed, L is a *ridge regression
per user*: the features are the movie vectors with a column of ones appended, the target is
r - μ - c_i, and the weights are (p_u, b_u). Ridge has a closed form (``regularization.py``), so
each half-step jumps straight to the exact minimum, and L can never go up: there is no learning
rate to tune and no epochs to count, only ``iterations`` (5-15 are enough). SGD needs a step size
and a schedule, but touches one rating at a time, which is what you want when ratings stream in.

**Why λ·n (ALS-WR, Zhou et al. 2008).** Scaling the penalty by how many ratings a user or movie
has keeps one λ right for a user with 20 ratings and one with 2,000.

**Best RMSE, worst top-10.** Ranked by predicted stars, ALS fills the lists with movies that one
person rated highly: λ·n barely shrinks a movie with n = 1, so its bias c_i stays large (on the
full data, 99.6 % of ALS's top-10 entries have at most 3 ratings, and its test recall@10 is 0).
Minimising rating error and ranking well are different goals; ``knn`` and popularity do better.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import sparse

RATING_RANGE = (0.5, 5.0)
"""MovieLens stars; predictions outside the scale are clipped to it (a rating is never 5.4)."""


@dataclass
class ALSModel:
    """Fitted factors: ``P (users, rank)``, ``Q (items, rank)``, biases ``b``, ``c``, mean ``mu``.

    ``history`` holds the objective L and the training RMSE after each iteration.
    """

    mu: float
    P: np.ndarray
    Q: np.ndarray
    b: np.ndarray
    c: np.ndarray
    history: dict[str, list[float]] = field(default_factory=dict)

    def predict(self, u: np.ndarray, i: np.ndarray) -> np.ndarray:
        """Predicted stars for the pairs ``(u[k], i[k])``, clipped to the rating scale."""
        raw = self.mu + self.b[u] + self.c[i] + np.sum(self.P[u] * self.Q[i], axis=1)
        return np.clip(raw, *RATING_RANGE)

    def scores(self, users: np.ndarray) -> np.ndarray:
        """Unclipped predictions of every item for ``users``: (len(users), n_items), for ranking."""
        return self.mu + self.b[users, None] + self.c[None, :] + self.P[users] @ self.Q.T


def _solve_side(
    matrix: sparse.csr_matrix, mu: float, other_f: np.ndarray, other_bias: np.ndarray, reg: float
) -> tuple[np.ndarray, np.ndarray]:
    """One half-step: for every row of ``matrix`` (a user, or an item when transposed) the ridge
    regression of its residuals on the other side's vectors. Returns (factors, biases).

    Row r with ratings y on columns J: X = [other_f[J], 1] (n × rank+1), target y - μ - other_bias[J],
    weights w = (XᵀX + λ·n·I)⁻¹ Xᵀ(target): w[:-1] is the row's vector, w[-1] its bias.

    A loop over rows would solve these one by one (10,000 small solves per iteration: seconds of
    Python overhead). Instead, two sparse products build every row's normal equations at once:
    XᵀX of row r is Σ_j x_j x_jᵀ over its columns j, i.e. (0/1 matrix) @ (each x_j x_jᵀ, flattened),
    and Xᵀtarget is (matrix of targets) @ X. ``np.linalg.solve`` then solves the whole stack.
    """
    n_rows, k = matrix.shape[0], other_f.shape[1] + 1
    X = np.column_stack([other_f, np.ones(len(other_f))])  # (n_other, k): features of each column
    rated = matrix.copy()
    rated.data = np.ones_like(rated.data)
    outer = (X[:, :, None] * X[:, None, :]).reshape(len(X), k * k)  # (n_other, k²): x_j x_jᵀ
    gram = (rated @ outer).reshape(n_rows, k, k)  # (n_rows, k, k): XᵀX of every row
    targets = matrix.copy()
    targets.data = matrix.data - mu - other_bias[matrix.indices]
    rhs = targets @ X  # (n_rows, k): Xᵀ(target) of every row
    # n of a row with no ratings is taken as 1: λ·I alone then gives the zero vector (no data)
    counts = np.maximum(np.diff(matrix.indptr), 1)
    gram += reg * counts[:, None, None] * np.eye(k)
    w = np.linalg.solve(gram, rhs[:, :, None])[:, :, 0]  # (n_rows, k)
    return w[:, :-1], w[:, -1]


def objective(model: ALSModel, matrix: sparse.csr_matrix, reg: float) -> tuple[float, float]:
    """(L, training RMSE) of ``model`` on the ratings in ``matrix`` (see the module docstring)."""
    coo = matrix.tocoo()
    raw = model.mu + model.b[coo.row] + model.c[coo.col]
    raw = raw + np.sum(model.P[coo.row] * model.Q[coo.col], axis=1)
    sq_error = float(np.sum((coo.data - raw) ** 2))
    n_u, n_i = np.diff(matrix.indptr), np.bincount(coo.col, minlength=matrix.shape[1])
    penalty = np.sum(n_u * (np.sum(model.P**2, axis=1) + model.b**2))
    penalty += np.sum(n_i * (np.sum(model.Q**2, axis=1) + model.c**2))
    return sq_error + reg * float(penalty), float(np.sqrt(sq_error / matrix.nnz))


def fit_als(
    matrix: sparse.csr_matrix,
    rank: int = 10,
    reg: float = 0.1,
    iterations: int = 10,
    seed: int = 0,
) -> ALSModel:
    """Fit μ + b_u + c_i + p_u·q_i to the (users × items) ratings ``matrix`` by ALS.

    Item vectors start small and random (all-zero vectors would stay zero: a user's ridge on zero
    features learns nothing to pass back); the first half-step then solves the users exactly.
    """
    rng = np.random.default_rng(seed)
    n_users, n_items = matrix.shape
    model = ALSModel(
        mu=float(matrix.data.mean()),
        P=np.zeros((n_users, rank)),
        Q=rng.normal(0.0, 0.1, size=(n_items, rank)),
        b=np.zeros(n_users),
        c=np.zeros(n_items),
        history={"loss": [], "train_rmse": []},
    )
    by_item = matrix.T.tocsr()  # the same ratings, one row per item
    for _ in range(iterations):
        model.P, model.b = _solve_side(matrix, model.mu, model.Q, model.c, reg)
        model.Q, model.c = _solve_side(by_item, model.mu, model.P, model.b, reg)
        loss, train_rmse = objective(model, matrix, reg)
        model.history["loss"].append(loss)
        model.history["train_rmse"].append(train_rmse)
    return model


def predict_frame(model: ALSModel, frame: pd.DataFrame) -> np.ndarray:
    """Predictions for the ``u``, ``i`` pairs of a ratings frame (validation or test)."""
    return model.predict(frame["u"].to_numpy(), frame["i"].to_numpy())

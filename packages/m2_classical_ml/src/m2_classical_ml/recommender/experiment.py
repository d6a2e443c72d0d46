"""One evaluation run: tune on validation, refit on train + validation, report once on test.

1. Split each user's ratings leave-last-out (``data.leave_last_out``).
2. **Tune on validation** (models fitted on train only): ALS's rank and λ by validation RMSE;
   kNN's k by validation recall@10 (ranking is what kNN is for here).
3. **Refit** the chosen settings on train + validation and score the **test** ratings once: RMSE
   against the global-mean and user-mean baselines, precision/recall@10 against popularity.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from rich.progress import track
from scipy import sparse

from m2_classical_ml.recommender import evaluate as ev
from m2_classical_ml.recommender.als import ALSModel, fit_als, predict_frame
from m2_classical_ml.recommender.data import Ratings, leave_last_out, load_ratings, rating_matrix
from m2_classical_ml.recommender.knn import ItemKNN, fit_knn
from roadmap_data.console import console
from roadmap_data.runkit import RunConfig, require, require_at_least
from roadmap_data.stats import wilson_interval


@dataclass(frozen=True, kw_only=True)
class RecommendConfig(RunConfig):
    """Settings of one ``recommend`` run."""

    PRESETS: ClassVar = {
        "tiny": {"users": 80, "ranks": (0, 3), "regs": (0.1,), "ks": (10, 30), "iterations": 4},
        "cpu": {},
        "full": {"ranks": (0, 2, 5, 10, 20, 40, 80), "regs": (0.03, 0.05, 0.1, 0.2, 0.3, 0.5)},
    }

    users: int | None = None
    """Use a random subset of this many users (None: all 671)."""
    ranks: tuple[int, ...] = (0, 5, 10, 20, 40)
    """ALS ranks (length of each user/movie vector) to try; rank 0 = biases only."""
    regs: tuple[float, ...] = (0.05, 0.1, 0.2, 0.4)
    """ALS regularisation strengths λ to try (penalty λ·n per user/movie with n ratings)."""
    iterations: int = 10
    """ALS sweeps (each solves all users, then all movies, exactly)."""
    ks: tuple[int, ...] = (10, 25, 50, 100, 200, 400)
    """Neighbours per movie to try in item-item kNN."""
    shrink: float = 10.0
    """kNN similarity shrinkage β: s · n/(n + β), n = users who rated both movies."""
    top_n: int = 10
    """Length of the recommendation list (the k of precision@k and recall@k)."""
    relevant_at: float = 4.0
    """A held-out rating counts as relevant (liked) at this many stars or more."""

    def validate(self) -> None:
        require_at_least(20, users=self.users)
        require_at_least(1, iterations=self.iterations, top_n=self.top_n)
        require_at_least(0, shrink=self.shrink)
        require(bool(self.ranks) and min(self.ranks) >= 0, "ranks: give at least one, each >= 0")
        require(bool(self.regs) and min(self.regs) > 0, "regs: give at least one, each > 0")
        require(bool(self.ks) and min(self.ks) >= 1, "ks: give at least one, each >= 1")


@dataclass
class RecommendResult:
    """What a run measured, and the final (train + validation) models."""

    config: RecommendConfig
    ratings: Ratings
    sizes: dict[str, int]
    als_sweep: list[dict[str, float]]
    knn_sweep: list[dict[str, float]]
    chosen: dict[str, float]
    test_rmse: dict[str, dict[str, float]]
    test_ranking: dict[str, dict[str, float]]
    als: ALSModel
    knn: ItemKNN
    extras: dict[str, Any] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        """What metrics.json holds."""
        return {
            "sizes": self.sizes,
            "relevance": f"held-out rating >= {self.config.relevant_at}",
            "chosen_on_validation": self.chosen,
            "validation_als": self.als_sweep,
            "validation_knn": self.knn_sweep,
            "test_rmse": self.test_rmse,
            f"test_ranking_at_{self.config.top_n}": self.test_ranking,
            "als_learning_curve": self.als.history,
        }


def ranking_metrics(
    scores: np.ndarray, seen: sparse.csr_matrix, held_out: pd.DataFrame, config: RecommendConfig
) -> dict[str, float]:
    """precision/recall@top_n of ``scores`` (users × items) on the held-out ratings, with the
    Wilson interval of the recall (= hit rate: one held-out movie per user)."""
    n_users = scores.shape[0]
    relevant = ev.held_out_relevance(
        held_out["u"].to_numpy(), held_out["i"].to_numpy(), held_out["rating"].to_numpy(),
        n_users, config.relevant_at,
    )  # fmt: skip
    found = ev.precision_recall_at_k(ev.top_k(scores, seen, config.top_n), relevant, config.top_n)
    low, high = wilson_interval(found["hits"], found["users"])
    return {**found, "recall_low": low, "recall_high": high}


def rmse_row(held_out: pd.DataFrame, predicted: np.ndarray, seed: int) -> dict[str, float]:
    """RMSE on the held-out ratings with its bootstrap 95 % interval."""
    y = held_out["rating"].to_numpy()
    low, high = ev.bootstrap_rmse_interval(y, predicted, seed)
    return {"rmse": ev.rmse(y, predicted), "low": low, "high": high}


def tune_als(
    train: sparse.csr_matrix, val: pd.DataFrame, config: RecommendConfig
) -> list[dict[str, float]]:
    """Validation RMSE (and final training RMSE) of every (rank, λ), models fitted on train."""
    grid = [(rank, reg) for rank in config.ranks for reg in config.regs]
    rows = []
    for rank, reg in track(grid, "tuning ALS on validation", transient=True, console=console):
        model = fit_als(train, rank, reg, config.iterations, config.seed)
        rows.append(
            {
                "rank": rank,
                "reg": reg,
                "train_rmse": model.history["train_rmse"][-1],
                "val_rmse": ev.rmse(val["rating"].to_numpy(), predict_frame(model, val)),
            }
        )
    return rows


def tune_knn(
    train: sparse.csr_matrix, val: pd.DataFrame, config: RecommendConfig
) -> list[dict[str, float]]:
    """Validation RMSE and recall@top_n of every k (similarities computed once, for max k)."""
    rows = []
    users = np.arange(train.shape[0])
    for k, model in fit_knn(train, config.ks, config.shrink).items():
        ranking = ranking_metrics(model.scores(users), train, val, config)
        predicted = model.predict(val["u"].to_numpy(), val["i"].to_numpy())
        rows.append(
            {
                "k": k,
                "val_rmse": ev.rmse(val["rating"].to_numpy(), predicted),
                "val_recall": ranking["recall"],
            }
        )
    return rows


def run(config: RecommendConfig, frame: pd.DataFrame | None = None) -> RecommendResult:
    """Tune on validation, refit on train + validation, measure on test (see the top)."""
    ratings = load_ratings(config.users, config.seed, frame)
    split = leave_last_out(ratings.frame)
    shape = (ratings.n_users, ratings.n_items)
    train = rating_matrix(split.train, *shape)
    with console.status("item-item kNN: similarities on validation"):
        knn_sweep = tune_knn(train, split.val, config)
    als_sweep = tune_als(train, split.val, config)
    best_als = min(als_sweep, key=lambda row: row["val_rmse"])
    best_knn = max(knn_sweep, key=lambda row: (row["val_recall"], -row["val_rmse"]))
    bias_reg = min(
        (row for row in als_sweep if row["rank"] == 0), key=lambda row: row["val_rmse"], default=best_als
    )["reg"]  # fmt: skip

    # the final models see train + validation; test is touched once, here
    full = rating_matrix(split.train_val(), *shape)
    test, users = split.test, np.arange(ratings.n_users)
    with console.status("refitting on train + validation"):
        als = fit_als(full, int(best_als["rank"]), best_als["reg"], config.iterations, config.seed)
        biases = fit_als(full, 0, bias_reg, config.iterations, config.seed)
        knn = fit_knn(full, (int(best_knn["k"]),), config.shrink)[int(best_knn["k"])]
    u, i = test["u"].to_numpy(), test["i"].to_numpy()
    predictions = {
        "global mean": np.full(len(test), full.data.mean()),
        "user mean": ev.user_means(full)[u],
        "biases only (ALS rank 0)": predict_frame(biases, test),
        f"ALS rank {best_als['rank']:g}": predict_frame(als, test),
        f"item kNN k={best_knn['k']:g}": knn.predict(u, i),
    }
    test_rmse = {name: rmse_row(test, p, config.seed) for name, p in predictions.items()}
    scorers = {
        "popularity": ev.popularity_scores(full, users),
        f"ALS rank {best_als['rank']:g}": als.scores(users),
        f"item kNN k={best_knn['k']:g}": knn.scores(users),
    }
    test_ranking = {name: ranking_metrics(s, full, test, config) for name, s in scorers.items()}
    unseen = int(np.sum(np.diff(full.tocsc().indptr)[i] == 0))
    return RecommendResult(
        config=config,
        ratings=ratings,
        sizes={
            "users": ratings.n_users,
            "movies": ratings.n_items,
            "train": len(split.train),
            "validation": len(split.val),
            "test": len(split.test),
            "test_movies_never_rated_before": unseen,
        },
        als_sweep=als_sweep,
        knn_sweep=knn_sweep,
        chosen={"rank": best_als["rank"], "reg": best_als["reg"], "k": best_knn["k"]},
        test_rmse=test_rmse,
        test_ranking=test_ranking,
        als=als,
        knn=knn,
    )

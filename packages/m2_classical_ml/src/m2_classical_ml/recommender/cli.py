"""``recommend``: movie recommendations from 100,004 MovieLens ratings (671 users, 9,066 movies).

Two recommenders written out in NumPy, judged the way they would be used:

- matrix factorisation fitted by alternating least squares (ALS): user and movie vectors whose
  dot product, plus a user and a movie bias, predicts a rating;
- item-item kNN: movies are similar when the same users rate both above (or below) their own
  average; a movie is recommended for its neighbours among the movies you rated.

Each user's last rating (by time) is the test item, the one before it the validation item.
Settings are tuned on validation (ALS rank and λ by RMSE, kNN's k by recall@10), the models are
refitted on train + validation and scored once on test: RMSE against the global and user mean,
precision/recall@10 (all unrated movies ranked; relevant = held-out rating >= 4 stars) against
recommending the most popular movies.

    uv run recommend                      # evaluate: tables + metrics.json + plots (≈ 1.5 CPU-min)
    uv run recommend --user 15            # user 15's top 10, each with the ratings behind it
    uv run recommend --smoke              # 80 users, seconds
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from m2_classical_ml import plots
from m2_classical_ml.recommender.data import load_ratings, rating_matrix
from m2_classical_ml.recommender.evaluate import top_k
from m2_classical_ml.recommender.experiment import RecommendConfig, RecommendResult, run
from m2_classical_ml.recommender.knn import fit_knn
from roadmap_data.console import console, friendly_errors, print_table, save_json
from roadmap_data.runkit import RunParser, require_at_least, save_metrics

PROG = "recommend"
USER_K = 200
"""Neighbours per movie for ``--user``: the k that validation chose on all users (metrics.json)."""


def save_plots(result: RecommendResult, out: Path) -> dict[str, Path]:
    """RMSE against ALS rank (train and validation, one line per λ), ALS's learning curve, and
    kNN's validation recall@10 against k."""
    config, sweep = result.config, result.als_sweep
    curves = {}
    for reg in config.regs:
        rows = [row for row in sweep if row["reg"] == reg]
        curves[f"validation λ={reg:g}"] = [row["val_rmse"] for row in rows]
        curves[f"train λ={reg:g}"] = [row["train_rmse"] for row in rows]
    history = result.als.history["train_rmse"]
    return {
        "rmse_vs_rank": plots.plot_curves(
            out / "rmse_vs_rank.png",
            list(config.ranks),
            curves,
            title="ALS: RMSE against rank (train falls, validation does not)",
            xlabel="rank (numbers per user/movie vector)",
            ylabel="RMSE (stars)",
            mark_x=result.chosen["rank"],
        ),
        "learning_curve": plots.plot_curves(
            out / "als_learning_curve.png",
            list(range(1, len(history) + 1)),
            {"training RMSE": history},
            title="ALS on train + validation: training RMSE per iteration",
            xlabel="iteration (users solved, then movies)",
            ylabel="RMSE (stars)",
        ),
        "knn_k": plots.plot_curves(
            out / "knn_k.png",
            [row["k"] for row in result.knn_sweep],
            {"validation recall@10": [row["val_recall"] for row in result.knn_sweep]},
            title="Item-item kNN: validation recall@10 against k",
            xlabel="k (neighbours per movie)",
            ylabel="recall@10 (hit rate)",
            logx=True,
            mark_x=result.chosen["k"],
        ),
    }


def print_report(result: RecommendResult) -> None:
    """Validation choices, then the test tables (RMSE, then ranking) with 95 % intervals."""
    sizes, config = result.sizes, result.config
    console.print(
        f"{sizes['users']} users, {sizes['movies']} movies; train {sizes['train']}, "
        f"validation {sizes['validation']}, test {sizes['test']} ratings (leave-last-out); "
        f"chosen on validation: ALS rank {result.chosen['rank']:g}, λ {result.chosen['reg']:g}; "
        f"kNN k {result.chosen['k']:g}"
    )
    print_table(
        f"Test RMSE on {sizes['test']} held-out ratings (stars; 95 % bootstrap interval)",
        ["model", "RMSE", "interval"],
        [(n, r["rmse"], f"{r['low']:.3f}-{r['high']:.3f}") for n, r in result.test_rmse.items()],
    )
    n = config.top_n
    rows = [
        (name, r["precision"], r["recall"], f"{r['recall_low']:.3f}-{r['recall_high']:.3f}", r["users"])
        for name, r in result.test_ranking.items()
    ]  # fmt: skip
    print_table(
        f"Test top-{n} over all unrated movies (relevant: held-out rating >= {config.relevant_at:g})",
        ["model", f"precision@{n}", f"recall@{n}", "recall 95 % interval", "users"],
        rows,
    )


def recommend_user(user_id: int, config: RecommendConfig) -> list[dict[str, object]]:
    """Top ``top_n`` unrated movies for MovieLens user ``user_id`` by item-item kNN fitted on all
    ratings, each with the user's ratings that contributed most to its score."""
    ratings = load_ratings()  # every user: an id must not vanish because of a subset
    u = ratings.user_index(user_id)  # unknown id → InvalidInputError before any fitting
    matrix = rating_matrix(ratings.frame, ratings.n_users, ratings.n_items)
    with console.status(f"item-item kNN (k={USER_K}) on all {matrix.nnz} ratings"):
        knn = fit_knn(matrix, (USER_K,), config.shrink)[USER_K]
    scores = knn.scores(np.array([u]))
    best = top_k(scores, matrix[u], config.top_n)[0]
    raw = matrix[u]
    stars = dict(zip(raw.indices.tolist(), raw.data.tolist(), strict=True))
    rows = []
    for rank, i in enumerate(best.tolist(), start=1):
        because = [
            f"{ratings.titles[j]} ({stars[j]:g}★, sim {s:.2f})" for j, s, _ in knn.explain(u, i)
        ]
        rows.append(
            {
                "rank": rank,
                "movieId": int(ratings.movie_ids[i]),
                "title": str(ratings.titles[i]),
                "score": float(scores[0, i]),
                "because_you_rated": because,
            }
        )
    console.print(
        f"user {user_id}: {len(stars)} ratings, mean {knn.user_mean[u]:.2f}★; "
        "score = Σ similarity × (your rating - your mean) over the movie's neighbours you rated"
    )
    print_table(
        f"Top {config.top_n} for user {user_id} (item-item kNN)",
        ["#", "movie", "score", "because you rated"],
        [(r["rank"], r["title"], r["score"], "; ".join(r["because_you_rated"])) for r in rows],
    )
    return rows


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    flags = ["users", "ranks", "regs", "iterations", "ks", "shrink", "top_n", "relevant_at"]
    parser = RunParser(PROG, __doc__, RecommendConfig, flags=flags)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--user", type=int, metavar="ID", help="print this MovieLens user's top 10")
    mode.add_argument("--evaluate", action="store_true", help="tune, test and report (the default)")
    args = parser.parse_args(argv)
    config = parser.config(args)
    if args.user is not None:
        require_at_least(1, user=args.user)
        rows = recommend_user(args.user, config)
        path = save_json(config.out / f"user_{args.user}.json", {"user": args.user, "top": rows})
        console.print(f"saved {path}")
        return 0
    result = run(config)
    print_report(result)
    written = [*save_plots(result, config.out).values(), save_metrics(result, config, config.out)]
    console.print(f"saved {', '.join(p.name for p in written)} in {config.out}")
    return 0

"""The README tables of month 2, written from a ``bench_m2.json``: figures are copied, not typed.

    uv run scripts/bench_m2_tables.py                    # data/runs/bench_m2/bench_m2.json
    uv run scripts/bench_m2_tables.py path/to/bench_m2.json

``scripts/bench_m2.py`` measures and writes the JSON (and, beside it, ``bench_m2.md``, this
script's output); paste the Markdown into ``packages/m2_classical_ml/README.md`` as it is.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from roadmap_data import runs_dir

MODEL_NAMES = {
    "logistic": "logistic regression",
    "tree": "decision tree (depth 4)",
    "knn": "KNN (k = 15, scaled)",
    "random_forest": "random forest",
    "xgboost": "XGBoost",
    "lightgbm": "LightGBM",
    "ridge": "Ridge (α = 10, one-hot + scaled)",
    "lasso": "Lasso (α = 0.0005)",
    "mean": "mean predictor (baseline)",
}


def table(header: list[Any], rows: list[list[Any]]) -> list[str]:
    """A Markdown table; floats with 3 decimals."""
    cell = lambda v: f"{v:.3f}" if isinstance(v, float) else str(v)  # noqa: E731
    lines = ["| " + " | ".join(map(str, header)) + " |", "|" + "---|" * len(header)]
    return lines + ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]


def check(ok: bool) -> str:
    return "✓" if ok else "✗"


def titanic_tables(runs: list[dict[str, Any]]) -> list[str]:
    """CV accuracy per model and seed; the first seed's out-of-fold metrics, KNN, root split."""
    first = runs[0]
    seeds = [f"seed {r['seed']}" for r in runs]
    rows = []
    for name, rule in first["baselines"].items():
        rows.append([name, *(r["baselines"][name]["accuracy"] for r in runs), rule["roc_auc"]])
    for model, scores in first["models"].items():
        # the best model of each seed in bold
        cells = [
            f"**{r['models'][model]['accuracy']:.3f}**"
            if r["best_model"] == model
            else r["models"][model]["accuracy"]
            for r in runs
        ]
        rows.append([MODEL_NAMES[model], *cells, scores["roc_auc"]])
    best = [f"{r['best_cv_accuracy']:.3f} {check(r['best_cv_accuracy'] >= 0.80)}" for r in runs]
    rows.append(["**best model (target ≥ 0.80)**", *best, ""])
    hand, sk = first["oof_metrics_by_hand"], first["oof_metrics_sklearn"]
    knn, split = first["knn_sweep"], first["root_split"]
    trees, folds = first["config"]["n_estimators"], first["config"]["folds"]
    return [
        f"Stratified {folds}-fold CV accuracy on {first['n_passengers']} passengers; random "
        f"forest: {trees} trees of depth ≤ 5; XGBoost, LightGBM: {trees} rounds.",
        "",
        *table(["model", *seeds, f"ROC-AUC, {seeds[0]}"], rows),
        "",
        f"Best model of {seeds[0]} ({first['best_model']}), out-of-fold predictions of all "
        f"{first['n_passengers']} passengers:",
        "",
        *table(
            ["metric", "by hand (`metrics.py`)", "`sklearn.metrics`"],
            [[name, hand[name], sk[name]] for name in hand],
        ),
        "",
        *table(["KNN, k", *knn["k"]], [["scaled", *knn["scaled"]], ["unscaled", *knn["unscaled"]]]),
        "",
        f"Root split by information gain: `{split['hand_feature']} <= {split['hand_threshold']:.2f}` "
        f"({split['hand_gain']:.3f} bits) by hand; scikit-learn: `{split['sklearn_feature']}` "
        f"({split['sklearn_gain']:.3f} bits).",
    ]


def ames_tables(ames: dict[str, Any], smaller: dict[str, Any]) -> list[str]:
    """CV RMSE per model (all sales, and without the largest houses); solvers, paths, curves."""
    ranked = sorted(ames["models"], key=lambda m: -ames["models"][m]["rmse"])
    rows = [
        [
            f"**{MODEL_NAMES.get(m, m)}**" if m == ames["best_model"] else MODEL_NAMES.get(m, m),
            ames["models"][m]["rmse"],
            ames["models"][m]["rmse_std"],
            ames["models"][m]["r2"],
            smaller["models"][m]["rmse"],
        ]
        for m in ranked
    ]
    solvers = ames["solvers"]
    degree, learning = ames["polynomial_degree_curve"], ames["learning_curve"]
    zeros = ames["lasso_path_zeros"]
    picks = sorted({0, *range(5, len(zeros["alpha"]), 6), len(zeros["alpha"]) - 1})
    lasso = ames["lasso_zeroed_in_model"]
    rounds = ames["config"]["n_estimators"]
    return [
        f"{ames['config']['folds']}-fold CV of log price; XGBoost, LightGBM: {rounds} rounds; "
        f"random forest: {max(rounds // 4, 10)} trees.",
        "",
        *table(
            [
                "model",
                f"RMSE, {ames['n_houses']} houses",
                "± std",
                "R²",
                f"RMSE, {smaller['n_houses']} houses (≤ 4000 sq ft)",
            ],
            rows,
        ),
        "",
        f"Best: {ames['best_model']} {ames['best_cv_rmse']:.3f} (target ≤ 0.13: "
        f"{check(ames['best_cv_rmse'] <= 0.13)}). Linear regression on 8 features: "
        f"gradient descent within {solvers['gradient descent']['max_gap_to_exact']:.0e} of the normal "
        f"equation. Lasso sets {lasso['zeroed']} of its {lasso['total']} weights to exactly zero.",
        "",
        *table(
            ["Lasso path: α", *(f"{zeros['alpha'][i]:.2g}" for i in picks)],
            [[f"zeroed of {zeros['of']}", *(zeros["zeroed"][i] for i in picks)]],
        ),
        "",
        *table(
            ["polynomial degree (30 houses)", *degree["degree"]],
            [["train RMSE", *degree["train"]], ["validation RMSE", *degree["validation"]]],
        ),
        "",
        *table(
            ["learning curve: training houses", *learning["train_size"]],
            [["train RMSE", *learning["train"]], ["validation RMSE", *learning["validation"]]],
        ),
    ]


def digits_table(digits: dict[str, Any]) -> list[str]:
    """K-Means against the true digits, the two rules for k, PCA."""
    silhouette = dict(zip(digits["k"], digits["silhouette"], strict=True))
    return table(
        ["measure", "value"],
        [
            ["digits, pixels", f"{digits['n_digits']}, 64"],
            ["adjusted Rand index of K-Means(k = 10)", digits["adjusted_rand_index_k10"]],
            ["k at the elbow", digits["elbow_k"]],
            [
                "k with the best silhouette (its value)",
                f"{digits['silhouette_k']} ({silhouette[digits['silhouette_k']]:.3f})",
            ],
            [
                "silhouette at k = 9…14",
                " / ".join(f"{silhouette[k]:.3f}" for k in range(9, 15) if k in silhouette),
            ],
            [
                "variance kept by 2 principal components",
                f"{sum(digits['pca_explained_variance_ratio_2d']):.1%}",
            ],
            ["components for 90 % of the variance", digits["pca_components_for_90pct"]],
            ["max \\|hand PCA − `PCA`\\|", f"{digits['pca_max_gap_hand_vs_sklearn']:.0e}"],
        ],
    )


def text_table(text: dict[str, Any]) -> list[str]:
    """CV accuracy of every C (the chosen one in bold), then the test accuracy."""
    grid = [float(c) for c in text["cv_accuracy_by_C"]]  # JSON keys are strings
    header = ["C", *(f"**{c:g}**" if c == text["chosen_C"] else f"{c:g}" for c in grid)]
    label = f"{text['folds']}-fold CV accuracy, {text['train_reviews']} training reviews"
    return [
        *table(header, [[label, *text["cv_accuracy_by_C"].values()]]),
        "",
        f"Test accuracy with the chosen C = {text['chosen_C']:g}: **{text['test_accuracy']:.3f}** "
        f"on {text['test_reviews']} reviews (always saying great: {text['test_majority']:.3f}).",
    ]


def markdown(report: dict[str, Any]) -> str:
    """Every README table of month 2, from one bench_m2.json."""
    sections = [f"<!-- `{report['command']}`, then `uv run scripts/bench_m2_tables.py` -->"]
    sections += ["### Titanic", *titanic_tables(report["titanic"]), ""]
    sections += ["### Ames", *ames_tables(report["ames"], report["ames_without_large_houses"]), ""]
    sections += ["### Digits", *digits_table(report["digits"]), ""]
    sections += ["### Amazon reviews (TF-IDF + logistic regression)", *text_table(report["text"])]
    if "tests" in report:
        tests = report["tests"]
        sections += ["", f"Tests: {tests['summary']} (wall time {tests['seconds']:.0f} s)."]
    return "\n".join(sections) + "\n"


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else runs_dir("bench_m2") / "bench_m2.json"
    print(markdown(json.loads(path.read_text())), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

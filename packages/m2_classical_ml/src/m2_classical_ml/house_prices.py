"""``house-prices``: predict Ames sale prices (log scale) with five models, cross-validated.

What it does, in order:

1. linear regression three ways on eight numeric features: the normal equation and gradient
   descent (month 1's code) against ``LinearRegression``: same weights;
2. overfitting on one feature (log living area): train vs validation RMSE as the polynomial degree
   grows, and a learning curve (error against training-set size);
3. Ridge and Lasso regularisation paths on the numeric features, with the count of weights Lasso
   sets to exactly zero;
4. the model comparison: k-fold CV RMSE, MAE and R² of log price for Ridge, Lasso, a random forest,
   XGBoost and LightGBM beside the mean-predictor baseline (every preprocessing step inside the
   Pipeline, so nothing leaks from the validation folds);
5. the feature importances of the best tree ensemble, refitted on every house.

    uv run house-prices                   # table + plots in data/runs/house-prices/
    uv run house-prices --preset full     # more boosting rounds: the README's figures
    uv run house-prices --drop-large-houses   # without the 5 partial sales over 4000 sq ft

An RMSE of 0.12 on log price means predictions are typically about 12 % off.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from sklearn.preprocessing import StandardScaler

from m2_classical_ml import ames, linear_regression, plots, regularization
from m2_classical_ml.model_zoo import REGRESSORS, Regressor
from roadmap_data import load_ames
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunConfig, RunParser, require, require_at_least, save_metrics

PROG = "house-prices"


@dataclass(frozen=True, kw_only=True)
class HousePricesConfig(RunConfig):
    """Settings of one house-prices run."""

    PRESETS: ClassVar = {
        "tiny": {
            "folds": 3,
            "n_estimators": 40,
            "rows": 500,
            "path_alphas": 8,
            "poly_degrees": (1, 3, 8),
        },
        "cpu": {},
        "full": {"n_estimators": 1500},
    }

    folds: int = 5
    """Cross-validation folds (shuffled)."""
    n_estimators: int = 600
    """Boosting rounds of XGBoost/LightGBM (the random forest grows a quarter as many trees)."""
    models: tuple[Regressor, ...] = REGRESSORS
    """Which regressors to compare."""
    rows: int | None = None
    """Use a random subset of this many houses (None: all 2930)."""
    drop_large_houses: bool = False
    """Drop the 5 houses over 4000 sq ft: 3 partial sales and 2 unusual ones, which De Cock,
    who compiled the data, suggests removing. Off by default: the target is on all sales."""
    poly_degrees: tuple[int, ...] = (1, 2, 3, 4, 6, 8, 10, 12)
    """Polynomial degrees for the overfitting curve."""
    poly_train_size: int = 30
    """Training houses for the degree curve: few, so that overfitting shows."""
    learning_degree: int = 6
    """Polynomial degree whose learning curve is drawn (flexible enough to overfit small sets)."""
    path_alphas: int = 30
    """Number of alphas on each regularisation path."""

    def validate(self) -> None:
        require_at_least(2, folds=self.folds)
        require_at_least(1, n_estimators=self.n_estimators, path_alphas=self.path_alphas)
        require_at_least(1, learning_degree=self.learning_degree)
        require_at_least(50, rows=self.rows)
        require_at_least(2, poly_train_size=self.poly_train_size)
        require(bool(self.models), "models: name at least one regressor")
        require(min(self.poly_degrees, default=0) >= 1, "poly_degrees: at least one, each >= 1")


@dataclass
class HousePricesResult:
    """Everything a run measured."""

    config: HousePricesConfig
    n_houses: int
    scores: dict[str, dict[str, float]]
    best: str
    solvers: dict[str, dict[str, object]]
    degree_curve: dict[str, list[float]]
    learning_curve: dict[str, list[float]]
    learning_sizes: list[int]
    path: dict[str, np.ndarray]
    ridge_alphas: np.ndarray
    lasso_alphas: np.ndarray
    numeric_features: list[str]
    lasso_zeroed: dict[str, int] = field(default_factory=dict)
    importances: dict[str, float] = field(default_factory=dict)
    importance_model: str = ""

    def metrics(self) -> dict[str, Any]:
        """What metrics.json holds (bench_m2.py reads the same dict)."""
        return {
            "n_houses": self.n_houses,
            "models": self.scores,
            "best_model": self.best,
            "best_cv_rmse": self.scores[self.best]["rmse"],
            "mean_baseline_rmse": self.scores["mean"]["rmse"],
            "solvers": {
                k: {**v, "weights": np.asarray(v["weights"])} for k, v in self.solvers.items()
            },
            "polynomial_degree_curve": {
                "degree": list(self.config.poly_degrees),
                **self.degree_curve,
            },
            "learning_curve": {"train_size": self.learning_sizes, **self.learning_curve},
            "lasso_path_zeros": {
                "alpha": self.lasso_alphas,
                "zeroed": self.path["lasso_zeros"],
                "of": len(self.numeric_features),
            },
            "lasso_zeroed_in_model": self.lasso_zeroed,
            "importances": {"model": self.importance_model, "top": self.importances},
        }


def load(config: HousePricesConfig) -> tuple[pd.DataFrame, np.ndarray]:
    """The (optionally filtered and subsampled) houses as X, log-price y."""
    houses = load_ames()
    if config.drop_large_houses:
        houses = houses[houses["Gr_Liv_Area"] <= 4000]
    if config.rows is not None and config.rows < len(houses):
        houses = houses.sample(config.rows, random_state=config.seed)
    return ames.features_and_log_price(houses.reset_index(drop=True))


def run(config: HousePricesConfig) -> HousePricesResult:
    """Solvers, overfitting curves, regularisation paths, the CV model table and importances."""
    X, y = load(config)
    numeric = ames.column_types(X)[1]
    X_numeric = StandardScaler().fit_transform(X[numeric])  # (n, 34) for the paths
    ridge_alphas, lasso_alphas = (
        np.logspace(-2, 5, config.path_alphas),
        np.logspace(-4, 0, config.path_alphas),
    )
    # log area: like prices, areas are skewed; the log keeps the largest houses from dominating x^k
    log_area = np.log(X["Gr_Liv_Area"].to_numpy(dtype=float))
    largest = int(len(y) * (1 - 1 / config.folds))  # the most a training fold can hold
    sizes = np.unique(np.geomspace(20, largest, 7).astype(int)).tolist()
    scores = ames.cross_validate_models(
        X, y, config.models, config.folds, config.n_estimators, config.seed
    )
    best = min(config.models, key=lambda name: scores[name]["rmse"])
    result = HousePricesResult(
        config=config,
        n_houses=len(y),
        scores=scores,
        best=best,
        solvers=linear_regression.compare_solvers(X[ames.SOLVER_FEATURES].to_numpy(float), y),
        degree_curve=linear_regression.degree_curve(
            log_area, y, config.poly_degrees, config.poly_train_size, config.seed
        ),
        learning_curve=linear_regression.learning_curve_rmse(
            log_area, y, config.learning_degree, sizes, config.folds, config.seed
        ),
        learning_sizes=sizes,
        path=regularization.regularization_path(X_numeric, y, ridge_alphas, lasso_alphas),
        ridge_alphas=ridge_alphas,
        lasso_alphas=lasso_alphas,
        numeric_features=numeric,
    )
    if "lasso" in config.models:
        lasso = ames.pipeline_for("lasso", X, config.n_estimators, config.seed).fit(X, y)[-1]
        result.lasso_zeroed = {"zeroed": int((lasso.coef_ == 0).sum()), "total": len(lasso.coef_)}
    result.importance_model, result.importances = ames.top_importances(
        X, y, scores, config.n_estimators, config.seed
    )
    return result


def save_artifacts(result: HousePricesResult, out: Path) -> dict[str, Path]:
    """The plots into ``out``; returns what was written."""
    written = {
        "degree": plots.plot_curves(
            out / "polynomial_degree.png",
            result.config.poly_degrees,
            result.degree_curve,
            title=f"Overfitting: {result.config.poly_train_size} training houses",
            xlabel="polynomial degree of log living area",
            ylabel="RMSE of log price",
            logy=True,
        ),
        "learning": plots.plot_curves(
            out / "learning_curve.png",
            result.learning_sizes,
            result.learning_curve,
            title=f"Learning curve, degree {result.config.learning_degree}",
            xlabel="training houses",
            ylabel="RMSE of log price",
            logy=True,
        ),
        "paths": plots.plot_paths(
            out / "regularization_path.png",
            {"Ridge": result.ridge_alphas, "Lasso": result.lasso_alphas},
            {"Ridge": result.path["ridge"], "Lasso": result.path["lasso"]},
            title="weights vs alpha",
        ),
    }
    if result.importances:
        written["importances"] = plots.plot_bars(
            out / "feature_importances.png",
            list(result.importances),
            list(result.importances.values()),
            title=f"{result.importance_model}: top feature importances",
        )
    return written


def print_report(result: HousePricesResult) -> None:
    """Solver agreement, then the CV table."""
    print_table(
        "Linear regression three ways (8 numeric features)",
        ["solver", "train RMSE", "max |w - w_exact|"],
        [
            (name, fit["rmse"], f"{fit['max_gap_to_exact']:.1e}")
            for name, fit in result.solvers.items()
        ],
    )
    ranked = sorted(result.scores.items(), key=lambda item: item[1]["rmse"])
    print_table(
        f"Ames log price: {result.config.folds}-fold CV, {result.n_houses} houses",
        ["model", "RMSE", "std", "MAE", "R²", "time"],
        [
            (name, s["rmse"], f"±{s['rmse_std']:.3f}", s["mae"], s["r2"], f"{s['seconds']:.1f}s")
            for name, s in ranked
        ],
    )
    if result.lasso_zeroed:
        zeroed = result.lasso_zeroed
        console.print(
            f"Lasso set {zeroed['zeroed']} of its {zeroed['total']} weights to exactly zero"
        )


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    flags = ["folds", "n_estimators", "models", "rows", "drop_large_houses"]
    parser = RunParser(PROG, __doc__, HousePricesConfig, flags=flags)
    config = parser.config(parser.parse_args(argv))
    result = run(config)
    written = save_artifacts(result, config.out)
    written["metrics"] = save_metrics(result, config, config.out)
    print_report(result)
    console.print(f"saved {', '.join(p.name for p in written.values())} in {config.out}")
    return 0

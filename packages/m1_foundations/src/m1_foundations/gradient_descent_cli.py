"""``gradient-descent``: watch a model learn, on real data, with nothing but NumPy.

1. Linear regression of log house price on five Ames features, by gradient descent on MSE;
   the result must match the exact least-squares solution (normal equation) to 1e-6.
2. Logistic regression of Titanic survival on class, sex, age and family size, by gradient descent
   on cross-entropy; reports the training accuracy and log-loss.

    uv run gradient-descent                  # table + loss curves in data/runs/gradient-descent/
    uv run gradient-descent --lr 0.01        # see how a small learning rate crawls
"""

from __future__ import annotations

import argparse
from dataclasses import asdict, dataclass, fields
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from m1_foundations import gradient_descent as gd
from m1_foundations.pandas_basics import impute_age_by_group, survived_flag
from roadmap_data import RoadmapError, load_ames, load_titanic, runs_dir
from roadmap_data.console import console, friendly_errors, print_table, save_figure, save_json

AMES_FEATURES = ["Gr_Liv_Area", "Year_Built", "Total_Bsmt_SF", "Garage_Area", "Lot_Area"]


@dataclass(frozen=True)
class Config:
    learning_rate: float = 0.1
    """Step size for both models (the features are standardised, so 0.1 is safe)."""
    epochs: int = 2000
    """Full passes over the data; linear regression also stops once the loss stalls."""
    rows: int | None = None
    """Use only the first N rows of each dataset (``tiny`` preset: quick runs)."""

    @classmethod
    def preset(cls, name: str, **overrides: object) -> Config:
        presets = {"full": {}, "cpu": {}, "tiny": {"epochs": 300, "rows": 400}}
        if name not in presets:
            raise RoadmapError(f"unknown preset {name!r}; choose from {sorted(presets)}")
        known = {f.name for f in fields(cls)}
        unknown = set(overrides) - known
        if unknown:
            raise RoadmapError(f"unknown config keys {sorted(unknown)}; known: {sorted(known)}")
        return cls(**{**presets[name], **overrides})


@dataclass
class Result:
    linear_gd: gd.FitResult
    linear_exact: tuple[np.ndarray, float]
    logistic: gd.FitResult
    logistic_accuracy: float

    @property
    def max_parameter_gap(self) -> float:
        weights, bias = self.linear_exact
        return float(
            max(np.abs(self.linear_gd.weights - weights).max(), abs(self.linear_gd.bias - bias))
        )


def ames_design(rows: int | None) -> tuple[np.ndarray, np.ndarray]:
    ames = load_ames().head(rows) if rows else load_ames()
    X, _, _ = gd.standardize(ames[AMES_FEATURES].to_numpy(dtype=float))
    return X, np.log(ames["Sale_Price"].to_numpy(dtype=float))


def titanic_design(rows: int | None) -> tuple[np.ndarray, np.ndarray, list[str]]:
    titanic = load_titanic()
    frame = pd.DataFrame(
        {
            "female": (titanic["sex"] == "female").astype(float),
            "class_1": (titanic["pclass"] == "1st").astype(float),
            "class_2": (titanic["pclass"] == "2nd").astype(float),
            "age": impute_age_by_group(titanic),
            "family": titanic["sibsp"] + titanic["parch"],
        }
    )
    y = survived_flag(titanic).to_numpy(dtype=float)
    X, _, _ = gd.standardize(frame.to_numpy())
    return X[:rows], y[:rows], list(frame.columns)


def run(config: Config) -> Result:
    X, y = ames_design(config.rows)
    # tol stops once an epoch improves the loss by less than 1e-16: converged to float precision.
    linear = gd.fit_linear_regression(X, y, config.learning_rate, config.epochs, tol=1e-16)
    Xt, yt, _ = titanic_design(config.rows)
    logistic = gd.fit_logistic_regression(Xt, yt, config.learning_rate, config.epochs)
    predictions = gd.sigmoid(Xt @ logistic.weights + logistic.bias) >= 0.5
    return Result(
        linear, gd.closed_form_least_squares(X, y), logistic, float((predictions == yt).mean())
    )


def plot_losses(result: Result, path: Path) -> Path:
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.plot(result.linear_gd.losses)
    left.set(
        title="Linear regression (Ames, log price)", xlabel="epoch", ylabel="MSE", yscale="log"
    )
    right.plot(result.logistic.losses, color="tab:orange")
    right.set(title="Logistic regression (Titanic)", xlabel="epoch", ylabel="cross-entropy")
    return save_figure(fig, path)


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="gradient-descent", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--lr", type=float, default=Config.learning_rate, help="learning rate (default 0.1)"
    )
    parser.add_argument(
        "--epochs", type=int, default=Config.epochs, help="full-batch epochs (default 2000)"
    )
    parser.add_argument(
        "--smoke", action="store_true", help="tiny preset: 400 rows, 300 epochs (seconds)"
    )
    parser.add_argument(
        "--seed", type=int, default=0, help="unused: full-batch descent from zeros is deterministic"
    )
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help="artefact folder (default data/runs/gradient-descent)",
    )
    args = parser.parse_args(argv)
    if args.lr <= 0 or (args.epochs is not None and args.epochs < 1):
        raise RoadmapError("--lr must be > 0 and --epochs ≥ 1")
    overrides = {"learning_rate": args.lr} | ({"epochs": args.epochs} if args.epochs else {})
    config = Config.preset("tiny" if args.smoke else "full", **overrides)
    out = args.out or runs_dir("gradient-descent")
    out.mkdir(parents=True, exist_ok=True)

    result = run(config)
    weights, bias = result.linear_exact
    rows = [
        (name, float(w_gd), float(w_exact), abs(float(w_gd - w_exact)))
        for name, w_gd, w_exact in zip(
            AMES_FEATURES, result.linear_gd.weights, weights, strict=True
        )
    ]
    rows.append(("bias", result.linear_gd.bias, bias, abs(result.linear_gd.bias - bias)))
    print_table(
        "linear regression on log(Sale_Price): gradient descent vs normal equation",
        ["parameter", "gradient descent", "exact", "|gap|"],
        rows,
    )
    print_table(
        "summary",
        ["model", "epochs run", "final loss", "metric"],
        [
            (
                "linear (Ames)",
                len(result.linear_gd.losses),
                result.linear_gd.losses[-1],
                f"max |gap| {result.max_parameter_gap:.1e}",
            ),
            (
                "logistic (Titanic)",
                len(result.logistic.losses),
                result.logistic.losses[-1],
                f"train accuracy {result.logistic_accuracy:.3f}",
            ),
        ],
    )
    plot = plot_losses(result, out / "loss_curves.png")
    save_json(
        out / "metrics.json",
        {
            "config": asdict(config),
            "linear_mse": result.linear_gd.losses[-1],
            "linear_max_parameter_gap": result.max_parameter_gap,
            "linear_weights": dict(
                zip(AMES_FEATURES, result.linear_gd.weights.tolist(), strict=True)
            ),
            "logistic_log_loss": result.logistic.losses[-1],
            "logistic_train_accuracy": result.logistic_accuracy,
            "plot": plot,
        },
    )
    console.print(f"saved metrics.json and {plot.name} to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

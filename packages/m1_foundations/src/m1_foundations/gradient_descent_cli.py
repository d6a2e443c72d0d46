"""``gradient-descent``: watch a model learn, on real data, with nothing but NumPy.

1. Linear regression of log house price on five Ames features, by gradient descent on MSE;
   the result must match the exact least-squares solution (normal equation) to 1e-6.
2. Logistic regression of Titanic survival on class, sex, age and family size, by gradient descent
   on cross-entropy; reports the training accuracy and log-loss beside two rules with nothing to
   learn ("women survive", "everyone died"), the floor a model must clear.

    uv run gradient-descent                  # table + loss curves in data/runs/gradient-descent/
    uv run gradient-descent --lr 0.01        # see how a small learning rate crawls

Full-batch descent from zero weights is deterministic: ``--seed`` changes nothing here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from m1_foundations import gradient_descent as gd
from m1_foundations.pandas_basics import impute_age_by_group, survived_flag
from roadmap_data import load_ames, load_titanic
from roadmap_data.console import console, friendly_errors, print_table, save_figure
from roadmap_data.runkit import RunConfig, RunParser, require, require_at_least, save_metrics

AMES_FEATURES = ["Gr_Liv_Area", "Year_Built", "Total_Bsmt_SF", "Garage_Area", "Lot_Area"]


@dataclass(frozen=True, kw_only=True)
class GradientDescentConfig(RunConfig):
    """Settings of one gradient-descent run."""

    PRESETS: ClassVar = {"tiny": {"epochs": 300, "rows": 400}, "cpu": {}, "full": {}}

    learning_rate: float = 0.1
    """Step size for both models (the features are standardised, so 0.1 is safe)."""
    epochs: int = 2000
    """Full passes over the data; linear regression also stops once the loss stalls."""
    rows: int | None = None
    """Use only the first N rows of each dataset (None: all; the tiny preset: 400)."""

    def validate(self) -> None:
        require(
            self.learning_rate > 0, f"learning rate (--lr) must be > 0, not {self.learning_rate}"
        )
        require_at_least(1, epochs=self.epochs, rows=self.rows)


@dataclass
class GradientDescentResult:
    """Both models as gradient descent left them, and what they are measured against."""

    linear_gd: gd.FitResult
    linear_exact: tuple[np.ndarray, float]
    logistic: gd.FitResult
    logistic_accuracy: float
    gender_rule_accuracy: float
    """Accuracy of "women survive, men die" on the same passengers: the bar to clear."""
    majority_accuracy: float
    """Accuracy of "everyone died" on the same passengers."""

    @property
    def max_parameter_gap(self) -> float:
        weights, bias = self.linear_exact
        return float(
            max(np.abs(self.linear_gd.weights - weights).max(), abs(self.linear_gd.bias - bias))
        )

    def metrics(self) -> dict[str, Any]:
        """What metrics.json holds."""
        return {
            "linear_epochs": len(self.linear_gd.losses),
            "linear_mse": self.linear_gd.losses[-1],
            "linear_max_parameter_gap": self.max_parameter_gap,
            "linear_weights": dict(
                zip(AMES_FEATURES, self.linear_gd.weights.tolist(), strict=True)
            ),
            "logistic_log_loss": self.logistic.losses[-1],
            "logistic_train_accuracy": self.logistic_accuracy,
            "gender_rule_accuracy": self.gender_rule_accuracy,
            "majority_accuracy": self.majority_accuracy,
        }


def ames_design(rows: int | None) -> tuple[np.ndarray, np.ndarray]:
    ames = load_ames().head(rows) if rows else load_ames()
    X, _, _ = gd.standardize(ames[AMES_FEATURES].to_numpy(dtype=float))
    return X, np.log(ames["Sale_Price"].to_numpy(dtype=float))


def titanic_design(rows: int | None) -> tuple[np.ndarray, np.ndarray, pd.DataFrame]:
    """Standardised features, the 0/1 label and the raw feature table (for the rules)."""
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
    return X[:rows], y[:rows], frame.iloc[:rows]


def run(config: GradientDescentConfig) -> GradientDescentResult:
    """Fit both models by gradient descent and measure them against their yardsticks."""
    X, y = ames_design(config.rows)
    # tol stops once an epoch improves the loss by less than 1e-16: converged to float precision.
    linear = gd.fit_linear_regression(X, y, config.learning_rate, config.epochs, tol=1e-16)
    Xt, yt, table = titanic_design(config.rows)
    logistic = gd.fit_logistic_regression(Xt, yt, config.learning_rate, config.epochs)
    predictions = gd.sigmoid(Xt @ logistic.weights + logistic.bias) >= 0.5
    return GradientDescentResult(
        linear_gd=linear,
        linear_exact=gd.closed_form_least_squares(X, y),
        logistic=logistic,
        logistic_accuracy=float((predictions == yt).mean()),
        gender_rule_accuracy=float((table["female"].to_numpy() == yt).mean()),
        majority_accuracy=float(max(yt.mean(), 1 - yt.mean())),
    )


def plot_losses(result: GradientDescentResult, path: Path) -> Path:
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 3.8))
    left.plot(result.linear_gd.losses)
    left.set(
        title="Linear regression (Ames, log price)", xlabel="epoch", ylabel="MSE", yscale="log"
    )
    right.plot(result.logistic.losses, color="tab:orange")
    right.set(title="Logistic regression (Titanic)", xlabel="epoch", ylabel="cross-entropy")
    return save_figure(fig, path)


def print_report(result: GradientDescentResult) -> None:
    """Descent vs the exact weights, parameter by parameter, then one line per model."""
    weights, bias = result.linear_exact
    gd_weights = [*result.linear_gd.weights, result.linear_gd.bias]
    rows = [
        (name, float(w_gd), float(w_exact), abs(float(w_gd - w_exact)))
        for name, w_gd, w_exact in zip(
            [*AMES_FEATURES, "bias"], gd_weights, [*weights, bias], strict=True
        )
    ]
    print_table(
        "linear regression on log(Sale_Price): gradient descent vs normal equation",
        ["parameter", "gradient descent", "exact", "|gap|"],
        rows,
    )
    linear, logistic = result.linear_gd, result.logistic
    print_table(
        "summary",
        ["model", "epochs run", "final loss", "metric"],
        [
            ("linear (Ames)", len(linear.losses), linear.losses[-1],
             f"max |gap| {result.max_parameter_gap:.1e}"),
            ("logistic (Titanic)", len(logistic.losses), logistic.losses[-1],
             f"train accuracy {result.logistic_accuracy:.3f}"),
            ("rule: women survive", "", "", f"accuracy {result.gender_rule_accuracy:.3f}"),
            ("rule: everyone died", "", "", f"accuracy {result.majority_accuracy:.3f}"),
        ],
    )  # fmt: skip


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser("gradient-descent", __doc__, GradientDescentConfig, flags=["epochs", "rows"])
    parser.add_field("learning_rate", "--lr", "--learning-rate")
    config = parser.config(parser.parse_args(argv))
    result = run(config)
    print_report(result)
    plot = plot_losses(result, config.out / "loss_curves.png")
    save_metrics(result, config, config.out)
    console.print(f"saved metrics.json and {plot.name} to {config.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

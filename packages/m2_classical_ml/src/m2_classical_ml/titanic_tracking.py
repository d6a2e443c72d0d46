"""``titanic --mlflow``: the run in MLflow, and the best pipeline as a registered pyfunc model.

What is recorded (``log_run``): the config as parameters; every model's CV accuracy and ROC-AUC
(``logistic/cv_accuracy``...), the best model's and its out-of-fold metrics; metrics.json, the plots
and model.skops as artefacts; and the best pipeline as an MLflow pyfunc. ``--register NAME``
(default ``titanic``) makes it a new version of that registered model, and moves the alias
``champion`` to it only if its best CV accuracy beats the champion's.

The pyfunc's contract (``survival_probability``): a DataFrame of passengers with the columns
pclass (1st/2nd/3rd), sex (female/male), age (years, NaN if unknown), sibsp, parch → P(survived)
per passenger. Each cell is checked like a ``--predict`` CSV, so a bad one names its row and column.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from sklearn.pipeline import Pipeline

from m2_classical_ml.persistence import load_model
from m2_classical_ml.titanic_features import INPUT_COLUMNS, features_and_labels, parse_passengers
from m2_classical_ml.titanic_predict import titanic_model
from roadmap_data import load_titanic
from roadmap_data.runkit.registry import Registration
from roadmap_data.runkit.tracking import ModelPackage, make_tracker

if TYPE_CHECKING:
    from m2_classical_ml.titanic import TitanicResult

CODE = Path(__file__).with_name("titanic_mlflow_model.py")
"""The models-from-code file MLflow stores with the model and runs to load it."""
REQUIREMENTS = (
    "m2-classical-ml",
    "roadmap-data",
    "scikit-learn",
    "xgboost-cpu",
    "lightgbm",
    "skops",
    "pandas",
    "numpy",
)
"""What loading the pipeline imports (the first two are this repository's own packages)."""


def survival_probability(model: Pipeline, passengers: pd.DataFrame) -> np.ndarray:
    """P(survived) for each passenger, after the same cell checks as a ``--predict`` CSV."""
    raw = passengers.astype(object)
    text = raw.where(raw.notna(), "").map(_cell)  # the all-string rows parse_passengers checks
    checked = parse_passengers(text, "input", needs_name=bool(model[0].uses_title_))
    return model.predict_proba(checked)[:, 1]


def _cell(value: Any) -> str:
    """A typed cell as a CSV would hold it: 3 → "3", 29.0 → "29.0", 2.0 as a count → "2"."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def model_package(path: Path, passengers: pd.DataFrame, best_cv_accuracy: float) -> ModelPackage:
    """model.skops as an MLflow pyfunc, ranked in the registry by its best CV accuracy.

    ``passengers`` are real rows of the data: the input example, and (through the file just
    written, read back the way the pyfunc reads it) the output side of the signature.
    """

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return survival_probability(titanic_model(load_model(path), path), frame)

    return ModelPackage(
        file=path,
        code=CODE,
        input_example=passengers,
        predict=predict,
        metric="best_cv_accuracy",
        score=best_cv_accuracy,
        requirements=REQUIREMENTS,
    )


def run_metrics(result: TitanicResult) -> dict[str, float]:
    """Every model's CV scores, the best model's, and its out-of-fold metrics, as flat names."""
    metrics = {
        f"{name}/cv_{key}": value
        for name, scores in result.scores.items()
        for key, value in scores.items()
    }
    best = result.scores[result.best]
    metrics |= {"best_cv_accuracy": best["accuracy"], "best_cv_roc_auc": best["roc_auc"]}
    metrics |= {f"oof_{name}": value for name, value in result.hand_metrics.items()}
    return metrics


def example_passengers(rows: int = 5) -> pd.DataFrame:
    """The first real passengers of the data set (one of them with an unknown age)."""
    X, _ = features_and_labels(load_titanic())
    unknown_age = X[X["age"].isna()].head(1)
    return pd.concat([X.head(rows - 1), unknown_age])[INPUT_COLUMNS].reset_index(drop=True)


def log_run(result: TitanicResult, written: dict[str, Path]) -> Registration | None:
    """Record the run in MLflow when ``--mlflow`` or ``--register`` asks for it (else nothing)."""
    config = result.config
    if not config.tracking:
        return None
    # Leaving the block ends the run: FINISHED, or FAILED (not left RUNNING) if anything raised.
    with make_tracker(True, config.mlflow_uri, "titanic") as tracker:
        tracker.log_params(config.to_dict() | {"best_model": result.best})
        tracker.log_metrics(run_metrics(result))
        for path in written.values():
            tracker.log_artifact(path)
        score = result.scores[result.best]["accuracy"]
        package = model_package(written["model"], example_passengers(), score)
        return tracker.log_model(package, register=config.register)

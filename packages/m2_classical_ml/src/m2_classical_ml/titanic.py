"""``titanic``: who survived? Feature engineering and a model zoo compared by cross-validation.

What it does, in order:

1. loads the 1309 passengers (pclass, sex, age, sibsp, parch) and engineers features inside a
   Pipeline (family size, is_alone, child, age imputed by class and sex: see titanic_features.py);
2. scores two rules that need no learning, the majority class ("everyone died") and gender only
   ("women survive"), then six models (logistic regression, decision tree, KNN, random forest,
   XGBoost, LightGBM) by stratified k-fold CV accuracy and ROC-AUC, in one table;
3. checks the hand-written metrics (metrics.py) against sklearn.metrics on the best model's
   out-of-fold predictions, plots its confusion matrix and ROC curve, and plots KNN's accuracy
   against k with and without scaling;
4. refits the best model on every passenger and saves it with skops (model.skops), reloading it
   to make sure the file works.

    uv run titanic                                  # table + plots in data/runs/titanic/
    uv run titanic --predict passengers.csv         # train, save, then predict these passengers
    uv run titanic --predict p.csv --model data/runs/titanic/model.skops   # reuse a saved model
    uv run titanic --mlflow --register              # + MLflow run; best pipeline registered as
                                                    #   "titanic" (@champion if it scores best)

A passengers CSV needs the columns pclass (1st/2nd/3rd), sex (female/male), age (years, may be
empty), sibsp and parch (whole numbers); a bad cell stops the run with its row and column and
nothing is written. Predictions go to <out>/predictions.csv.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from rich.progress import track
from sklearn import metrics as skm
from sklearn.base import BaseEstimator
from sklearn.model_selection import (
    StratifiedKFold,
    cross_val_predict,
    cross_validate,
    train_test_split,
)
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import StandardScaler

from m2_classical_ml import metrics, model_zoo, plots
from m2_classical_ml.decision_tree import compare_root_split
from m2_classical_ml.model_zoo import CLASSIFIERS, Classifier
from m2_classical_ml.neighbors import k_sweep
from m2_classical_ml.persistence import load_model, save_model
from m2_classical_ml.titanic_features import TitanicFeatures, features_and_labels, read_passengers
from m2_classical_ml.titanic_predict import predict_file, titanic_model
from m2_classical_ml.titanic_tracking import log_run
from roadmap_data import load_titanic
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunConfig, RunParser, require, require_at_least, save_metrics
from roadmap_data.runkit.tracking import TrackingConfig

PROG = "titanic"


@dataclass(frozen=True, kw_only=True)
class TitanicConfig(TrackingConfig, RunConfig):
    """Settings of one titanic run (``TrackingConfig``: --mlflow, --mlflow-uri, --register; the
    registry ranks Titanic models by their best CV accuracy)."""

    PRESETS: ClassVar = {
        "tiny": {"folds": 3, "n_estimators": 20, "rows": 300, "knn_ks": (1, 5, 15)},
        "cpu": {},
        "full": {"n_estimators": 500},
    }

    folds: int = 5
    """Stratified cross-validation folds (each keeps the 38 % survival rate)."""
    n_estimators: int = 300
    """Trees in the random forest and boosting rounds of XGBoost/LightGBM."""
    rows: int | None = None
    """Use a stratified random subset of this many passengers (None: all 1309)."""
    models: tuple[Classifier, ...] = CLASSIFIERS
    """Which models of the zoo to compare."""
    knn_ks: tuple[int, ...] = (1, 3, 5, 9, 15, 25, 51, 101)
    """Values of k for the KNN sweep (scaled vs unscaled)."""

    def validate(self) -> None:
        super().validate()
        require_at_least(2, folds=self.folds)
        require_at_least(1, n_estimators=self.n_estimators)
        require_at_least(50, rows=self.rows)
        require(bool(self.models), "models: name at least one model of the zoo")
        require(min(self.knn_ks, default=0) >= 1, "knn_ks: give at least one k, each >= 1")


@dataclass
class TitanicResult:
    """Everything a run measured; the fitted best model included."""

    config: TitanicConfig
    n_passengers: int
    baselines: dict[str, dict[str, float]]
    scores: dict[str, dict[str, float]]
    best: str
    best_model: Pipeline
    y: np.ndarray
    oof_proba: np.ndarray
    hand_metrics: dict[str, float]
    sklearn_metrics: dict[str, float]
    knn_sweep: dict[str, list[float]]
    root_split: dict[str, float | str] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        """What metrics.json holds (bench_m2.py reads the same dict)."""
        return {
            "n_passengers": self.n_passengers,
            "baselines": self.baselines,
            "models": self.scores,
            "best_model": self.best,
            "best_cv_accuracy": self.scores[self.best]["accuracy"],
            "oof_metrics_by_hand": self.hand_metrics,
            "oof_metrics_sklearn": self.sklearn_metrics,
            "knn_sweep": {"k": list(self.config.knn_ks), **self.knn_sweep},
            "root_split": self.root_split,
        }


def pipeline_for(name: str, config: TitanicConfig) -> Pipeline:
    """Features → (scaler, for models that need it) → model."""
    model = model_zoo.classifier(name, config.n_estimators, config.seed)
    scaler = [StandardScaler()] if name in model_zoo.NEEDS_SCALING else []
    return make_pipeline(TitanicFeatures(), *scaler, model)


def baselines(X: pd.DataFrame, y: np.ndarray) -> dict[str, dict[str, float]]:
    """Rules with nothing to learn: the floor every model must beat."""
    female = (X["sex"] == "female").to_numpy(dtype=int)
    return {
        "majority (all died)": {"accuracy": float(np.mean(y == 0)), "roc_auc": 0.5},
        "gender (women survive)": {
            "accuracy": float(np.mean(female == y)),
            "roc_auc": metrics.roc_auc(y, female),
        },
    }


def root_split_check(X: pd.DataFrame, y: np.ndarray) -> dict[str, float | str]:
    """The first question of a tree on the engineered features, by hand and by scikit-learn."""
    table = TitanicFeatures().fit_transform(X)
    return compare_root_split(table.to_numpy(), y, list(table.columns))


def compare_zoo(
    X: pd.DataFrame, y: np.ndarray, config: TitanicConfig, cv: StratifiedKFold
) -> dict[str, dict[str, float]]:
    """CV accuracy (mean, std), ROC-AUC and seconds of every model in ``config.models``."""
    scores = {}
    for name in track(config.models, "cross-validating", transient=True, console=console):
        start = time.perf_counter()
        pipeline = pipeline_for(name, config)
        result = cross_validate(pipeline, X, y, cv=cv, scoring=("accuracy", "roc_auc"))
        scores[name] = {
            "accuracy": float(result["test_accuracy"].mean()),
            "accuracy_std": float(result["test_accuracy"].std()),
            "roc_auc": float(result["test_roc_auc"].mean()),
            "seconds": time.perf_counter() - start,
        }
    return scores


def sklearn_report(y: np.ndarray, pred: np.ndarray, proba: np.ndarray) -> dict[str, float]:
    """The metrics of ``metrics.classification_report``, from sklearn.metrics, to check them."""
    return {
        "accuracy": float(skm.accuracy_score(y, pred)),
        "precision": float(skm.precision_score(y, pred, zero_division=0)),
        "recall": float(skm.recall_score(y, pred)),
        "f1": float(skm.f1_score(y, pred)),
        "roc_auc": float(skm.roc_auc_score(y, proba)),
    }


def run(config: TitanicConfig) -> TitanicResult:
    """Compare the zoo by CV, check metrics by hand, fit the best model on all the data."""
    X, y = features_and_labels(load_titanic())
    if config.rows is not None and config.rows < len(y):
        X, _, y, _ = train_test_split(
            X, y, train_size=config.rows, stratify=y, random_state=config.seed
        )
    cv = StratifiedKFold(config.folds, shuffle=True, random_state=config.seed)
    scores = compare_zoo(X, y, config, cv)
    best = max(scores, key=lambda name: scores[name]["accuracy"])
    # out-of-fold: each passenger is scored by the fold model that never saw them
    oof_proba = cross_val_predict(pipeline_for(best, config), X, y, cv=cv, method="predict_proba")
    oof_proba = oof_proba[:, 1]  # P(survived)
    oof_pred = (oof_proba > 0.5).astype(int)  # a 0.5 tie → died, as predict()'s argmax does
    return TitanicResult(
        config=config,
        n_passengers=len(y),
        baselines=baselines(X, y),
        scores=scores,
        best=best,
        best_model=pipeline_for(best, config).fit(X, y),
        y=y,
        oof_proba=oof_proba,
        hand_metrics=metrics.classification_report(y, oof_pred, oof_proba),
        sklearn_metrics=sklearn_report(y, oof_pred, oof_proba),
        knn_sweep=k_sweep(X, y, config.knn_ks, config.folds, config.seed, TitanicFeatures()),
        root_split=root_split_check(X, y),
    )


def save_artifacts(result: TitanicResult, out: Path) -> dict[str, Path]:
    """The best model (model.skops) and the plots into ``out``; returns what was written."""
    y, proba = result.y, result.oof_proba
    fpr, tpr = metrics.roc_curve(y, proba)
    return {
        "model": save_model(result.best_model, out / "model.skops"),
        "confusion": plots.plot_confusion_matrix(
            out / "confusion_matrix.png",
            metrics.confusion_matrix(y, (proba > 0.5).astype(int)),
            ["died", "survived"],
        ),
        "roc": plots.plot_roc(out / "roc_curve.png", fpr, tpr, result.hand_metrics["roc_auc"]),
        "knn": plots.plot_curves(
            out / "knn_k.png",
            result.config.knn_ks,
            result.knn_sweep,
            title="KNN: CV accuracy against k",
            xlabel="k (neighbours)",
            ylabel="accuracy",
            logx=True,
        ),
    }


def print_report(result: TitanicResult) -> None:
    """The results table: baselines first, then the models by CV accuracy."""
    rows = [(name, s["accuracy"], "", s["roc_auc"], "rule") for name, s in result.baselines.items()]
    ranked = sorted(result.scores.items(), key=lambda item: -item[1]["accuracy"])
    rows += [
        (n, s["accuracy"], f"±{s['accuracy_std']:.3f}", s["roc_auc"], f"{s['seconds']:.1f}s")
        for n, s in ranked
    ]
    title = f"Titanic: {result.config.folds}-fold stratified CV on {result.n_passengers} passengers"
    print_table(title, ["model", "accuracy", "std", "ROC-AUC", "time"], rows)
    hand, sk = result.hand_metrics, result.sklearn_metrics
    print_table(
        f"Best model ({result.best}), out-of-fold: metrics by hand vs sklearn.metrics",
        ["metric", "by hand", "sklearn"],
        [(name, hand[name], sk[name]) for name in hand],
    )
    split = result.root_split
    console.print(
        f"root split by information gain: {split['hand_feature']} <= {split['hand_threshold']:.2f} "
        f"(gain {split['hand_gain']:.4f} bits; sklearn: {split['sklearn_feature']}, "
        f"gain {split['sklearn_gain']:.4f})"
    )


def train(config: TitanicConfig) -> BaseEstimator:
    """Run, report, save model + plots + metrics.json; returns the model reloaded from its file."""
    result = run(config)
    written = save_artifacts(result, config.out)
    written["metrics"] = save_metrics(result, config, config.out)
    registration = log_run(result, written)  # MLflow, with --mlflow or --register
    print_report(result)
    if registration is not None:
        console.print(f"registered {registration.summary()}")
    console.print(f"saved {', '.join(p.name for p in written.values())} in {config.out}")
    return load_model(written["model"])  # predict with the reloaded file, as a user would


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    flags = ["folds", "n_estimators", "models", "mlflow", "mlflow_uri"]
    parser = RunParser(PROG, __doc__, TitanicConfig, flags=flags)
    parser.add_field("register", nargs="?", const=PROG, metavar="NAME")
    parser.add_argument("--predict", type=Path, metavar="FILE", help="CSV of passengers to predict")
    parser.add_argument(
        "--model", type=Path, help="with --predict: use this saved model, no training"
    )
    args = parser.parse_args(argv)
    config = parser.config(args)
    if args.model is not None:
        if args.predict is None:
            parser.error("--model is only used with --predict FILE")
        model = titanic_model(load_model(args.model), args.model)
        passengers = read_passengers(args.predict, needs_name=model[0].uses_title_)
    else:
        # Validate the passengers before any work, so a bad file fails fast and writes nothing.
        passengers = read_passengers(args.predict) if args.predict else None
        model = train(config)
    if passengers is not None:
        path = config.out / "predictions.csv"
        table = predict_file(model, passengers, path)
        print_table("Predictions", list(table.columns), table.head(20).itertuples(index=False))
        console.print(f"wrote {len(table)} predictions to {path}")
    return 0

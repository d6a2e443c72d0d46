"""Month 2's Titanic model as four pipeline stages: data → features → train → evaluate.

A pipeline tool (DVC here) reruns a step only when something it depends on changed: its input
files, its code, or the parameters it reads. That only works if each step is a function of
*files and parameters in, files out*, with nothing passed in memory. So the month 2 recipe
(``m2_classical_ml.titanic``: engineered features, a model of the zoo) is split at its natural
seams, each seam a file a person can open:

    data      registry → data/passengers.csv            params: data.rows, data.seed
    features  passengers.csv → data/features/{train,test}.csv
                                                         params: features.test_size, .seed, .child_age
    train     features/train.csv → models/model.skops   params: train.model, .n_estimators, .seed
    evaluate  model.skops + features/test.csv → metrics.json   (DVC "metrics": not cached)

Why fit the feature transformer in ``features`` and not in ``train``? ``TitanicFeatures`` learns the
median age of each (class, sex) group; fitting it on the training split only and applying it to the
test split keeps the test passengers out of everything that is learned (no leak), and the feature
tables are plain numeric CSVs, the usual hand-over between a data and a modelling team.

Every function here calls month 2's code (``titanic_features``, ``model_zoo``, ``persistence``,
``metrics``); nothing is re-implemented. ``dvc_template/stages/*.py`` are the thin scripts DVC runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from roadmap_data import load_titanic

LABEL = "survived"
PASSENGERS = Path("data/passengers.csv")
TRAIN = Path("data/features/train.csv")
TEST = Path("data/features/test.csv")
MODEL = Path("models/model.skops")
METRICS = Path("metrics.json")


def read_params(root: Path, section: str) -> dict[str, Any]:
    """One section of ``root/params.yaml`` (the file DVC watches for the stage's ``params:``)."""
    from dvc.utils.serialize import load_yaml  # DVC's own reader of params.yaml

    params = load_yaml(root / "params.yaml") or {}
    if section not in params:
        raise KeyError(f"params.yaml has no section {section!r}")
    return params[section]


def data_stage(root: Path, rows: int | None = None, seed: int = 0) -> Path:
    """The raw passengers from the data registry, optionally a random subset of ``rows``.

    A real project would pull a snapshot from a warehouse here; the registry's checked CSV plays
    that part (1309 passengers: pclass, survived, sex, age, sibsp, parch).
    """
    table = load_titanic()
    if rows is not None and rows < len(table):
        table = table.sample(n=rows, random_state=seed).sort_index()
    return _write_csv(table, root / PASSENGERS)


def features_stage(
    root: Path, test_size: float = 0.25, seed: int = 0, child_age: float = 14.0
) -> tuple[Path, Path]:
    """Split the passengers (stratified), learn the features on the training part, write both."""
    from sklearn.model_selection import train_test_split

    from m2_classical_ml.titanic_features import TitanicFeatures, features_and_labels

    X, y = features_and_labels(pd.read_csv(root / PASSENGERS))
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=test_size, stratify=y, random_state=seed
    )
    features = TitanicFeatures(child_age=child_age).fit(X_train)  # medians of the train part only
    train = features.transform(X_train).assign(**{LABEL: y_train})
    test = features.transform(X_test).assign(**{LABEL: y_test})
    return _write_csv(train, root / TRAIN), _write_csv(test, root / TEST)


def train_stage(
    root: Path, model: str = "random_forest", n_estimators: int = 200, seed: int = 0
) -> Path:
    """Fit month 2's ``model`` (a zoo name) on the training features; save it with skops."""
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    from m2_classical_ml import model_zoo
    from m2_classical_ml.persistence import save_model

    X, y = _split(pd.read_csv(root / TRAIN))
    # The zoo's rule: distance- and penalty-based models need standardised inputs, trees do not.
    scaler = [StandardScaler()] if model in model_zoo.NEEDS_SCALING else []
    pipeline = make_pipeline(*scaler, model_zoo.classifier(model, n_estimators, seed))
    return save_model(pipeline.fit(X, y), root / MODEL)


def evaluate_stage(root: Path) -> dict[str, float]:
    """Score the saved model on the held-out test features; write and return ``metrics.json``.

    The metrics are month 2's hand-written ones (checked against sklearn.metrics there), plus the
    "women survive" rule on the same passengers: the floor a model must beat to be worth keeping.
    """
    from m2_classical_ml import metrics
    from m2_classical_ml.persistence import load_model

    X, y = _split(pd.read_csv(root / TEST))
    model = load_model(root / MODEL)
    proba = model.predict_proba(X)[:, 1]  # P(survived)
    report = metrics.classification_report(y, (proba > 0.5).astype(int), proba)
    report["gender_rule_accuracy"] = metrics.accuracy(y, X["female"].to_numpy(dtype=int))
    report["n_test"] = len(y)
    (root / METRICS).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return report


def run_stage(name: str, root: Path) -> None:
    """Run stage ``name`` in the DVC project at ``root`` with its section of params.yaml."""
    if name == "evaluate":
        evaluate_stage(root)
        return
    stages = {"data": data_stage, "features": features_stage, "train": train_stage}
    if name not in stages:
        raise KeyError(f"unknown stage {name!r}; choose from data, features, train, evaluate")
    stages[name](root, **read_params(root, name))


def _split(table: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    return table.drop(columns=[LABEL]), table[LABEL].to_numpy(dtype=int)


def _write_csv(table: pd.DataFrame, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    table.to_csv(path, index=False, float_format="%.6g")  # stable text: same data, same hash
    return path

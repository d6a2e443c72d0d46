"""titanic --mlflow / --register: the run in MLflow, the champion rule, and the pyfunc's answers.

Two tiny runs on the same 300 passengers and folds: KNN alone, then KNN + logistic + tree, whose
best CV accuracy can only be higher or equal (the same KNN is among its candidates). So whatever
the exact scores, the champion is known in advance: version 2 if it beat version 1, else version 1
(a tie keeps the champion). Everything happens in a temporary file store.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from m2_classical_ml import titanic
from m2_classical_ml.errors import InvalidInputError
from m2_classical_ml.persistence import load_model
from m2_classical_ml.titanic_features import INPUT_COLUMNS
from m2_classical_ml.titanic_tracking import log_run, survival_probability
from roadmap_data.runkit import ConfigError
from roadmap_data.runkit.registry import client_for, resolve_model, resolve_model_file
from roadmap_data.runkit.tracking import mlflow_store

PASSENGERS = pd.DataFrame(
    {
        "pclass": ["1st", "3rd", "2nd"],
        "sex": ["female", "male", "male"],
        "age": [29.0, np.nan, 4.0],
        "sibsp": [0, 1, 1],
        "parch": [0, 2, 1],
    }
)


def tracked_run(tmp_path: Path, store: str, name: str, models: tuple[str, ...]) -> dict:
    out = tmp_path / name
    args = ["--smoke", "--models", *models, "--mlflow-uri", store, "--register", "--out", str(out)]
    assert titanic.main(args) == 0
    return json.loads((out / "metrics.json").read_text())


@pytest.mark.slow
def test_runs_are_logged_and_only_a_better_model_becomes_the_champion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store = (tmp_path / "mlruns").as_uri()
    first = tracked_run(tmp_path, store, "knn", ("knn",))
    second = tracked_run(tmp_path, store, "three", ("knn", "logistic", "tree"))
    scores = [first["best_cv_accuracy"], second["best_cv_accuracy"]]
    assert scores[1] >= scores[0]  # same data, folds and KNN: see the docstring
    champion = "2" if scores[1] > scores[0] else "1"
    assert "registered titanic v2 (best_cv_accuracy" in capsys.readouterr().out

    client = client_for(store)
    assert client.get_registered_model("titanic").aliases == {"champion": champion}
    for version, score in enumerate(scores, start=1):
        tags = client.get_model_version("titanic", str(version)).tags
        assert float(tags["best_cv_accuracy"]) == score
    experiment = client.get_experiment_by_name("titanic").experiment_id
    [logged] = client.search_runs([experiment], filter_string="params.best_model != 'knn'")
    metrics, params = logged.data.metrics, logged.data.params
    assert metrics["best_cv_accuracy"] == second["best_cv_accuracy"]
    for name, model_scores in second["models"].items():
        assert metrics[f"{name}/cv_accuracy"] == model_scores["accuracy"]
        assert metrics[f"{name}/cv_roc_auc"] == model_scores["roc_auc"]
    assert params["folds"] == "3" and params["register"] == "titanic"
    artefacts = {f.path for f in client.list_artifacts(logged.info.run_id)}
    assert {"metrics.json", "model.skops", "roc_curve.png", "confusion_matrix.png"} <= artefacts

    # The champion, loaded as MLflow's pyfunc and as our own file, gives the saved file's answers.
    winner = tmp_path / ("three" if champion == "2" else "knn") / "model.skops"
    expected = load_model(winner).predict_proba(PASSENGERS)[:, 1]
    with mlflow_store(store) as mlflow:
        model = mlflow.pyfunc.load_model("models:/titanic@champion")
        np.testing.assert_allclose(model.predict(PASSENGERS), expected)
        assert model.metadata.signature.inputs.input_names() == INPUT_COLUMNS
        with pytest.raises(InvalidInputError, match="input row 2, column 'pclass'"):
            model.predict(PASSENGERS.assign(pclass=["1st", "4th", "2nd"]))
    by_alias = resolve_model("models:/titanic@champion", "model.skops", store, tmp_path / "c")
    assert by_alias.version == int(champion) and by_alias.path.read_bytes() == winner.read_bytes()
    by_version = resolve_model_file("models:/titanic/1", "model.skops", store, tmp_path / "c")
    assert by_version.read_bytes() == (tmp_path / "knn" / "model.skops").read_bytes()


def test_without_mlflow_or_register_nothing_is_tracked() -> None:
    config = titanic.TitanicConfig.preset("tiny")
    assert not config.tracking
    assert config.replace(mlflow=True).tracking and config.replace(register="titanic").tracking
    assert log_run(SimpleNamespace(config=config), {}) is None  # type: ignore[arg-type]


def test_a_run_that_fails_while_logging_ends_failed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Parameters logged, then the metrics step raises: the run is FAILED, not left RUNNING."""
    from m2_classical_ml import titanic_tracking

    def broken(result: object) -> dict[str, float]:
        raise KeyError("roc_auc")

    monkeypatch.setattr(titanic_tracking, "run_metrics", broken)
    store = (tmp_path / "mlruns").as_uri()
    config = titanic.TitanicConfig.preset("tiny", mlflow_uri=store, register="titanic")
    with pytest.raises(KeyError, match="roc_auc"):
        log_run(SimpleNamespace(config=config, best="knn"), {})  # type: ignore[arg-type]
    client = client_for(store)
    [logged] = client.search_runs([client.get_experiment_by_name("titanic").experiment_id])
    assert logged.info.status == "FAILED" and logged.data.params["best_model"] == "knn"
    assert client.search_registered_models() == []  # nothing registered


def test_survival_probability_checks_cells_like_a_csv(tmp_path: Path) -> None:
    from sklearn.pipeline import Pipeline

    from m2_classical_ml.titanic_features import TitanicFeatures, features_and_labels
    from roadmap_data import load_titanic

    X, y = features_and_labels(load_titanic().head(200))
    model = titanic.pipeline_for("logistic", titanic.TitanicConfig.preset("tiny")).fit(X, y)
    assert isinstance(model, Pipeline) and isinstance(model[0], TitanicFeatures)
    expected = model.predict_proba(PASSENGERS)[:, 1]
    np.testing.assert_allclose(survival_probability(model, PASSENGERS), expected)
    with pytest.raises(InvalidInputError, match="input row 3, column 'age': -4 is outside"):
        survival_probability(model, PASSENGERS.assign(age=[1.0, 2.0, -4.0]))
    with pytest.raises(InvalidInputError, match=r"input: missing column\(s\) parch"):
        survival_probability(model, PASSENGERS.drop(columns="parch"))


def test_register_needs_a_plain_model_name() -> None:
    with pytest.raises(ConfigError, match="register: 'a/b' is not a model name"):
        titanic.TitanicConfig.preset("tiny", register="a/b")

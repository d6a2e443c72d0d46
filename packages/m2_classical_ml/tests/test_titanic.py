"""The titanic project: features without leakage, the tiny run, saving/reloading, --predict errors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from m2_classical_ml import titanic
from m2_classical_ml.persistence import load_model, save_model
from m2_classical_ml.titanic_features import (
    TitanicFeatures,
    features_and_labels,
    parse_passengers,
    title_of,
)
from roadmap_data import load_titanic
from roadmap_data.runkit import ConfigError

GOOD_CSV = "pclass,sex,age,sibsp,parch\n1st,female,29,0,0\n3rd,male,,1,2\n2nd,male,4,1,1\n"


@pytest.fixture(scope="module")
def tiny_result() -> titanic.TitanicResult:
    return titanic.run(titanic.TitanicConfig.preset("tiny"))


def test_tiny_run_beats_the_majority_baseline(tiny_result) -> None:
    result = tiny_result
    assert result.n_passengers == 300
    majority = result.baselines["majority (all died)"]["accuracy"]
    gender = result.baselines["gender (women survive)"]["accuracy"]
    # a stratified subset keeps the 809/1309 who died, to within one passenger of 300
    assert majority == pytest.approx(809 / 1309, abs=1 / 300)
    assert gender == pytest.approx(1021 / 1309, abs=0.03)  # the rule is right on 1021 of 1309
    assert set(result.scores) == set(titanic.model_zoo.CLASSIFIERS)
    best = result.scores[result.best]["accuracy"]
    assert best > majority + 0.1
    assert all(s["roc_auc"] > 0.7 for s in result.scores.values())


def test_out_of_fold_predictions_reproduce_the_cv_accuracy(tiny_result) -> None:
    """Two routes to one number: the mean of the 3 folds' accuracies (cross_validate) and the
    accuracy of the pooled out-of-fold predictions (cross_val_predict) on the same folds."""
    cv_accuracy = tiny_result.scores[tiny_result.best]["accuracy"]
    assert tiny_result.hand_metrics["accuracy"] == pytest.approx(cv_accuracy, abs=0.005)


def test_hand_metrics_equal_sklearn_on_out_of_fold_predictions(tiny_result) -> None:
    for name, value in tiny_result.hand_metrics.items():
        assert value == pytest.approx(tiny_result.sklearn_metrics[name], abs=1e-12), name


def test_root_split_by_hand_equals_sklearn(tiny_result) -> None:
    split = tiny_result.root_split
    assert split["hand_feature"] == split["sklearn_feature"] == "female"
    assert split["hand_gain"] == pytest.approx(split["sklearn_gain"], abs=1e-9)


def test_age_medians_are_learned_from_the_training_rows_only() -> None:
    X, _ = features_and_labels(load_titanic())
    first_class = X[X["pclass"] == "1st"]
    features = TitanicFeatures().fit(first_class)
    # fitted on 1st class only: no 3rd-class group median exists, the overall one stands in
    assert "3|male" not in features.group_medians_
    unknown = pd.DataFrame(
        [{"pclass": "3rd", "sex": "male", "age": np.nan, "sibsp": 0, "parch": 0}]
    )
    row = features.transform(unknown).iloc[0]
    assert row["age"] == pytest.approx(first_class["age"].median())
    assert row["age_missing"] == 1 and row["is_alone"] == 1 and row["family_size"] == 1


def test_titles_when_a_name_column_exists() -> None:
    assert title_of("Braund, Mr. Owen Harris") == "Mr"
    assert title_of("Rothes, the Countess. of (Lucy)") == "Rare"
    assert title_of("Aubart, Mme. Leontine") == "Mrs"
    X = pd.DataFrame(
        {"pclass": ["1st", "3rd"], "sex": ["female", "male"], "age": [30.0, 5.0], "sibsp": [0, 1]}
        | {"parch": [0, 1], "name": ["Smith, Miss. Ann", "Palsson, Master. Gosta"]}
    )
    table = TitanicFeatures().fit_transform(X)
    assert list(table.columns) == list(TitanicFeatures().fit(X).get_feature_names_out())
    assert table["title_Miss"].tolist() == [1.0, 0.0] and table["title_Master"].tolist() == [
        0.0,
        1.0,
    ]


def test_saved_model_reloads_with_identical_predictions(tiny_result, tmp_path: Path) -> None:
    path = save_model(tiny_result.best_model, tmp_path / "model.skops")
    passengers = parse_passengers(
        pd.read_csv(pd.io.common.StringIO(GOOD_CSV), dtype=str, keep_default_na=False), "x"
    )
    reloaded = load_model(path)
    np.testing.assert_allclose(
        reloaded.predict_proba(passengers), tiny_result.best_model.predict_proba(passengers)
    )


def test_predict_with_a_saved_model(tiny_result, tmp_path: Path, capsys) -> None:
    model = save_model(tiny_result.best_model, tmp_path / "model.skops")
    csv = tmp_path / "passengers.csv"
    csv.write_text(GOOD_CSV)
    out = tmp_path / "out"
    code = titanic.main(["--predict", str(csv), "--model", str(model), "--out", str(out)])
    assert code == 0
    predictions = pd.read_csv(out / "predictions.csv")
    assert len(predictions) == 3
    assert predictions["p_survived"].between(0, 1).all()
    # a first-class woman alone is the model's surest survivor, a third-class man its surest death
    assert predictions["p_survived"][0] > 0.5 > predictions["p_survived"][1]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("pclass,sex,age,sibsp\n1st,female,3,0\n", "missing column(s) parch"),
        ("pclass,sex,age,sibsp,parch\n", "no passengers"),
        (
            "pclass,sex,age,sibsp,parch\n1st,female,3,0,0\n4th,male,3,0,0\n",
            "row 2, column 'pclass'",
        ),
        ("pclass,sex,age,sibsp,parch\n1st,cat,3,0,0\n", "row 1, column 'sex'"),
        ("pclass,sex,age,sibsp,parch\n1st,female,-4,0,0\n", "row 1, column 'age': -4 is outside"),
        ("pclass,sex,age,sibsp,parch\n1st,female,old,0,0\n", "row 1, column 'age'"),
        (
            "pclass,sex,age,sibsp,parch\n1st,female,3,0,0\n1st,male,3,1.5,0\n",
            "row 2, column 'sibsp'",
        ),
        ("pclass,sex,age,sibsp,parch\n1st,male,3,0,\n", "row 1, column 'parch'"),
    ],
)
def test_bad_passenger_files_fail_cleanly_and_write_nothing(
    tmp_path: Path, capsys, content: str, message: str
) -> None:
    csv = tmp_path / "bad.csv"
    csv.write_text(content)
    out = tmp_path / "out"
    assert titanic.main(["--predict", str(csv), "--smoke", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not out.exists()


def test_missing_files_and_untrusted_models_are_refused(tmp_path: Path, capsys) -> None:
    assert titanic.main(["--predict", str(tmp_path / "nope.csv")]) == 2
    assert "no such file" in capsys.readouterr().err
    csv = tmp_path / "p.csv"
    csv.write_text(GOOD_CSV)
    junk = tmp_path / "model.skops"
    junk.write_bytes(b"not a zip archive")
    assert titanic.main(["--predict", str(csv), "--model", str(junk), "--out", str(tmp_path)]) == 2
    assert "not a skops model file" in capsys.readouterr().err


def test_unknown_config_keys_and_bad_values_are_rejected(capsys) -> None:
    with pytest.raises(ConfigError, match=r"unknown TitanicConfig key\(s\): fold;"):
        titanic.TitanicConfig.preset("tiny", fold=3)
    with pytest.raises(ConfigError, match="models must be a tuple of one of 'logistic'"):
        titanic.TitanicConfig.preset("tiny", models=("svm",))
    assert titanic.main(["--smoke", "--folds", "0"]) == 2
    assert capsys.readouterr().err == "error: folds must be at least 2, not 0\n"


def test_model_without_predict_is_a_usage_error(tmp_path: Path, capsys) -> None:
    with pytest.raises(SystemExit) as exit_info:
        titanic.main(["--model", str(tmp_path / "model.skops")])
    assert exit_info.value.code == 2
    assert "--model is only used with --predict FILE" in capsys.readouterr().err


def test_a_model_from_elsewhere_is_refused(tmp_path: Path, capsys) -> None:
    from sklearn.dummy import DummyClassifier

    other = save_model(DummyClassifier().fit([[0], [1]], [0, 1]), tmp_path / "other.skops")
    csv = tmp_path / "p.csv"
    csv.write_text(GOOD_CSV)
    assert titanic.main(["--predict", str(csv), "--model", str(other), "--out", str(tmp_path)]) == 2
    assert "not a model saved by `titanic`" in capsys.readouterr().err


@pytest.mark.parametrize("name", titanic.model_zoo.CLASSIFIERS)
def test_every_zoo_model_survives_a_skops_round_trip(name: str, tmp_path: Path) -> None:
    X, y = features_and_labels(load_titanic().head(200))
    fitted = titanic.pipeline_for(name, titanic.TitanicConfig.preset("tiny")).fit(X, y)
    reloaded = load_model(save_model(fitted, tmp_path / f"{name}.skops"))
    np.testing.assert_array_equal(reloaded.predict_proba(X), fitted.predict_proba(X))

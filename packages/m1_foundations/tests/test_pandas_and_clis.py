"""Week 2 on the real Titanic data, and the two console scripts' results and bad-input paths."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from m1_foundations import gradient_descent_cli, titanic_eda
from m1_foundations import pandas_basics as pb
from roadmap_data import load_economics, load_titanic
from roadmap_data.runkit import ConfigError


@pytest.fixture(scope="module")
def titanic() -> pd.DataFrame:
    return load_titanic()


def test_selection_and_missing_data(titanic: pd.DataFrame) -> None:
    picked = pb.select_examples(titanic)
    assert len(picked["first_five_ages"]) == 5
    assert (picked["adults_in_first"]["age"] > 25).all()
    report = pb.missing_report(titanic)
    assert report.index.tolist() == ["age"] and int(report.loc["age", "missing"]) == 263
    filled = pb.impute_age_by_group(titanic)
    assert filled.isna().sum() == 0
    # the medians of the known ages: 1st-class women 36, 3rd-class men 25 (missing ages only move)
    first_female = (titanic["pclass"] == "1st") & (titanic["sex"] == "female")
    third_male = (titanic["pclass"] == "3rd") & (titanic["sex"] == "male")
    assert (filled[first_female & titanic["age"].isna()] == 36.0).all()
    assert (filled[third_male & titanic["age"].isna()] == 25.0).all()
    assert filled[titanic["age"].notna()].equals(titanic["age"].dropna())


def test_survival_by_class_and_sex_is_the_known_history(titanic: pd.DataFrame) -> None:
    table = pb.survival_by_class_and_sex(titanic)
    assert table.loc["1st", "female"] == pytest.approx(0.965, abs=0.001)
    assert table.loc["3rd", "male"] == pytest.approx(0.152, abs=0.001)
    assert (table["female"] > table["male"]).all()  # "women and children first", in numbers


def test_features_dummies_merge_concat(titanic: pd.DataFrame) -> None:
    features = pb.add_features(titanic)
    assert features["family_size"].min() == 1 and set(features["age_band"]) >= {
        "child",
        "adult",
        "unknown",
    }
    dummies = pb.one_hot(titanic)
    assert set(dummies.columns) == {
        "sex_female",
        "sex_male",
        "pclass_1st",
        "pclass_2nd",
        "pclass_3rd",
    }
    assert (dummies.filter(like="pclass").sum(axis=1) == 1).all()
    merged = pb.merge_group_rates(titanic)
    assert len(merged) == len(titanic)
    # survivors / passengers per class on the 1309-passenger list: 200/323, 119/277, 181/709
    rates = merged.groupby("pclass")["class_survival_rate"].agg(["min", "max"])
    expected = {"1st": 200 / 323, "2nd": 119 / 277, "3rd": 181 / 709}
    for pclass, rate in expected.items():
        assert rates.loc[pclass, "min"] == rates.loc[pclass, "max"] == pytest.approx(rate)
    pd.testing.assert_frame_equal(pb.split_and_concat(titanic), titanic)


def test_yearly_resample_of_a_real_series() -> None:
    yearly = pb.yearly_unemployment(load_economics())
    assert yearly.index.year.min() == 1967 and len(yearly) == 49
    # unemployed / population peaked after the 2008 crisis (4.78 %), above the 1982 recession
    assert yearly["unemployment_rate"].idxmax().year == 2010
    assert yearly.loc["2010", "unemployment_rate"].item() == pytest.approx(4.781, abs=1e-3)
    assert yearly.loc["1982", "unemployment_rate"].item() == pytest.approx(4.615, abs=1e-3)


def test_titanic_eda_run_and_metrics() -> None:
    result = titanic_eda.run(titanic_eda.EDAConfig.preset("tiny"))
    metrics = result.metrics()
    assert metrics["passengers"] == 1309 and metrics["missing_age"] == 263
    assert metrics["survival_rate"] == round(500 / 1309, 4)  # 500 survivors of 1309
    assert metrics["survival_by_class_sex"]["female"]["1st"] == pytest.approx(0.965, abs=1e-3)
    # travelling alone: 790 passengers; a family of 5 or more fared worst
    assert result.survival_by_family_size.loc[1, "passengers"] == 790
    rates = metrics["survival_by_family_size"]
    assert rates[5] == min(rates.values()) and rates[4] == max(rates.values())
    assert metrics["peak_unemployment_year"] == 2010


def test_titanic_eda_cli_writes_metrics_and_plots(tmp_path: Path) -> None:
    assert titanic_eda.main(["--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["config"]["plots"] is True and metrics["passengers"] == 1309
    assert {p.name for p in tmp_path.glob("*.png")} == {
        "survival_by_class_sex.png",
        "age_by_outcome.png",
        "unemployment.png",
    }
    assert titanic_eda.main(["--smoke", "--out", str(tmp_path / "smoke")]) == 0
    assert not list((tmp_path / "smoke").glob("*.png"))  # --smoke: tables only


def test_gradient_descent_cli_converges_on_real_data(tmp_path: Path) -> None:
    assert gradient_descent_cli.main(["--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["config"]["learning_rate"] == 0.1 and metrics["config"]["epochs"] == 2000
    assert metrics["linear_max_parameter_gap"] < 1e-6
    assert metrics["linear_epochs"] < 2000  # stopped early: the loss stalled at the optimum
    # the rules, on all 1309 passengers: 809 died; 1021 fit "women survived, men died"
    assert metrics["majority_accuracy"] == pytest.approx(809 / 1309)
    assert metrics["gender_rule_accuracy"] == pytest.approx(1021 / 1309)
    assert metrics["gender_rule_accuracy"] < metrics["logistic_train_accuracy"] < 0.82
    assert (tmp_path / "loss_curves.png").stat().st_size > 10_000


def test_tiny_preset_and_flags() -> None:
    config = gradient_descent_cli.GradientDescentConfig.preset("tiny", learning_rate=0.05)
    result = gradient_descent_cli.run(config)
    assert len(result.logistic.losses) == 300  # the tiny preset: 300 epochs on 400 rows
    assert result.logistic.losses[-1] < result.logistic.losses[0] == pytest.approx(np.log(2))
    with pytest.raises(ConfigError, match=r"learning rate \(--lr\) must be > 0, not -1.0"):
        config.replace(learning_rate=-1)


def test_gradient_descent_rejects_bad_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gradient_descent_cli.main(["--epochs", "0", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "error: epochs must be at least 1, not 0"
    assert gradient_descent_cli.main(["--lr", "-1", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "error: learning rate (--lr) must be > 0, not -1.0"
    assert not (tmp_path / "metrics.json").exists()


def test_config_rejects_unknown_keys_and_presets() -> None:
    config_class = gradient_descent_cli.GradientDescentConfig
    with pytest.raises(ConfigError, match=r"unknown GradientDescentConfig key\(s\): learning_rat"):
        config_class.preset("tiny", learning_rat=0.1)
    with pytest.raises(ConfigError, match="unknown preset 'huge'"):
        config_class.preset("huge")

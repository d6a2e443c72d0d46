"""Week 2 on the real Titanic data, and the two console scripts' results and bad-input paths."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from m1_foundations import gradient_descent_cli, titanic_eda
from m1_foundations import pandas_basics as pb
from roadmap_data import RoadmapError, load_economics, load_titanic


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
    first_female = (titanic["pclass"] == "1st") & (titanic["sex"] == "female")
    assert (
        filled[first_female & titanic["age"].isna()]
        .eq(titanic.loc[first_female, "age"].median())
        .all()
    )


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
    assert len(merged) == len(titanic) and merged["class_survival_rate"].between(0.2, 0.7).all()
    pd.testing.assert_frame_equal(pb.split_and_concat(titanic), titanic)


def test_yearly_resample_of_a_real_series() -> None:
    yearly = pb.yearly_unemployment(load_economics())
    assert yearly.index.year.min() == 1967 and len(yearly) == 49
    assert yearly["unemployment_rate"].idxmax().year in (1982, 1983, 2009, 2010)


def test_titanic_eda_writes_tables_and_plots(tmp_path: Path) -> None:
    assert titanic_eda.main(["--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["passengers"] == 1309 and metrics["survival_rate"] == pytest.approx(
        0.382, abs=0.001
    )
    assert {p.name for p in tmp_path.glob("*.png")} == {
        "survival_by_class_sex.png",
        "age_by_outcome.png",
        "unemployment.png",
    }


def test_gradient_descent_cli_converges_on_real_data(tmp_path: Path) -> None:
    assert gradient_descent_cli.main(["--out", str(tmp_path)]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["linear_max_parameter_gap"] < 1e-6
    assert metrics["logistic_train_accuracy"] >= 0.78  # the gender-only rule gets 0.780
    assert (tmp_path / "loss_curves.png").stat().st_size > 10_000


def test_gradient_descent_rejects_bad_flags(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert gradient_descent_cli.main(["--lr", "-1", "--out", str(tmp_path)]) == 2
    assert capsys.readouterr().err.strip() == "error: --lr must be > 0 and --epochs ≥ 1"
    assert not (tmp_path / "metrics.json").exists()


def test_config_rejects_unknown_keys_and_presets() -> None:
    with pytest.raises(RoadmapError, match="unknown config keys"):
        gradient_descent_cli.Config.preset("tiny", learning_rat=0.1)
    with pytest.raises(RoadmapError, match="unknown preset"):
        gradient_descent_cli.Config.preset("huge")

"""The house-prices project on a tiny preset: real figures on 500 Ames houses, files, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from m2_classical_ml import ames, house_prices
from m2_classical_ml.errors import ConfigError, InvalidInputError


@pytest.fixture(scope="module")
def tiny() -> house_prices.HousePricesResult:
    config = house_prices.make_config(house_prices.HousePricesConfig, house_prices.PRESETS, "tiny")
    return house_prices.run(config)


@pytest.mark.slow
def test_every_model_beats_the_mean_baseline(tiny) -> None:
    scores = tiny.scores
    baseline = scores["mean"]["rmse"]
    assert 0.35 < baseline < 0.45  # the spread of log prices itself
    assert abs(scores["mean"]["r2"]) < 0.02
    for name in house_prices.model_zoo.REGRESSORS:
        assert scores[name]["rmse"] < 0.6 * baseline, name
        assert scores[name]["r2"] > 0.6, name
    assert scores["ridge"]["rmse"] < 0.2  # one-hot + scaled linear model, 500 houses, 3 folds
    assert tiny.best == min(house_prices.model_zoo.REGRESSORS, key=lambda n: scores[n]["rmse"])


@pytest.mark.slow
def test_lasso_drops_features_and_importances_are_shares(tiny) -> None:
    assert 0 < tiny.lasso_zeroed["zeroed"] < tiny.lasso_zeroed["total"]
    assert tiny.importance_model in {"random_forest", "xgboost", "lightgbm"}
    shares = list(tiny.importances.values())
    assert shares == sorted(shares, reverse=True) and 0 < sum(shares) <= 1 + 1e-9
    assert {"Gr_Liv_Area", "Year_Built", "Total_Bsmt_SF"} & set(list(tiny.importances)[:8])


@pytest.mark.slow
def test_artifacts_are_written(tiny, tmp_path: Path) -> None:
    written = house_prices.save_artifacts(tiny, tmp_path)
    for key in ("degree", "learning", "paths", "importances"):
        assert written[key].stat().st_size > 5_000, key  # a real PNG, not an empty figure
    metrics = json.loads(written["metrics"].read_text())
    assert metrics["best_cv_rmse"] < metrics["mean_baseline_rmse"]
    assert metrics["solvers"]["gradient descent"]["max_gap_to_exact"] < 1e-5


def test_prices_must_be_positive_for_the_log() -> None:
    houses = pd.DataFrame({"Gr_Liv_Area": [900, 1200], "Sale_Price": [120_000, 0]})
    with pytest.raises(InvalidInputError, match="row 2, column 'Sale_Price'"):
        ames.features_and_log_price(houses)
    with pytest.raises(InvalidInputError, match="no 'Sale_Price' column"):
        ames.features_and_log_price(houses.drop(columns="Sale_Price"))


def test_bad_settings_exit_2_with_one_line(capsys, tmp_path: Path) -> None:
    assert house_prices.main(["--smoke", "--folds", "1", "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert err == "error: folds must be >= 2, got 1\n"
    assert not (tmp_path / "o").exists()
    with pytest.raises(ConfigError, match="unknown preset"):
        house_prices.make_config(house_prices.HousePricesConfig, house_prices.PRESETS, "huge")

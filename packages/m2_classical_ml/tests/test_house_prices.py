"""The house-prices project on a tiny preset: real figures on 500 Ames houses, files, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from m2_classical_ml import ames, house_prices
from m2_classical_ml.errors import InvalidInputError
from m2_classical_ml.model_zoo import REGRESSORS
from roadmap_data.runkit import ConfigError, save_metrics


@pytest.fixture(scope="module")
def tiny() -> house_prices.HousePricesResult:
    return house_prices.run(house_prices.HousePricesConfig.preset("tiny"))


@pytest.mark.slow
def test_every_model_beats_the_mean_baseline(tiny) -> None:
    scores = tiny.scores
    baseline = scores["mean"]["rmse"]
    # predicting the training mean misses by the spread of log prices itself: their std
    _, y = house_prices.load(tiny.config)
    assert baseline == pytest.approx(np.std(y), rel=0.03)
    assert scores["mean"]["r2"] < 0 and abs(scores["mean"]["r2"]) < 0.02  # no better than the mean
    for name in REGRESSORS:
        assert scores[name]["rmse"] < 0.6 * baseline, name
        assert scores[name]["r2"] > 0.6, name
    assert scores["ridge"]["rmse"] < 0.2  # one-hot + scaled linear model, 500 houses, 3 folds


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
    metrics = json.loads(save_metrics(tiny, tiny.config, tmp_path).read_text())
    assert metrics["config"]["n_estimators"] == 40 and metrics["n_houses"] == 500
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
    assert err == "error: folds must be at least 2, not 1\n"
    assert not (tmp_path / "o").exists()
    with pytest.raises(ConfigError, match="unknown preset 'huge'"):
        house_prices.HousePricesConfig.preset("huge")
    config = house_prices.HousePricesConfig.preset("tiny", drop_large_houses=True, rows=None)
    assert len(house_prices.load(config)[1]) == 2925  # the 5 houses over 4000 sq ft are gone

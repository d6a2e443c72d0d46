"""Preparing the Ames house sales for models: column types, two preprocessors, the log target.

Why ``log(Sale_Price)``? Prices are right-skewed (a few mansions), and errors matter in relative
terms: $20k off on a $100k house is worse than on a $700k one. On the log scale an RMSE of 0.13
means "typically about 13 % off", whatever the price.

Linear models need every input numeric and on one scale: categoricals are one-hot encoded
(rare levels, < 10 houses, share one "infrequent" column) and numerics standardised. Trees split
on thresholds, so they take categories as integer codes and raw numbers unchanged. Both are
ColumnTransformers inside the model's Pipeline, so cross-validation refits them in every fold.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from rich.progress import track
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyRegressor
from sklearn.impute import SimpleImputer
from sklearn.model_selection import KFold, cross_validate
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder, OrdinalEncoder, StandardScaler

from m2_classical_ml import model_zoo
from m2_classical_ml.errors import InvalidInputError
from roadmap_data.console import console

TARGET = "Sale_Price"
SCORING = {"rmse": "neg_root_mean_squared_error", "mae": "neg_mean_absolute_error", "r2": "r2"}
# A few numeric columns with little collinearity: the solvers comparison converges cleanly on them.
SOLVER_FEATURES = [
    "Gr_Liv_Area",
    "Year_Built",
    "Year_Remod_Add",
    "Total_Bsmt_SF",
    "Garage_Cars",
    "Fireplaces",
    "Lot_Area",
    "Full_Bath",
]


def features_and_log_price(ames: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """X = every column but the price; y = natural log of the price."""
    if TARGET not in ames.columns:
        raise InvalidInputError(f"Ames table has no {TARGET!r} column")
    if (ames[TARGET] <= 0).any():
        row = int(np.flatnonzero(ames[TARGET].to_numpy() <= 0)[0]) + 1
        raise InvalidInputError(
            f"Ames row {row}, column {TARGET!r}: price must be > 0 to take a log"
        )
    return ames.drop(columns=[TARGET]), np.log(ames[TARGET].to_numpy(dtype=float))


def column_types(X: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(categorical columns, numeric columns), by dtype."""
    numeric = X.select_dtypes(include="number").columns.tolist()
    return [c for c in X.columns if c not in numeric], numeric


def _fill_none() -> SimpleImputer:
    # Missing Mas_Vnr_Type / Misc_Feature mean "there is none": a category of its own.
    return SimpleImputer(strategy="constant", fill_value="None")


def linear_preprocessor(X: pd.DataFrame) -> ColumnTransformer:
    """One-hot categoricals (rare levels grouped) and standardised numerics, for Ridge/Lasso."""
    categorical, numeric = column_types(X)
    one_hot = OneHotEncoder(handle_unknown="infrequent_if_exist", min_frequency=10)
    return ColumnTransformer(
        [
            ("cat", make_pipeline(_fill_none(), one_hot), categorical),
            ("num", StandardScaler(), numeric),
        ],
        verbose_feature_names_out=False,
    )


def tree_preprocessor(X: pd.DataFrame) -> ColumnTransformer:
    """Categoricals as integer codes (unknown → −1), numerics unchanged, for tree ensembles."""
    categorical, numeric = column_types(X)
    codes = OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1)
    return ColumnTransformer(
        [
            ("cat", make_pipeline(_fill_none(), codes), categorical),
            ("num", "passthrough", numeric),
        ],
        verbose_feature_names_out=False,
    )


def pipeline_for(name: str, X: pd.DataFrame, n_estimators: int, seed: int) -> Pipeline:
    """The preprocessor matched to the model family, then the model (``mean``: the baseline)."""
    if name == "mean":  # predicts the training folds' mean price: the floor to beat
        return make_pipeline(DummyRegressor(strategy="mean"))
    linear = name in model_zoo.NEEDS_SCALING
    pre = linear_preprocessor(X) if linear else tree_preprocessor(X)
    return make_pipeline(pre, model_zoo.regressor(name, n_estimators, seed))


def cross_validate_models(
    X: pd.DataFrame, y: np.ndarray, names: tuple[str, ...], folds: int, n_estimators: int, seed: int
) -> dict[str, dict[str, float]]:
    """k-fold CV RMSE / MAE / R² (and seconds) of the mean baseline and every named model."""
    cv = KFold(folds, shuffle=True, random_state=seed)
    scores = {}
    for name in track(
        ("mean", *names), description="cross-validating", transient=True, console=console
    ):
        pipeline = pipeline_for(name, X, n_estimators, seed)
        result = cross_validate(pipeline, X, y, cv=cv, scoring=SCORING)
        scores[name] = {
            "rmse": float(-result["test_rmse"].mean()),
            "rmse_std": float(result["test_rmse"].std()),
            "mae": float(-result["test_mae"].mean()),
            "r2": float(result["test_r2"].mean()),
            "seconds": float(result["fit_time"].sum() + result["score_time"].sum()),
        }
    return scores


def top_importances(
    X: pd.DataFrame,
    y: np.ndarray,
    scores: dict[str, dict[str, float]],
    n_estimators: int,
    seed: int,
    top: int = 20,
) -> tuple[str, dict[str, float]]:
    """Refit the best tree ensemble on every house: (its name, its ``top`` importances as shares)."""
    trees = [name for name in scores if name in ("random_forest", "xgboost", "lightgbm")]
    if not trees:
        return "", {}
    name = min(trees, key=lambda n: scores[n]["rmse"])
    pipeline = pipeline_for(name, X, n_estimators, seed).fit(X, y)
    names = pipeline[0].get_feature_names_out()
    values = np.asarray(pipeline[-1].feature_importances_, dtype=float)
    values = values / values.sum()  # LightGBM counts splits, the others sum to 1: make all shares
    order = np.argsort(values)[::-1][:top]
    return name, {str(names[i]): float(values[i]) for i in order}

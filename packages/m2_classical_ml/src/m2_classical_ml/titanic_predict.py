"""Predicting new passengers with a saved titanic model, writing nothing until all is well."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator
from sklearn.pipeline import Pipeline

from m2_classical_ml.errors import InvalidInputError
from m2_classical_ml.titanic_features import TitanicFeatures


def titanic_model(model: BaseEstimator, path: Path) -> Pipeline:
    """``model`` if it is a pipeline this script saved (features first), else a clear error."""
    if not (isinstance(model, Pipeline) and isinstance(model[0], TitanicFeatures)):
        raise InvalidInputError(f"{path}: not a model saved by `titanic`")
    return model


def predict_file(model: BaseEstimator, passengers: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Add ``p_survived`` and ``prediction`` to validated passengers and write them to ``path``."""
    proba = model.predict_proba(passengers)[:, 1]
    table = passengers.assign(
        p_survived=proba.round(4), prediction=np.where(proba > 0.5, "survived", "died")
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    table.to_csv(tmp, index=False)
    tmp.replace(path)
    return table

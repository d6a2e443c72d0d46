"""Saving and safely reloading a fitted model with skops.

``pickle``/``joblib`` files run arbitrary code when loaded: never open one from a stranger. skops
stores the model as data plus a list of the types it contains, and refuses to build any type you
have not trusted. We trust exactly the types our own pipeline is made of (scikit-learn, NumPy,
XGBoost/LightGBM and this package), checked against the file's own list before loading.
"""

from __future__ import annotations

import os
from pathlib import Path

import skops.io as sio
from sklearn.base import BaseEstimator

from m2_classical_ml.errors import InvalidInputError

TRUSTED_PREFIXES = ("sklearn.", "numpy.", "xgboost.", "lightgbm.", "m2_classical_ml.", "builtins.")
TRUSTED_NAMES = {"collections.OrderedDict"}  # plain data inside LightGBM's saved booster


def save_model(model: BaseEstimator, path: Path) -> Path:
    """Write ``model`` to ``path`` atomically (a temp file renamed), so a crash leaves no half file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    sio.dump(model, tmp)
    os.replace(tmp, path)
    return path


def load_model(path: Path) -> BaseEstimator:
    """Load a model saved by :func:`save_model`, refusing files that contain unexpected types."""
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such model file (train one first: `uv run titanic`)")
    try:
        untrusted = sio.get_untrusted_types(file=path)
    except Exception as error:  # a corrupt archive: zip or JSON errors of many kinds
        raise InvalidInputError(f"{path}: not a skops model file ({error})") from None
    unexpected = [
        name
        for name in untrusted
        if not name.startswith(TRUSTED_PREFIXES) and name not in TRUSTED_NAMES
    ]
    if unexpected:
        raise InvalidInputError(
            f"{path}: refusing to load untrusted type(s) {', '.join(unexpected)}"
        )
    return sio.load(path, trusted=untrusted)

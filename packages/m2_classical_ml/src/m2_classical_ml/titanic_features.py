"""Titanic feature engineering as a scikit-learn transformer, plus checks for passengers to predict.

The offline Titanic (vcdExtra::Titanicp, 1309 passengers) has pclass, sex, age, sibsp and parch:
no name, fare or cabin. So the classic "title from the name" feature is built only when a ``name``
column exists; without it we engineer what the columns allow:

- ``family_size`` = sibsp + parch + 1 and ``is_alone``: mid-size families survived more often;
- ``age`` imputed by the median of the passenger's (class, sex) group: a 3rd-class man's missing
  age is better guessed from other 3rd-class men than from everyone;
- ``age_missing``: whether the age was unknown is itself informative (mostly 3rd class);
- ``child`` = age < 14: "women and children first".

Why a transformer class rather than pandas code run once up front? The group medians are learned
in ``fit``, so inside a Pipeline they are computed on the training folds only: no information
from the validation fold leaks into the features (the classic cross-validation leak).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from m2_classical_ml.errors import InvalidInputError

INPUT_COLUMNS = ["pclass", "sex", "age", "sibsp", "parch"]
CLASSES = {"1st": 1, "2nd": 2, "3rd": 3}
SEXES = ("female", "male")
TITLES = ("Mr", "Mrs", "Miss", "Master", "Rare")
MAX_AGE = 120


def title_of(name: str) -> str:
    """``"Braund, Mr. Owen Harris"`` → ``"Mr"``; uncommon titles (Dr, Rev, Countess...) → ``"Rare"``."""
    after_comma = name.split(",", 1)[-1]
    title = after_comma.split(".", 1)[0].strip()
    title = {"Mlle": "Miss", "Ms": "Miss", "Mme": "Mrs"}.get(title, title)
    return title if title in TITLES else "Rare"


class TitanicFeatures(TransformerMixin, BaseEstimator):
    """Raw passenger columns → numeric features; learns the age medians by (class, sex) in ``fit``."""

    def __init__(self, child_age: float = 14.0) -> None:
        self.child_age = child_age

    def fit(self, X: pd.DataFrame, y: object = None) -> TitanicFeatures:
        """Learn the median age of every (pclass, sex) group, and the overall median as a fallback."""
        ages = X.assign(pclass=X["pclass"].map(CLASSES))
        medians = ages.groupby(["pclass", "sex"])["age"].median().dropna()
        self.group_medians_ = {f"{c}|{s}": float(v) for (c, s), v in medians.items()}
        self.overall_median_ = float(X["age"].median())
        self.uses_title_ = "name" in X.columns
        return self

    def transform(self, X: pd.DataFrame) -> pd.DataFrame:
        """One row of numeric features per passenger (see :meth:`get_feature_names_out`)."""
        pclass = X["pclass"].map(CLASSES).astype(float)
        keys = pclass.astype(int).astype(str) + "|" + X["sex"].astype(str)
        fallback = keys.map(self.group_medians_).fillna(self.overall_median_)
        age = X["age"].astype(float)
        family = X["sibsp"] + X["parch"] + 1
        out = pd.DataFrame(
            {
                "pclass": pclass,
                "female": (X["sex"] == "female").astype(float),
                "age": age.fillna(fallback),
                "age_missing": age.isna().astype(float),
                "child": (age.fillna(fallback) < self.child_age).astype(float),
                "sibsp": X["sibsp"].astype(float),
                "parch": X["parch"].astype(float),
                "family_size": family.astype(float),
                "is_alone": (family == 1).astype(float),
            },
            index=X.index,
        )
        if self.uses_title_:
            titles = X["name"].astype(str).map(title_of)
            for title in TITLES:
                out[f"title_{title}"] = (titles == title).astype(float)
        return out

    def get_feature_names_out(self, input_features: object = None) -> np.ndarray:
        """Names of the columns :meth:`transform` returns, in order."""
        names = ["pclass", "female", "age", "age_missing", "child", "sibsp", "parch"]
        names += ["family_size", "is_alone"]
        if self.uses_title_:
            names += [f"title_{title}" for title in TITLES]
        return np.asarray(names, dtype=object)


def features_and_labels(titanic: pd.DataFrame) -> tuple[pd.DataFrame, np.ndarray]:
    """Split the table into the model's inputs X (raw columns) and the label y (1 = survived)."""
    y = (titanic["survived"] == "survived").to_numpy(dtype=int)
    return titanic.drop(columns=["survived"]), y


# ---------- validating passengers given on the command line ----------------------------------


def _bad(source: str, row: int, column: str, problem: str) -> InvalidInputError:
    return InvalidInputError(f"{source} row {row}, column {column!r}: {problem}")


def _count(text: str, source: str, row: int, column: str) -> int:
    """A required non-negative integer (sibsp, parch)."""
    if not text.strip().isdigit():
        raise _bad(source, row, column, f"expected a whole number >= 0, got {text!r}")
    return int(text)


def _age(text: str, source: str, row: int) -> float:
    """An age in years, or empty for unknown (it is then imputed like the training data)."""
    if not text.strip():
        return np.nan
    try:
        age = float(text)
    except ValueError:
        raise _bad(source, row, "age", f"expected a number of years, got {text!r}") from None
    if not 0 <= age <= MAX_AGE:
        raise _bad(source, row, "age", f"{age:g} is outside 0..{MAX_AGE}")
    return age


def parse_passengers(frame: pd.DataFrame, source: str, needs_name: bool = False) -> pd.DataFrame:
    """Check every cell of raw (all-string) passenger rows; return typed rows or raise on the first bad one.

    Rows are numbered from 1 as in a spreadsheet without its header, so "row 3" is the third
    passenger. Extra columns (``survived``, ``ticket``...) are ignored.
    """
    required = INPUT_COLUMNS + (["name"] if needs_name else [])
    missing = [column for column in required if column not in frame.columns]
    if missing:
        raise InvalidInputError(f"{source}: missing column(s) {', '.join(missing)}")
    if frame.empty:
        raise InvalidInputError(f"{source}: no passengers (the file has a header only)")
    rows = []
    for row, record in enumerate(frame.to_dict("records"), start=1):
        pclass, sex = record["pclass"].strip(), record["sex"].strip().lower()
        if pclass not in CLASSES:
            raise _bad(
                source, row, "pclass", f"expected one of {', '.join(CLASSES)}, got {pclass!r}"
            )
        if sex not in SEXES:
            raise _bad(source, row, "sex", f"expected female or male, got {record['sex']!r}")
        parsed = {
            "pclass": pclass,
            "sex": sex,
            "age": _age(record["age"], source, row),
            "sibsp": _count(record["sibsp"], source, row, "sibsp"),
            "parch": _count(record["parch"], source, row, "parch"),
        }
        if needs_name:
            parsed["name"] = record["name"]
        rows.append(parsed)
    return pd.DataFrame(rows)


def read_passengers(path: Path, needs_name: bool = False) -> pd.DataFrame:
    """Read and validate a CSV of passengers to predict (see :func:`parse_passengers`)."""
    if not path.is_file():
        raise InvalidInputError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as error:
        raise InvalidInputError(f"{path}: not a readable CSV ({error})") from None
    return parse_passengers(frame, path.name, needs_name)

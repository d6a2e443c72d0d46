"""Reviews for fine-tuning: three splits, WordPiece ids, and batches padded only as far as needed.

The data are month 2's and month 3's: 4000 Amazon food reviews for training and 1000 for test,
each labelled ``great`` or ``other`` (about two in three are great). A validation split is carved
out of training, stratified, to choose the checkpoint; the test split is read once, at the end.

A transformer reads a batch as one rectangle of token ids, ``(B, T)``. Reviews differ in length
(median 68 WordPiece tokens, 10 % over 200), so two things keep the rectangle small:

- truncation: keep the first ``max_len`` tokens ([CLS] ... [SEP] included);
- dynamic padding: pad each batch to its own longest review, not to ``max_len``, and batch
  reviews of similar length together (``length_batches``), so little compute is spent on padding.

The ``attention_mask`` (1 = real token, 0 = padding) tells the encoder which positions to ignore.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from m4_genai.errors import GenAIError
from roadmap_data import load_amazon_reviews


@dataclass
class ReviewSplits:
    """Texts and class indices for training, validation (checkpoint choice) and test."""

    train: tuple[list[str], list[int]]
    val: tuple[list[str], list[int]]
    test: tuple[list[str], list[int]]
    classes: list[str]
    """Sorted label names; class ``i`` is ``classes[i]`` (amazon: great, other)."""

    def majority_rate(self, split: str = "test") -> float:
        """Accuracy of always answering the most common *training* class (the bar to beat)."""
        majority = int(np.bincount(self.train[1], minlength=len(self.classes)).argmax())
        labels = np.asarray(getattr(self, split)[1])
        return float((labels == majority).mean())


def split_reviews(
    train_texts: Sequence[str],
    train_labels: Sequence[str],
    test_texts: Sequence[str],
    test_labels: Sequence[str],
    *,
    val_fraction: float = 0.1,
    seed: int = 0,
    n_train: int | None = None,
    n_test: int | None = None,
) -> ReviewSplits:
    """Seeded subsamples (``n_train``/``n_test``), then a stratified train/validation split.

    Stratified: each class gives the same share of its reviews to validation, so a small
    validation set keeps the class balance of the training set.
    """
    rng = np.random.default_rng(seed)
    texts, labels = list(map(str, train_texts)), list(map(str, train_labels))
    tests, test_y = list(map(str, test_texts)), list(map(str, test_labels))
    for name, n, total in (("n_train", n_train, len(texts)), ("n_test", n_test, len(tests))):
        if n is not None and not 1 <= n <= total:
            raise GenAIError(f"{name} must be between 1 and {total} (got {n})")
    if n_train is not None:
        keep = rng.choice(len(texts), n_train, replace=False)
        texts, labels = [texts[i] for i in keep], [labels[i] for i in keep]
    if n_test is not None:
        keep = rng.choice(len(tests), n_test, replace=False)
        tests, test_y = [tests[i] for i in keep], [test_y[i] for i in keep]
    classes = sorted(set(labels))
    if len(classes) < 2:
        raise GenAIError(f"the training reviews need at least 2 labels (got {classes})")
    if unseen := sorted(set(test_y) - set(classes)):
        raise GenAIError(f"test labels {unseen} never occur in training ({classes})")
    y = np.array([classes.index(label) for label in labels])
    is_val = np.zeros(len(y), dtype=bool)
    for c in range(len(classes)):
        members = rng.permutation(np.flatnonzero(y == c))
        is_val[members[: round(val_fraction * len(members))]] = True
    if is_val.all() or not is_val.any():
        raise GenAIError(f"val_fraction {val_fraction} leaves no training or no validation reviews")

    def part(mask: np.ndarray) -> tuple[list[str], list[int]]:
        return [texts[i] for i in np.flatnonzero(mask)], y[mask].tolist()

    test_ids = [classes.index(label) for label in test_y]
    return ReviewSplits(part(~is_val), part(is_val), (tests, test_ids), classes)


def load_review_splits(
    val_fraction: float = 0.1, seed: int = 0, n_train: int | None = None, n_test: int | None = None
) -> ReviewSplits:
    """The Amazon reviews from the data registry (``download-data amazon-reviews-train
    amazon-reviews-test`` fetches them when missing), split by ``split_reviews``."""
    train, test = load_amazon_reviews()
    return split_reviews(
        train["review"], train["score"], test["review"], test["score"],
        val_fraction=val_fraction, seed=seed, n_train=n_train, n_test=n_test,
    )  # fmt: skip


def tokenize(tokenizer: Any, texts: Sequence[str], max_len: int) -> list[list[int]]:
    """WordPiece ids of each text, ``[CLS] ... [SEP]``, truncated to ``max_len`` tokens, unpadded."""
    return tokenizer(list(texts), truncation=True, max_length=max_len)["input_ids"]


def pad_batch(ids: Sequence[Sequence[int]], pad_id: int) -> dict[str, torch.Tensor]:
    """Pad to the longest sequence of *this* batch: ``input_ids`` and ``attention_mask``, (B, T).

    The same rectangle ``tokenizer(texts, padding=True)`` builds (the tests check it), by hand.
    """
    width = max(len(seq) for seq in ids)
    input_ids = torch.full((len(ids), width), pad_id, dtype=torch.long)  # (B, T)
    mask = torch.zeros((len(ids), width), dtype=torch.long)  # (B, T): 1 = real token
    for row, seq in enumerate(ids):
        input_ids[row, : len(seq)] = torch.as_tensor(seq, dtype=torch.long)
        mask[row, : len(seq)] = 1
    return {"input_ids": input_ids, "attention_mask": mask}


def length_batches(
    lengths: Sequence[int], batch_size: int, rng: np.random.Generator | None = None, pool: int = 50
) -> Iterator[np.ndarray]:
    """Index batches of reviews of similar length; shuffled when ``rng`` is given (training).

    Training: shuffle, cut into pools of ``pool`` batches, sort each pool by length, cut it into
    batches and shuffle the batch order: batches stay random, yet each holds similar lengths, so
    padding wastes little. Evaluation (``rng=None``): simply sorted by length.
    """
    lengths = np.asarray(lengths)
    if rng is None:
        order = np.argsort(lengths, kind="stable")
        yield from (order[i : i + batch_size] for i in range(0, len(order), batch_size))
        return
    order = rng.permutation(len(lengths))
    batches = []
    for start in range(0, len(order), batch_size * pool):
        chunk = order[start : start + batch_size * pool]
        chunk = chunk[np.argsort(lengths[chunk], kind="stable")]
        batches += [chunk[i : i + batch_size] for i in range(0, len(chunk), batch_size)]
    yield from (batches[i] for i in rng.permutation(len(batches)))

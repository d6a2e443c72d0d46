"""Classification metrics by hand, each one line of NumPy, checked against ``sklearn.metrics``.

Everything starts from the confusion matrix of a binary classifier (positive class = 1):

    ┌──────────┬──────────────┬──────────────┐
    │          │ predicted 0  │ predicted 1  │
    │ true 0   │ TN           │ FP           │
    │ true 1   │ FN           │ TP           │
    └──────────┴──────────────┴──────────────┘

- accuracy  = (TP + TN) / n          how often we are right (misleading on imbalanced data)
- precision = TP / (TP + FP)         of those we flagged, how many were right
- recall    = TP / (TP + FN)         of the real positives, how many we found
- F1        = 2PR / (P + R)          harmonic mean: high only when both are high
- ROC curve: true vs false positive rate as the decision threshold sweeps the scores;
  ROC-AUC = the probability that a random positive scores above a random negative.
"""

from __future__ import annotations

import numpy as np


def confusion_matrix(y_true: np.ndarray, y_pred: np.ndarray) -> np.ndarray:
    """``[[TN, FP], [FN, TP]]`` for 0/1 labels: rows are the truth, columns the prediction."""
    y_true, y_pred = np.asarray(y_true, dtype=int), np.asarray(y_pred, dtype=int)
    matrix = np.zeros((2, 2), dtype=int)
    np.add.at(matrix, (y_true, y_pred), 1)  # one count per (truth, prediction) pair
    return matrix


def accuracy(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Share of correct predictions: the diagonal over the total."""
    matrix = confusion_matrix(y_true, y_pred)
    return float(np.trace(matrix) / matrix.sum())


def precision(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """TP / (TP + FP); 0 when nothing was predicted positive (sklearn's ``zero_division=0``)."""
    (_, fp), (_, tp) = confusion_matrix(y_true, y_pred)
    return float(tp / (tp + fp)) if tp + fp else 0.0


def recall(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """TP / (TP + FN): the true positive rate, also called sensitivity."""
    _, (fn, tp) = confusion_matrix(y_true, y_pred)
    return float(tp / (tp + fn)) if tp + fn else 0.0


def f1(y_true: np.ndarray, y_pred: np.ndarray) -> float:
    """Harmonic mean of precision and recall."""
    p, r = precision(y_true, y_pred), recall(y_true, y_pred)
    return 2 * p * r / (p + r) if p + r else 0.0


def roc_curve(y_true: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(false positive rates, true positive rates) at every distinct threshold, from (0, 0) to (1, 1).

    Sort by decreasing score; lowering the threshold past each sample turns it positive, so the
    cumulative sums of positives and negatives are the TP and FP counts. Tied scores cross the
    threshold together, so we keep only the last index of each run of equal scores.
    """
    y_true, scores = np.asarray(y_true, dtype=int), np.asarray(scores, dtype=float)
    order = np.argsort(-scores, kind="mergesort")
    y_sorted, s_sorted = y_true[order], scores[order]
    last_of_tie = np.r_[np.flatnonzero(np.diff(s_sorted)), len(s_sorted) - 1]
    tp = np.cumsum(y_sorted)[last_of_tie]
    fp = (last_of_tie + 1) - tp
    tpr = np.r_[0.0, tp / y_true.sum()]
    fpr = np.r_[0.0, fp / (len(y_true) - y_true.sum())]
    return fpr, tpr


def auc_trapezoid(x: np.ndarray, y: np.ndarray) -> float:
    """Area under a curve by the trapezoid rule: Σ (x_i+1 − x_i)(y_i + y_i+1)/2."""
    return float(np.sum(np.diff(x) * (y[1:] + y[:-1]) / 2))


def roc_auc(y_true: np.ndarray, scores: np.ndarray) -> float:
    """ROC-AUC as the area under :func:`roc_curve`."""
    return auc_trapezoid(*roc_curve(y_true, scores))


def roc_auc_by_ranks(y_true: np.ndarray, scores: np.ndarray) -> float:
    """The same number, seen as P(score of a random positive > score of a random negative).

    This is the Mann-Whitney U statistic divided by (n_pos · n_neg): rank all scores (ties get
    their average rank), sum the ranks of the positives, subtract the smallest possible sum.
    """
    y_true, scores = np.asarray(y_true, dtype=int), np.asarray(scores, dtype=float)
    order = np.argsort(scores, kind="mergesort")
    ranks = np.empty(len(scores))
    ranks[order] = np.arange(1, len(scores) + 1)
    for value in np.unique(scores):  # average the ranks of tied scores
        tied = scores == value
        ranks[tied] = ranks[tied].mean()
    n_pos = int(y_true.sum())
    n_neg = len(y_true) - n_pos
    u = ranks[y_true == 1].sum() - n_pos * (n_pos + 1) / 2
    return float(u / (n_pos * n_neg))


def classification_report(y_true: np.ndarray, y_pred: np.ndarray, scores: np.ndarray) -> dict:
    """All the hand-made metrics in one dict (what the scripts print and save)."""
    return {
        "accuracy": accuracy(y_true, y_pred),
        "precision": precision(y_true, y_pred),
        "recall": recall(y_true, y_pred),
        "f1": f1(y_true, y_pred),
        "roc_auc": roc_auc(y_true, scores),
    }

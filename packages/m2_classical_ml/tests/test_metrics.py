"""Hand-written metrics against sklearn.metrics, on Titanic-sized labels with tied scores."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from m2_classical_ml import metrics


@pytest.fixture
def labels_and_scores() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    y = (rng.random(500) < 0.38).astype(int)  # Titanic's survival rate
    # informative but noisy scores, rounded so that many are tied (as a tree's leaves are)
    scores = np.round(np.clip(0.3 * y + rng.normal(0.35, 0.2, 500), 0, 1), 1)
    return y, scores, (scores > 0.5).astype(int)


def test_confusion_matrix_matches_sklearn(labels_and_scores) -> None:
    y, _, pred = labels_and_scores
    np.testing.assert_array_equal(metrics.confusion_matrix(y, pred), skm.confusion_matrix(y, pred))


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (metrics.accuracy, skm.accuracy_score),
        (metrics.precision, skm.precision_score),
        (metrics.recall, skm.recall_score),
        (metrics.f1, skm.f1_score),
    ],
)
def test_threshold_metrics_match_sklearn(labels_and_scores, ours, theirs) -> None:
    y, _, pred = labels_and_scores
    assert ours(y, pred) == pytest.approx(theirs(y, pred), abs=1e-12)


def test_roc_curve_and_auc_match_sklearn(labels_and_scores) -> None:
    y, scores, _ = labels_and_scores
    fpr, tpr = metrics.roc_curve(y, scores)
    sk_fpr, sk_tpr, _ = skm.roc_curve(y, scores, drop_intermediate=False)
    np.testing.assert_allclose(fpr, sk_fpr)
    np.testing.assert_allclose(tpr, sk_tpr)
    expected = skm.roc_auc_score(y, scores)
    assert metrics.roc_auc(y, scores) == pytest.approx(expected, abs=1e-12)
    assert metrics.roc_auc_by_ranks(y, scores) == pytest.approx(expected, abs=1e-12)
    assert 0.7 < expected < 0.95  # the scores carry signal: a test that could fail


def test_precision_is_zero_when_nothing_is_predicted_positive() -> None:
    y = np.array([0, 1, 1])
    none = np.zeros(3, dtype=int)
    assert metrics.precision(y, none) == skm.precision_score(y, none, zero_division=0) == 0.0
    assert metrics.f1(y, none) == 0.0


def test_perfect_and_reversed_rankings() -> None:
    y = np.array([0, 0, 1, 1])
    assert metrics.roc_auc(y, np.array([0.1, 0.2, 0.8, 0.9])) == 1.0
    assert metrics.roc_auc(y, np.array([0.9, 0.8, 0.2, 0.1])) == 0.0

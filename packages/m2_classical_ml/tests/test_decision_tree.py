"""Entropy and information gain by hand vs DecisionTreeClassifier(criterion="entropy")."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.tree import DecisionTreeClassifier

from m2_classical_ml.decision_tree import best_split, entropy, information_gain
from m2_classical_ml.titanic_features import TitanicFeatures, features_and_labels
from roadmap_data import load_titanic


def test_entropy_of_known_distributions() -> None:
    assert entropy(np.array([1, 1, 1])) == 0.0
    assert entropy(np.array([0, 1])) == pytest.approx(1.0)
    assert entropy(np.array([0, 1, 2, 3])) == pytest.approx(2.0)
    # Titanic: 500 survivors of 1309 → about 0.959 bits
    y = np.r_[np.ones(500), np.zeros(809)]
    assert entropy(y) == pytest.approx(0.9594, abs=1e-4)


def test_a_split_that_separates_nothing_gains_nothing() -> None:
    y = np.array([0, 1, 0, 1])
    assert information_gain(y, np.ones(4, dtype=bool)) == 0.0
    assert information_gain(y, np.array([True, False, True, False])) == pytest.approx(1.0)


def _stump_gain(tree: DecisionTreeClassifier) -> float:
    t = tree.tree_
    left, right = t.children_left[0], t.children_right[0]
    n = t.weighted_n_node_samples
    return t.impurity[0] - (n[left] * t.impurity[left] + n[right] * t.impurity[right]) / n[0]


@pytest.mark.parametrize("columns", [None, ["pclass", "age", "family_size"]])
def test_best_split_matches_sklearn_root_on_titanic(columns) -> None:
    X, y = features_and_labels(load_titanic())
    table = TitanicFeatures().fit_transform(X)
    if columns:  # without sex the answer is less obvious: class or age must win on their merits
        table = table[columns]
    hand = best_split(table.to_numpy(), y)
    stump = DecisionTreeClassifier(criterion="entropy", max_depth=1).fit(table, y)
    assert hand.feature == stump.tree_.feature[0]
    assert hand.threshold == pytest.approx(stump.tree_.threshold[0], abs=1e-4)
    assert hand.parent_entropy == pytest.approx(stump.tree_.impurity[0], abs=1e-9)
    assert hand.gain == pytest.approx(_stump_gain(stump), abs=1e-9)
    assert hand.gain > 0.05

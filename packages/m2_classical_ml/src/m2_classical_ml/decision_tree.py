"""How a decision tree chooses a split: entropy and information gain, by hand.

A tree asks yes/no questions such as "is sex_male ≤ 0.5?". It picks the question whose answer
makes the labels in each branch as *pure* as possible. Purity is measured by entropy,

    H(y) = − Σ_c p_c log2 p_c          (0 for a pure node, 1 bit for a 50/50 binary node),

and the value of a question is its information gain: the parent's entropy minus the children's
entropies weighted by their sizes,

    IG = H(parent) − (n_left / n) H(left) − (n_right / n) H(right).

``best_split`` tries every feature and every threshold halfway between consecutive distinct values,
exactly as ``DecisionTreeClassifier(criterion="entropy")`` does for its root, so both must agree.
(scikit-learn reports entropy in bits too; its ``impurity`` at the root is our ``H(parent)``.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.tree import DecisionTreeClassifier


@dataclass(frozen=True)
class Split:
    """The best question found: ``X[:, feature] <= threshold`` goes left."""

    feature: int
    threshold: float
    gain: float
    parent_entropy: float


def entropy(y: np.ndarray) -> float:
    """Shannon entropy of a label array, in bits (log base 2)."""
    _, counts = np.unique(y, return_counts=True)
    p = counts / counts.sum()
    return float(-(p * np.log2(p)).sum())


def information_gain(y: np.ndarray, goes_left: np.ndarray) -> float:
    """Entropy drop when ``y`` is split into ``y[goes_left]`` and ``y[~goes_left]``."""
    n, n_left = len(y), int(goes_left.sum())
    if n_left in (0, n):  # a split that separates nothing gains nothing
        return 0.0
    children = n_left / n * entropy(y[goes_left]) + (n - n_left) / n * entropy(y[~goes_left])
    return entropy(y) - children


def best_split(X: np.ndarray, y: np.ndarray) -> Split:
    """Exhaustive search over features and midpoint thresholds for the highest information gain.

    Ties keep the first (lowest feature index, lowest threshold) split found.
    """
    X = np.asarray(X, dtype=float)  # (n, d)
    best = Split(feature=-1, threshold=np.nan, gain=-1.0, parent_entropy=entropy(y))
    for feature in range(X.shape[1]):
        values = np.unique(X[:, feature])
        for threshold in (values[:-1] + values[1:]) / 2:  # midpoints between distinct values
            gain = information_gain(y, X[:, feature] <= threshold)
            if gain > best.gain + 1e-12:
                best = Split(feature, float(threshold), gain, best.parent_entropy)
    return best


def compare_root_split(X: np.ndarray, y: np.ndarray, names: list[str]) -> dict[str, float | str]:
    """:func:`best_split` beside the root of ``DecisionTreeClassifier(criterion="entropy")``.

    scikit-learn stores each node's entropy (``impurity``) and size, so its root's information
    gain is the parent's entropy minus the size-weighted entropies of the two children.
    """
    hand = best_split(X, y)
    tree = DecisionTreeClassifier(criterion="entropy", max_depth=1).fit(X, y).tree_
    left, right = tree.children_left[0], tree.children_right[0]
    n, impurity = tree.weighted_n_node_samples, tree.impurity
    children = (n[left] * impurity[left] + n[right] * impurity[right]) / n[0]
    return {
        "hand_feature": names[hand.feature],
        "hand_threshold": hand.threshold,
        "hand_gain": hand.gain,
        "sklearn_feature": names[tree.feature[0]],
        "sklearn_threshold": float(tree.threshold[0]),
        "sklearn_gain": float(impurity[0] - children),
    }

"""Month 1's logistic regression by gradient descent lands where scikit-learn's L-BFGS does."""

from __future__ import annotations

from m2_classical_ml.logistic import compare_logistic
from m2_classical_ml.titanic_features import TitanicFeatures, features_and_labels
from roadmap_data import load_titanic


def test_gradient_descent_matches_logistic_regression_on_titanic() -> None:
    X, y = features_and_labels(load_titanic())
    # family_size = sibsp + parch + 1 is an exact linear combination: without a penalty its weight
    # would not be unique, so the comparison uses the other columns
    table = TitanicFeatures().fit_transform(X).drop(columns=["family_size"])
    gaps = compare_logistic(table.to_numpy(), y)
    assert gaps["max_weight_gap"] < 1e-4
    assert gaps["max_probability_gap"] < 1e-4
    assert gaps["accuracy_descent"] == gaps["accuracy_library"]
    assert (
        0.78 < gaps["accuracy_library"] < 0.84
    )  # training accuracy of a linear model on 1309 rows

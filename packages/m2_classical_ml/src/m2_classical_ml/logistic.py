"""Logistic regression: month 1's gradient descent against ``sklearn.linear_model.LogisticRegression``.

The model is a linear score squashed into a probability, ``p = σ(Xw + b)``, trained by minimising
the mean cross-entropy. Month 1 wrote the gradient, ``Xᵀ(p − y) / n``, and the descent loop by hand
(``fit_logistic_regression``); scikit-learn minimises the same loss with L-BFGS, a quasi-Newton
method that needs far fewer steps. With the penalty switched off (``C=np.inf``; scikit-learn's
default ``C=1.0`` adds an L2 penalty) both land on the same weights, so the same probabilities.
"""

from __future__ import annotations

import numpy as np
from sklearn.linear_model import LogisticRegression

from m1_foundations.gradient_descent import fit_logistic_regression, sigmoid, standardize


def compare_logistic(
    X: np.ndarray, y: np.ndarray, learning_rate: float = 0.5, epochs: int = 2000
) -> dict[str, float]:
    """Fit both on standardised ``X``; the largest weight and probability gaps, and accuracies."""
    X_std, _, _ = standardize(np.asarray(X, dtype=float))
    descent = fit_logistic_regression(X_std, y, learning_rate, epochs)
    library = LogisticRegression(C=np.inf, max_iter=10_000, tol=1e-10).fit(X_std, y)
    p_descent = sigmoid(X_std @ descent.weights + descent.bias)  # (n,)
    p_library = library.predict_proba(X_std)[:, 1]  # (n,)
    weights_descent = np.r_[descent.weights, descent.bias]
    weights_library = np.r_[library.coef_[0], library.intercept_]
    return {
        "max_weight_gap": float(np.abs(weights_descent - weights_library).max()),
        "max_probability_gap": float(np.abs(p_descent - p_library).max()),
        "accuracy_descent": float(np.mean((p_descent > 0.5) == y)),
        "accuracy_library": float(np.mean((p_library > 0.5) == y)),
    }

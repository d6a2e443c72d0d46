"""Ridge and Lasso: least squares plus a price on large weights.

- **Ridge** minimises ``‖Xw − y‖² + α‖w‖²``. The penalty keeps the closed form:
  ``w = (XᵀX + αI)⁻¹ Xᵀy`` on centred data (the intercept is not penalised), so
  :func:`ridge_closed_form` matches ``sklearn.linear_model.Ridge`` exactly. Weights shrink smoothly
  towards zero as α grows, but none becomes exactly zero.
- **Lasso** minimises ``(1/2n)‖Xw − y‖² + α‖w‖₁``. The absolute value has a kink at zero, so
  weights hit exactly zero one after another: Lasso *selects* features. No closed form;
  scikit-learn uses coordinate descent.

The **regularisation path** (each weight against α) shows both behaviours in one plot, and the
count of zeroed Lasso weights is the number of features it dropped.
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import Lasso, Ridge


def ridge_closed_form(X: np.ndarray, y: np.ndarray, alpha: float) -> tuple[np.ndarray, float]:
    """Ridge weights and intercept: solve ``(XcᵀXc + αI) w = Xcᵀyc`` on centred Xc, yc."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean  # centring removes the intercept from the penalty
    weights = np.linalg.solve(Xc.T @ Xc + alpha * np.eye(X.shape[1]), Xc.T @ yc)
    return weights, float(y_mean - x_mean @ weights)


def regularization_path(
    X: np.ndarray, y: np.ndarray, ridge_alphas: np.ndarray, lasso_alphas: np.ndarray
) -> dict[str, np.ndarray]:
    """Ridge and Lasso weights for every alpha (each ``(n_alphas, n_features)``) and Lasso's zeros."""
    ridge = np.array([Ridge(alpha=a).fit(X, y).coef_ for a in ridge_alphas])
    with warnings.catch_warnings():  # the tiniest alphas converge slowly; the path is still right
        warnings.simplefilter("ignore", ConvergenceWarning)
        lasso = np.array([Lasso(alpha=a, max_iter=20_000).fit(X, y).coef_ for a in lasso_alphas])
    return {"ridge": ridge, "lasso": lasso, "lasso_zeros": (lasso == 0).sum(axis=1)}

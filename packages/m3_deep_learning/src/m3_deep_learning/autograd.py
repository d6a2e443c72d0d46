"""Autograd: PyTorch computes the gradients that month 1 derived by hand.

Month 1 (``m1_foundations.gradient_descent``) worked out, on paper, that for linear regression
``∂MSE/∂w = (2/n) Xᵀ(ŷ − y)`` and for logistic regression ``∂BCE/∂w = (1/n) Xᵀ(σ(Xw + b) − y)``.
Here we only write the *forward* computation (the loss) and let autograd do the calculus:

    w = torch.tensor(weights, requires_grad=True)   # 1. ask PyTorch to track w
    loss = ((X @ w + b - y) ** 2).mean()            # 2. compute the loss as usual (records a graph)
    loss.backward()                                 # 3. walk the graph backwards (chain rule)
    w.grad                                          # 4. ∂loss/∂w, same shape as w

``tests/test_autograd.py`` checks that both routes give the same numbers, which is the best
evidence that the hand derivation (and your understanding of it) is right. The last function
shows the two facts that surprise everyone once: gradients *accumulate* until you zero them,
and tensors created under ``torch.no_grad()`` are not tracked.
"""

from __future__ import annotations

import numpy as np
import torch
from torch.nn import functional as F


def _leaves(
    X: np.ndarray, y: np.ndarray, weights: np.ndarray, bias: float
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """Data as constants, parameters as leaves that autograd tracks (float64 to match NumPy)."""
    X_t = torch.as_tensor(X, dtype=torch.float64)  # (n, d)
    y_t = torch.as_tensor(y, dtype=torch.float64)  # (n,)
    w = torch.tensor(weights, dtype=torch.float64, requires_grad=True)  # (d,)
    b = torch.tensor(float(bias), dtype=torch.float64, requires_grad=True)  # ()
    return X_t, y_t, w, b


def linear_regression_gradients(
    X: np.ndarray, y: np.ndarray, weights: np.ndarray, bias: float
) -> tuple[np.ndarray, float]:
    """∂MSE/∂w and ∂MSE/∂b by autograd: write the loss, call ``backward()``, read ``.grad``."""
    X_t, y_t, w, b = _leaves(X, y, weights, bias)
    loss = ((X_t @ w + b - y_t) ** 2).mean()
    loss.backward()
    return w.grad.numpy(), float(b.grad)  # type: ignore[union-attr]


def logistic_regression_gradients(
    X: np.ndarray, y: np.ndarray, weights: np.ndarray, bias: float
) -> tuple[np.ndarray, float]:
    """∂BCE/∂w and ∂BCE/∂b by autograd.

    ``binary_cross_entropy_with_logits`` takes the raw score z = Xw + b and applies the sigmoid
    inside, in a numerically stable form (no log(0) for confident predictions): the way to
    write this loss in real code.
    """
    X_t, y_t, w, b = _leaves(X, y, weights, bias)
    loss = F.binary_cross_entropy_with_logits(X_t @ w + b, y_t)
    loss.backward()
    return w.grad.numpy(), float(b.grad)  # type: ignore[union-attr]


def accumulation_demo() -> dict[str, float]:
    """Why the training loop calls ``optimizer.zero_grad()``: ``.grad`` adds up across backwards.

    For f(w) = w² at w = 3 the gradient is 6. Calling backward twice leaves 12 in ``w.grad``;
    after zeroing, one backward gives 6 again. Under ``torch.no_grad()`` nothing is recorded,
    which is what evaluation code wants (less memory, faster).
    """
    w = torch.tensor(3.0, requires_grad=True)
    (w**2).backward()
    once = float(w.grad)  # type: ignore[arg-type]
    (w**2).backward()
    twice = float(w.grad)  # type: ignore[arg-type]
    w.grad = None  # what zero_grad(set_to_none=True) does for every parameter
    (w**2).backward()
    after_zero = float(w.grad)  # type: ignore[arg-type]
    with torch.no_grad():
        tracked = (w**2).requires_grad
    return {"once": once, "twice": twice, "after_zero": after_zero, "no_grad_tracked": tracked}

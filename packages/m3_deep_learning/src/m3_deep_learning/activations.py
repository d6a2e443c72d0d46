"""Activations and their gradients, by hand, next to PyTorch's versions.

Without a non-linearity between them, a stack of linear layers collapses into one linear layer
(``W2(W1 x) = (W2 W1) x``). Activations break that, and their gradients are what backpropagation
multiplies through. Each function here has a hand-written forward *and* backward; the tests check
them against ``torch.relu``/``torch.softmax`` and against autograd.

- **ReLU** ``max(0, z)``: gradient 1 where z > 0, else 0. Cheap, and it does not saturate for
  positive inputs (sigmoid's gradient is at most 0.25, so deep sigmoid nets vanish their gradients).
- **softmax** ``exp(z_i) / Σ_j exp(z_j)``: turns scores (logits) into probabilities. Its Jacobian is
  ``diag(p) − p pᵀ``; backprop never builds that matrix, it uses ``p ⊙ (g − (g·p))``.
- **softmax + cross-entropy**: the gradient of ``−log p_y`` w.r.t. the logits is just ``p − onehot(y)``,
  which is why ``F.cross_entropy`` takes raw logits and why models end without a softmax layer.
"""

from __future__ import annotations

import torch


def relu(z: torch.Tensor) -> torch.Tensor:
    """``max(0, z)`` element-wise."""
    return torch.where(z > 0, z, torch.zeros_like(z))


def relu_backward(z: torch.Tensor, grad_out: torch.Tensor) -> torch.Tensor:
    """Chain rule through ReLU: pass the upstream gradient where z > 0, block it elsewhere.

    (At exactly z = 0 the derivative is undefined; PyTorch, like us, uses 0.)
    """
    return grad_out * (z > 0).to(grad_out.dtype)


def softmax(z: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Probabilities from scores. Subtracting the max first changes nothing mathematically
    (it cancels in the ratio) but keeps ``exp`` from overflowing for large logits."""
    shifted = z - z.amax(dim=dim, keepdim=True)
    exp = shifted.exp()
    return exp / exp.sum(dim=dim, keepdim=True)


def softmax_jacobian(z: torch.Tensor) -> torch.Tensor:
    """The full Jacobian ``∂p_i/∂z_j = p_i (δ_ij − p_j)`` of one vector ``z`` (K,) → (K, K)."""
    p = softmax(z)  # (K,)
    return torch.diag(p) - torch.outer(p, p)


def softmax_backward(z: torch.Tensor, grad_out: torch.Tensor, dim: int = -1) -> torch.Tensor:
    """Vector-Jacobian product without the Jacobian: ``p ⊙ (g − Σ_j g_j p_j)``.

    That is ``Jᵀ g`` for the symmetric J above, in O(K) instead of O(K²) per row.
    """
    p = softmax(z, dim=dim)
    return p * (grad_out - (grad_out * p).sum(dim=dim, keepdim=True))


def cross_entropy(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """Mean ``−log softmax(logits)[y]`` over the batch, via log-sum-exp for stability.

    logits: (B, K) raw scores, targets: (B,) class indices.
    """
    log_probs = logits - torch.logsumexp(logits, dim=1, keepdim=True)  # (B, K)
    return -log_probs.gather(1, targets[:, None]).mean()


def cross_entropy_backward(logits: torch.Tensor, targets: torch.Tensor) -> torch.Tensor:
    """∂(mean cross-entropy)/∂logits = (softmax(logits) − onehot(targets)) / B."""
    p = softmax(logits, dim=1)  # (B, K)
    onehot = torch.nn.functional.one_hot(targets, num_classes=logits.shape[1]).to(p.dtype)
    return (p - onehot) / logits.shape[0]

"""Hand-written activations and their backward passes agree with PyTorch and autograd."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from m3_deep_learning import activations as act


@pytest.fixture
def logits() -> torch.Tensor:
    return torch.randn(6, 5, generator=torch.Generator().manual_seed(0), dtype=torch.float64)


def autograd_vjp(fn, z: torch.Tensor, grad_out: torch.Tensor) -> torch.Tensor:
    """What ``loss.backward()`` computes for ``z`` when the upstream gradient is ``grad_out``."""
    z = z.clone().requires_grad_(True)
    fn(z).backward(grad_out)
    return z.grad


def test_relu_forward_and_backward(logits: torch.Tensor) -> None:
    torch.testing.assert_close(act.relu(logits), torch.relu(logits))
    upstream = torch.randn_like(logits)
    torch.testing.assert_close(
        act.relu_backward(logits, upstream), autograd_vjp(torch.relu, logits, upstream)
    )


def test_softmax_matches_torch_and_survives_huge_logits(logits: torch.Tensor) -> None:
    torch.testing.assert_close(act.softmax(logits), torch.softmax(logits, dim=-1))
    huge = torch.tensor([1000.0, 1001.0, 1002.0])
    assert torch.isfinite(act.softmax(huge)).all()
    torch.testing.assert_close(act.softmax(huge), torch.softmax(huge, dim=0))


def test_softmax_jacobian_matches_autograd(logits: torch.Tensor) -> None:
    z = logits[0]
    expected = torch.autograd.functional.jacobian(lambda v: torch.softmax(v, dim=0), z)
    torch.testing.assert_close(act.softmax_jacobian(z), expected)


def test_softmax_backward_is_the_jacobian_vector_product(logits: torch.Tensor) -> None:
    upstream = torch.randn_like(logits)
    expected = autograd_vjp(lambda z: torch.softmax(z, dim=-1), logits, upstream)
    torch.testing.assert_close(act.softmax_backward(logits, upstream), expected)
    row = act.softmax_jacobian(logits[0]).T @ upstream[0]
    torch.testing.assert_close(act.softmax_backward(logits, upstream)[0], row)


def test_cross_entropy_and_its_gradient(logits: torch.Tensor) -> None:
    targets = torch.tensor([0, 1, 2, 3, 4, 0])
    torch.testing.assert_close(act.cross_entropy(logits, targets), F.cross_entropy(logits, targets))
    z = logits.clone().requires_grad_(True)
    F.cross_entropy(z, targets).backward()
    torch.testing.assert_close(act.cross_entropy_backward(logits, targets), z.grad)

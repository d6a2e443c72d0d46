"""The five-step training loop, written once and reused by every model of the month.

for x, y in loader:
    logits = model(x)              # 1. forward
    loss = loss_fn(logits, y)      # 2. loss
    optimizer.zero_grad()          # 3. clear old gradients (they accumulate otherwise)
    loss.backward()                # 4. backward: autograd fills every parameter's .grad
    optimizer.step()               # 5. update: w ← w − lr · grad (or Adam's version of it)
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import torch
from torch import nn

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass
class EpochStats:
    loss: float
    accuracy: float
    examples: int


def pick_device(choice: str = "auto") -> torch.device:
    """``auto`` → CUDA when available, else CPU; ``cpu``/``cuda`` are taken as given."""
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    return torch.device(choice)


def train_one_epoch(
    model: nn.Module,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    optimizer: torch.optim.Optimizer,
    loss_fn: LossFn = nn.functional.cross_entropy,
    device: torch.device | str = "cpu",
) -> EpochStats:
    """One pass over ``batches`` with the five steps; returns mean loss and accuracy seen."""
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in batches:
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        logits = model(x)
        loss = loss_fn(logits, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        total_loss += loss.item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return EpochStats(total_loss / max(seen, 1), correct / max(seen, 1), seen)


@torch.no_grad()
def evaluate(
    model: nn.Module,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    loss_fn: LossFn = nn.functional.cross_entropy,
    device: torch.device | str = "cpu",
) -> EpochStats:
    """Mean loss and accuracy without gradients (eval mode: dropout off, batch norm frozen)."""
    model.eval()
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in batches:
        x, y = x.to(device), y.to(device)
        logits = model(x)
        total_loss += loss_fn(logits, y).item() * len(y)
        correct += (logits.argmax(dim=1) == y).sum().item()
        seen += len(y)
    return EpochStats(total_loss / max(seen, 1), correct / max(seen, 1), seen)

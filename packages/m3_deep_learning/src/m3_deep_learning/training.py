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
from typing import Literal

import numpy as np
import torch
from torch import nn

from m3_deep_learning.errors import DeepLearningError
from roadmap_data.runkit import RunConfig, require_at_least

LossFn = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]


@dataclass
class EpochStats:
    """Mean loss and accuracy over the ``examples`` seen in one pass."""

    loss: float
    accuracy: float
    examples: int


def pick_device(choice: str = "auto") -> torch.device:
    """``auto`` → CUDA when available, else CPU; ``cpu``/``cuda`` are taken as given.

    Asking for ``cuda`` on a machine without a usable GPU is a clear error now, not a
    traceback from deep inside the first ``.to(device)``.
    """
    if choice == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if choice.startswith("cuda") and not torch.cuda.is_available():
        raise DeepLearningError("--device cuda: no CUDA GPU is available here (use auto or cpu)")
    return torch.device(choice)


@dataclass(frozen=True, kw_only=True)
class TorchRunConfig(RunConfig):
    """What every training command of the month shares: where tensors live, how many CPU threads."""

    device: Literal["auto", "cpu", "cuda"] = "auto"
    """auto (CUDA when present), cpu or cuda."""
    threads: int | None = None
    """CPU threads for torch (None: its default, one per core). 1 is faster on a busy machine and
    for tiny tensors, which are not worth splitting (the tiny presets of transfer and sentiment)."""

    def validate(self) -> None:
        require_at_least(1, threads=self.threads)

    def setup_torch(self) -> torch.device:
        """Set torch's CPU threads (when ``threads`` is given) and choose the device."""
        if self.threads:
            torch.set_num_threads(self.threads)
        return pick_device(self.device)


def train_one_epoch(
    model: nn.Module,
    batches: Iterable[tuple[torch.Tensor, torch.Tensor]],
    optimizer: torch.optim.Optimizer,
    loss_fn: LossFn = nn.functional.cross_entropy,
    device: torch.device | str = "cpu",
    scheduler: torch.optim.lr_scheduler.LRScheduler | None = None,
) -> EpochStats:
    """One pass over ``batches`` with the five steps; returns mean loss and accuracy seen.

    ``scheduler``, when given, is stepped after every optimizer step (per-batch schedules such
    as OneCycleLR); per-epoch schedules such as StepLR are stepped by the caller instead.
    """
    model.train()
    total_loss, correct, seen = 0.0, 0, 0
    for x, y in batches:
        x, y = x.to(device, non_blocking=True), y.to(device, non_blocking=True)
        logits = model(x)
        loss = loss_fn(logits, y)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        if scheduler is not None:
            scheduler.step()
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


@torch.no_grad()
def predict(
    model: nn.Module, x: torch.Tensor, device: torch.device | str, batch_size: int = 1000
) -> tuple[np.ndarray, np.ndarray]:
    """Predicted class and its softmax probability for every image of ``x`` (N, 1, 28, 28)."""
    model.eval()
    classes, confidences = [], []
    for start in range(0, len(x), batch_size):
        probs = model(x[start : start + batch_size].to(device)).softmax(dim=1)  # (B, 10)
        confidence, predicted = probs.max(dim=1)
        classes.append(predicted.cpu())
        confidences.append(confidence.cpu())
    return torch.cat(classes).numpy(), torch.cat(confidences).numpy()

"""What ``train-mnist`` can be told: one typed config, named presets, and the recipe it implies.

Our recipe (preset ``cpu``, the default) is built to converge in few epochs on a small CPU:

- **AdamW + OneCycleLR**: the learning rate warms up from lr/25 to ``lr`` over the first quarter
  of the steps, then anneals to almost zero. The high middle phase explores fast; the long tail
  settles into a good minimum, so the *last* epoch is usually the best.
- **label smoothing 0.1**: the target is 90 % on the true class and the rest spread evenly, which
  stops the network from chasing ever-larger logits on easy digits.
- **random shifts** of ±2 pixels on each batch (``mnist.data.random_shift``).

The ``reference`` preset is the pytorch/examples recipe: Adadelta (lr 1.0), StepLR (×0.7 per
epoch), batch 64, no augmentation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import partial
from typing import ClassVar, Literal

import torch
from torch import nn
from torch.nn import functional as F

from m3_deep_learning.training import LossFn, TorchRunConfig
from roadmap_data.runkit import require, require_at_least
from roadmap_data.runkit.tracking import TrackingConfig


@dataclass(frozen=True, kw_only=True)
class TrainConfig(TrackingConfig, TorchRunConfig):
    """One ``train-mnist`` run (``TrackingConfig``: --mlflow, --mlflow-uri, --register; the
    registry ranks MNIST models by test accuracy)."""

    PRESETS: ClassVar = {
        "tiny": {"epochs": 2, "batch_size": 64, "train_size": 2000, "val_size": 0,
                 "test_size": 1000, "progress": False},
        "cpu": {},
        "full": {"epochs": 10},
        "reference": {"model": "reference", "optimizer": "adadelta", "lr": 1.0, "schedule": "step",
                      "batch_size": 64, "weight_decay": 0.0, "label_smoothing": 0.0, "max_shift": 0},
    }  # fmt: skip

    model: Literal["cnn", "mlp", "reference"] = "cnn"
    """Network: cnn (ours, BatchNorm, pools early), mlp (dense baseline) or reference (pytorch/examples)."""
    epochs: int = 3
    """Passes over the training images."""
    batch_size: int = 128
    """Images per optimizer step (per process under torchrun)."""
    optimizer: Literal["adamw", "sgd", "adadelta"] = "adamw"
    """adamw, sgd (Nesterov momentum 0.9) or adadelta."""
    lr: float = 0.01
    """Peak learning rate (onecycle) or the constant/initial one (step, constant)."""
    schedule: Literal["onecycle", "step", "constant"] = "onecycle"
    """Learning-rate schedule: onecycle (per step), step (×0.7 per epoch) or constant."""
    weight_decay: float = 5e-4
    """L2-style shrinkage of the weights at every step (decoupled, as AdamW does it)."""
    label_smoothing: float = 0.1
    """Probability mass moved from the true class to the others in the loss target."""
    max_shift: int = 2
    """Random translation of each training image by up to this many pixels (0: none)."""
    train_size: int | None = None
    """Training images (None: all 60000 minus the validation images)."""
    val_size: int = 5000
    """Training images held out to choose the best epoch's checkpoint (0: keep the last epoch)."""
    test_size: int | None = None
    """Test images to report on (None: the whole 10k test set)."""
    progress: bool = True
    """Show a tqdm progress bar per epoch."""

    def validate(self) -> None:
        super().validate()
        require_at_least(1, epochs=self.epochs, batch_size=self.batch_size,
                         train_size=self.train_size, test_size=self.test_size)  # fmt: skip
        require_at_least(0, max_shift=self.max_shift)
        require(0 <= self.val_size <= 30000,
                f"val_size must be between 0 and 30000, not {self.val_size}")  # fmt: skip


@dataclass
class Recipe:
    """Loss, optimizer and learning-rate schedule of one run, and when the schedule steps."""

    loss: LossFn
    optimizer: torch.optim.Optimizer
    scheduler: torch.optim.lr_scheduler.LRScheduler
    per_batch: bool
    """True: the scheduler steps after every batch (OneCycleLR); False: after every epoch."""

    @property
    def batch_scheduler(self) -> torch.optim.lr_scheduler.LRScheduler | None:
        """What ``training.train_one_epoch`` should step after each batch (None: nothing)."""
        return self.scheduler if self.per_batch else None

    def end_epoch(self) -> None:
        """Step a per-epoch schedule (StepLR); per-batch schedules have already moved."""
        if not self.per_batch:
            self.scheduler.step()


def make_recipe(config: TrainConfig, model: nn.Module, steps_per_epoch: int) -> Recipe:
    """Cross-entropy with the configured label smoothing, the optimizer and its schedule."""
    loss = partial(F.cross_entropy, label_smoothing=config.label_smoothing)
    params = model.parameters()
    if config.optimizer == "adamw":
        optimizer: torch.optim.Optimizer = torch.optim.AdamW(
            params, lr=config.lr, weight_decay=config.weight_decay
        )
    elif config.optimizer == "sgd":
        optimizer = torch.optim.SGD(
            params, lr=config.lr, momentum=0.9, nesterov=True, weight_decay=config.weight_decay
        )
    else:
        optimizer = torch.optim.Adadelta(params, lr=config.lr, weight_decay=config.weight_decay)
    if config.schedule == "onecycle":
        total = max(1, steps_per_epoch * config.epochs)
        scheduler = torch.optim.lr_scheduler.OneCycleLR(
            optimizer, max_lr=config.lr, total_steps=total, pct_start=0.25
        )
        return Recipe(loss, optimizer, scheduler, per_batch=True)
    gamma = 0.7 if config.schedule == "step" else 1.0
    scheduler = torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=gamma)
    return Recipe(loss, optimizer, scheduler, per_batch=False)


def steps_per_epoch(images_per_rank: int, batch_size: int) -> int:
    """Optimizer steps in one epoch: the last, partial batch counts as one."""
    return math.ceil(images_per_rank / batch_size)

"""What ``train-mnist`` can be told: one typed config, named presets, and the optimiser it implies.

Our recipe (preset ``cpu``, the default) is built to converge in few epochs on a small CPU:

- **AdamW + OneCycleLR**: the learning rate warms up from lr/25 to ``lr`` over the first quarter
  of the steps, then anneals to almost zero. The high middle phase explores fast; the long tail
  settles into a good minimum, so the *last* epoch is usually the best.
- **label smoothing 0.1**: the target is 90 % on the true class and the rest spread evenly, which
  stops the network from chasing ever-larger logits on easy digits.
- **random shifts** of ±2 pixels on each batch (``mnist_data.random_shift``).

The ``reference`` preset is the pytorch/examples recipe: Adadelta (lr 1.0), StepLR (×0.7 per
epoch), batch 64, no augmentation.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from functools import partial

import torch
from torch import nn
from torch.nn import functional as F

from m3_deep_learning.config import ConfigError, from_dict
from m3_deep_learning.training import LossFn


@dataclass(frozen=True)
class TrainConfig:
    """One ``train-mnist`` run."""

    model: str = "cnn"
    """Network: cnn (ours, BatchNorm, pools early), mlp (dense baseline) or reference (pytorch/examples)."""
    epochs: int = 3
    """Passes over the training images."""
    batch_size: int = 128
    """Images per optimizer step (per process under torchrun)."""
    optimizer: str = "adamw"
    """adamw, sgd (Nesterov momentum 0.9) or adadelta."""
    lr: float = 0.01
    """Peak learning rate (onecycle) or the constant/initial one (step, constant)."""
    schedule: str = "onecycle"
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
    seed: int = 0
    """Seed of weights initialisation, shuffling, augmentation and the data split."""
    device: str = "auto"
    """auto (CUDA when present), cpu or cuda."""
    threads: int | None = None
    """CPU threads for torch (None: its default, one per core; 1 is faster on a busy machine)."""
    out: str | None = None
    """Output folder (None: data/runs/train-mnist)."""
    progress: bool = True
    """Show a tqdm progress bar per epoch."""
    mlflow: bool = False
    """Log params, metrics and artefacts to MLflow."""
    mlflow_uri: str | None = None
    """MLflow tracking URI (None: a file store in <out>/mlruns)."""


PRESETS: dict[str, TrainConfig] = {
    "cpu": TrainConfig(),
    "full": TrainConfig(epochs=10),
    "tiny": TrainConfig(
        epochs=2, batch_size=64, train_size=2000, val_size=0, test_size=1000, progress=False
    ),
    "reference": TrainConfig(
        model="reference",
        optimizer="adadelta",
        lr=1.0,
        schedule="step",
        batch_size=64,
        weight_decay=0.0,
        label_smoothing=0.0,
        max_shift=0,
    ),
}
CHOICES = {
    "model": ("cnn", "mlp", "reference"),
    "optimizer": ("adamw", "sgd", "adadelta"),
    "schedule": ("onecycle", "step", "constant"),
    "device": ("auto", "cpu", "cuda"),
}


def make_config(preset: str = "cpu", **overrides: object) -> TrainConfig:
    """A preset with some fields changed; unknown presets, keys or choices are errors."""
    if preset not in PRESETS:
        raise ConfigError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    config = from_dict(TrainConfig, overrides, base=PRESETS[preset])
    for name, allowed in CHOICES.items():
        if getattr(config, name) not in allowed:
            raise ConfigError(
                f"{name} must be one of {', '.join(allowed)}, not {getattr(config, name)!r}"
            )
    if config.threads is not None and config.threads < 1:
        raise ConfigError("threads must be at least 1")
    if config.train_size is not None and config.train_size < 1:
        raise ConfigError(f"train_size must be at least 1, not {config.train_size}")
    if not 0 <= config.val_size <= 30000:
        raise ConfigError(f"val_size must be between 0 and 30000, not {config.val_size}")
    if config.test_size is not None and config.test_size < 1:
        raise ConfigError(f"test_size must be at least 1, not {config.test_size}")
    if config.epochs < 1 or config.batch_size < 1:
        raise ConfigError("epochs and batch_size must be at least 1")
    return config


def as_dict(config: TrainConfig) -> dict[str, object]:
    return dataclasses.asdict(config)


def make_loss(config: TrainConfig) -> LossFn:
    """Cross-entropy on logits, with the configured label smoothing."""
    return partial(F.cross_entropy, label_smoothing=config.label_smoothing)


def make_optimizer(
    config: TrainConfig, model: nn.Module, steps_per_epoch: int
) -> tuple[torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler, bool]:
    """Optimizer, scheduler, and whether the scheduler steps per batch (else per epoch)."""
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
        return optimizer, scheduler, True
    gamma = 0.7 if config.schedule == "step" else 1.0
    return optimizer, torch.optim.lr_scheduler.StepLR(optimizer, step_size=1, gamma=gamma), False


def steps_per_epoch(images_per_rank: int, batch_size: int) -> int:
    return math.ceil(images_per_rank / batch_size)

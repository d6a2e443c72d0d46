"""What ``transfer-learn`` can be told: backbone, modes, how many digits, how long to train."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

from m3_deep_learning.training import TorchRunConfig
from roadmap_data.runkit import require, require_at_least

Mode = Literal["head", "finetune", "scratch"]


@dataclass(frozen=True, kw_only=True)
class TransferConfig(TorchRunConfig):
    """One ``transfer-learn`` run: ``cpu`` (64-px inputs), ``full`` (224 px) or ``tiny`` (seconds)."""

    PRESETS: ClassVar = {
        "tiny": {"n_train": 100, "n_test": 200, "image_size": 32, "head_epochs": 30, "epochs": 2,
                 "threads": 1},
        "cpu": {},
        "full": {"image_size": 224, "n_test": 10_000, "epochs": 30},
    }  # fmt: skip

    backbone: Literal["efficientnet-lite0", "resnet18"] = "efficientnet-lite0"
    """Pretrained network: efficientnet-lite0 (offline weights) or resnet18 (downloads)."""
    modes: tuple[Mode, ...] = ("head", "finetune", "scratch")
    """Which of head / finetune / scratch to run."""
    n_train: int = 500
    """Labelled training digits, the same number of each class (a multiple of 10)."""
    n_test: int = 1000
    """Held-out MNIST test digits that every mode is scored on."""
    image_size: int = 64
    """Digits are upsampled to image_size² RGB; 224 is what ImageNet saw, 64 is 12× cheaper."""
    head_epochs: int = 100
    """Epochs for the head-only mode (cheap: it trains on cached features)."""
    epochs: int = 10
    """Epochs for finetune and scratch (the same budget for both)."""
    lr: float = 1e-3
    """AdamW learning rate for every mode."""
    batch_size: int = 50
    """Images per optimisation step."""

    def validate(self) -> None:
        super().validate()
        require(self.n_train >= 10 and self.n_train % 10 == 0,
                f"n_train must be a positive multiple of 10 (got {self.n_train})")  # fmt: skip
        require(bool(self.modes), "modes: name at least one of head, finetune, scratch")
        require_at_least(32, image_size=self.image_size)
        require_at_least(1, n_test=self.n_test, head_epochs=self.head_epochs, epochs=self.epochs,
                         batch_size=self.batch_size)  # fmt: skip

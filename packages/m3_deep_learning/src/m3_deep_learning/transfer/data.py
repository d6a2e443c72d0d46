"""A small labelled image set for transfer learning: a few hundred MNIST digits as RGB images.

ImageNet backbones expect 3-channel colour images of a few hundred pixels, normalised the way the
weights were trained. MNIST digits are 1-channel 28×28, so each batch is upsampled (bilinear),
repeated over 3 channels and normalised on the fly: storing 1000 digits at 3×224×224 in float32
would take 600 MB, storing them as 28×28 bytes takes 0.8 MB.

"Few images" is the point: with 50 examples per class a 4.6 M-parameter network trained from
scratch has little to learn from, while features learned on 1.28 M photos transfer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import torch
from torch import nn

from m3_deep_learning.errors import DeepLearningError
from roadmap_data import load_mnist

Transform = Callable[[torch.Tensor], torch.Tensor]


@dataclass
class FewShotDigits:
    """``n_train`` stratified training digits and ``n_test`` test digits, as uint8 tensors."""

    x_train: torch.Tensor  # (N, 28, 28) uint8
    y_train: torch.Tensor  # (N,) int64
    x_test: torch.Tensor  # (M, 28, 28) uint8
    y_test: torch.Tensor  # (M,) int64


@lru_cache(maxsize=1)
def _mnist() -> dict[str, np.ndarray]:
    """MNIST, read once per process (decompressing 70k digits takes seconds)."""
    return load_mnist()


def few_shot_mnist(n_train: int, n_test: int, seed: int) -> FewShotDigits:
    """``n_train // 10`` random training digits of each class and ``n_test`` random test digits."""
    if n_train < 10 or n_train % 10:
        raise DeepLearningError(f"n_train must be a positive multiple of 10 (got {n_train})")
    mnist = _mnist()
    if n_train > 50_000 or not 1 <= n_test <= len(mnist["y_test"]):
        raise DeepLearningError(
            f"n_train ≤ 50000 and 1 ≤ n_test ≤ {len(mnist['y_test'])} (got {n_train}, {n_test})"
        )
    rng = np.random.default_rng(seed)
    per_class = n_train // 10
    train_idx = np.concatenate(
        [
            rng.choice(np.flatnonzero(mnist["y_train"] == c), per_class, replace=False)
            for c in range(10)
        ]
    )
    rng.shuffle(train_idx)
    test_idx = rng.choice(len(mnist["y_test"]), n_test, replace=False)
    return FewShotDigits(
        torch.from_numpy(mnist["x_train"][train_idx]),
        torch.from_numpy(mnist["y_train"][train_idx].astype(np.int64)),
        torch.from_numpy(mnist["x_test"][test_idx]),
        torch.from_numpy(mnist["y_test"][test_idx].astype(np.int64)),
    )


def digits_to_rgb(
    digits: torch.Tensor, size: int, mean: tuple[float, ...], std: tuple[float, ...]
) -> torch.Tensor:
    """uint8 digits (B, 28, 28) → normalised float images (B, 3, size, size)."""
    x = digits.float().div(255).unsqueeze(1)  # (B, 1, 28, 28) in [0, 1]
    x = nn.functional.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    x = x.expand(-1, 3, -1, -1)  # (B, 3, size, size): grey → RGB without copying
    return (x - torch.tensor(mean).view(1, 3, 1, 1)) / torch.tensor(std).view(1, 3, 1, 1)


def batches(
    x: torch.Tensor,
    y: torch.Tensor,
    batch_size: int,
    generator: torch.Generator | None = None,
    transform: Transform | None = None,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Mini-batches of ``(transform(x), y)``; shuffled when a ``generator`` is given."""
    order = torch.randperm(len(y), generator=generator) if generator is not None else None
    for start in range(0, len(y), batch_size):
        index = (
            order[start : start + batch_size]
            if order is not None
            else slice(start, start + batch_size)
        )
        xb = x[index]
        yield (transform(xb) if transform else xb), y[index]

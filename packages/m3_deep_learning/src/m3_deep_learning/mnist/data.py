"""MNIST as tensors in memory, mini-batches by index, and random shifts done on the batch.

MNIST is small (60k images × 784 bytes = 47 MB), so the fastest input pipeline is no pipeline:
keep the whole standardised set as one float tensor and cut batches out of it with a shuffled
index. No ``DataLoader`` workers, no per-image Python: on a 2-core machine that matters.

Augmentation is a random translation of each digit by up to ``max_shift`` pixels, done for the
whole batch with one padded gather. Seeing digits off-centre teaches the network that position
does not change the class, which is worth about 0.1-0.2 points of test accuracy here.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np
import torch
from torch.nn import functional as F

from m3_deep_learning.tensors import images_to_batch
from roadmap_data import load_mnist

MEAN, STD = 0.1307, 0.3081  # pixel mean and std of the MNIST training set (after /255)
BACKGROUND = (0.0 - MEAN) / STD  # a black pixel after standardisation


@dataclass
class MnistTensors:
    """Standardised images ``(N, 1, 28, 28)`` float32 and labels ``(N,)`` int64 for each split.

    ``val`` is carved out of the official training set: it picks the best epoch's checkpoint,
    so the test set is looked at once, at the end, and its accuracy stays an honest estimate.
    """

    x_train: torch.Tensor
    y_train: torch.Tensor
    x_val: torch.Tensor
    y_val: torch.Tensor
    x_test: torch.Tensor
    y_test: torch.Tensor
    raw_test: np.ndarray  # uint8 (N, 28, 28), for plotting the misclassified digits


@cache
def _mnist_arrays() -> dict[str, np.ndarray]:
    """The registry's uint8 arrays, read once per process (several runs in one test session)."""
    return load_mnist()


def load_mnist_tensors(
    train_size: int | None = None, val_size: int = 0, test_size: int | None = None, seed: int = 0
) -> MnistTensors:
    """MNIST from the data registry, split train/val/test.

    A seeded shuffle of the 60k training images gives ``val_size`` validation images and the
    next ``train_size`` for training (None: all the rest); ``test_size`` takes a seeded subset
    of the 10k test images (None: all of them).
    """
    data = _mnist_arrays()
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(data["y_train"]))
    val_idx = np.sort(order[:val_size])
    train_idx = np.sort(order[val_size:] if train_size is None else order[val_size:][:train_size])
    test_idx = np.arange(len(data["y_test"]))
    if test_size is not None and test_size < len(test_idx):
        test_idx = np.sort(rng.choice(len(test_idx), size=test_size, replace=False))

    def split(x: np.ndarray, y: np.ndarray, idx: np.ndarray) -> tuple[torch.Tensor, torch.Tensor]:
        return images_to_batch(x[idx], MEAN, STD), torch.from_numpy(y[idx].astype(np.int64))

    x_train, y_train = split(data["x_train"], data["y_train"], train_idx)
    x_val, y_val = split(data["x_train"], data["y_train"], val_idx)
    x_test, y_test = split(data["x_test"], data["y_test"], test_idx)
    return MnistTensors(x_train, y_train, x_val, y_val, x_test, y_test, data["x_test"][test_idx])


def random_shift(
    x: torch.Tensor, max_shift: int, generator: torch.Generator | None = None
) -> torch.Tensor:
    """Translate each image of ``x`` (B, 1, H, W) by its own random (dy, dx) in [−s, s].

    Pad every side by ``s`` with background, then read an H×W window starting at a random
    offset in [0, 2s]: offset s is the original image. One advanced-indexing gather does it
    for the whole batch.
    """
    if max_shift == 0:
        return x
    b, _, h, w = x.shape
    s = max_shift
    padded = F.pad(x, (s, s, s, s), value=BACKGROUND)  # (B, 1, H+2s, W+2s)
    dy = torch.randint(0, 2 * s + 1, (b,), generator=generator)  # (B,)
    dx = torch.randint(0, 2 * s + 1, (b,), generator=generator)  # (B,)
    rows = (dy[:, None] + torch.arange(h))[:, :, None]  # (B, H, 1)
    cols = (dx[:, None] + torch.arange(w))[:, None, :]  # (B, 1, W)
    batch = torch.arange(b)[:, None, None]  # (B, 1, 1)
    return padded[batch, 0, rows, cols].unsqueeze(1)  # (B, 1, H, W)


def batches(
    x: torch.Tensor,
    y: torch.Tensor,
    indices: Sequence[int] | torch.Tensor,
    batch_size: int,
    max_shift: int = 0,
    generator: torch.Generator | None = None,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Yield ``(images, labels)`` mini-batches in the order of ``indices`` (shuffled by the caller)."""
    order = torch.as_tensor(indices, dtype=torch.long)
    for start in range(0, len(order), batch_size):
        idx = order[start : start + batch_size]
        yield random_shift(x[idx], max_shift, generator), y[idx]

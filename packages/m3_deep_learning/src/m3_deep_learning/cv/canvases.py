"""Detection and segmentation data from real MNIST digits, with exact answers.

A detection data set needs boxes somebody drew; a segmentation set needs masks somebody painted.
Here the labels are *computed*: take real handwritten digits, resize each one to a random size,
and paste 1-4 of them at random, non-overlapping positions on a larger black canvas (64x64 by
default). Because we put every digit there, we know

- its **box**, exactly: the tightest rectangle around its ink (pixels >= ``INK``), as
  ``(x1, y1, x2, y2)`` in pixel edges: the box covers columns ``x1 .. x2-1`` and rows
  ``y1 .. y2-1``, so ``x2 - x1`` is the width in pixels (the convention of torchvision and COCO);
- its **class**, the MNIST label;
- its **mask**: every ink pixel carries ``digit + 1``, the background 0. We keep the class per
  pixel (semantic segmentation, 11 classes) rather than a binary foreground mask because it holds
  both answers: ``mask > 0`` *is* the binary mask, and the per-class map asks the UNet the harder
  question (which digit is this pixel part of?) that real segmentation asks (road, car, person).

Only the tight crop of each resized digit is pasted, so every non-zero pixel of a canvas lies in
exactly one box, and boxes are at least ``GAP`` pixels apart (no overlap, no touching).
Canvases of the ``train`` and ``dev`` splits use digits of MNIST's training set (images 0-49999
and 50000-59999), ``test`` canvases its test set: no test digit is ever seen in training.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from PIL import Image

from m3_deep_learning.errors import DeepLearningError
from m3_deep_learning.mnist.data import _mnist_arrays

INK = 64
"""A resized pixel counts as ink from this grey level (of 255) up: it defines boxes and masks."""
GAP = 2
"""Smallest distance in pixels between two digits' boxes."""
SPLITS = {"train": ("x_train", 0, 50_000), "dev": ("x_train", 50_000, 60_000),
          "test": ("x_test", 0, 10_000)}  # fmt: skip


@dataclass
class Canvases:
    """``images`` (N, 1, H, W) float32 in [0, 1]; per canvas ``boxes`` (k, 4) float32 xyxy and
    ``labels`` (k,) int64 digits 0-9; ``masks`` (N, H, W) int64: digit + 1 on ink, 0 elsewhere."""

    images: torch.Tensor
    boxes: list[torch.Tensor]
    labels: list[torch.Tensor]
    masks: torch.Tensor

    def __len__(self) -> int:
        return len(self.boxes)

    def subset(self, idx: list[int] | np.ndarray) -> Canvases:
        """The canvases at ``idx`` (a mini-batch or a smaller set), in that order."""
        index = torch.as_tensor(np.asarray(idx), dtype=torch.long)
        return Canvases(self.images[index], [self.boxes[i] for i in index.tolist()],
                        [self.labels[i] for i in index.tolist()], self.masks[index])  # fmt: skip

    @property
    def digits(self) -> int:
        """Number of digits (boxes) over all canvases."""
        return sum(len(b) for b in self.boxes)


def tight_crop(digit: np.ndarray) -> tuple[np.ndarray, tuple[int, int, int, int]] | None:
    """The digit cut to the rows and columns that hold ink, and that box (x1, y1, x2, y2) in
    ``digit``'s own pixels; None when nothing reaches ``INK`` (a blank image)."""
    rows = np.flatnonzero((digit >= INK).any(axis=1))
    cols = np.flatnonzero((digit >= INK).any(axis=0))
    if len(rows) == 0:
        return None
    y1, y2, x1, x2 = rows[0], rows[-1] + 1, cols[0], cols[-1] + 1
    return digit[y1:y2, x1:x2], (int(x1), int(y1), int(x2), int(y2))


def _free(box: tuple[int, int, int, int], placed: list[tuple[int, int, int, int]]) -> bool:
    """True when ``box`` keeps ``GAP`` pixels from every placed box."""
    x1, y1, x2, y2 = box
    return all(x2 + GAP <= a1 or a2 + GAP <= x1 or y2 + GAP <= b1 or b2 + GAP <= y1
               for a1, b1, a2, b2 in placed)  # fmt: skip


def make_canvases(
    n: int,
    split: str = "train",
    size: int = 64,
    max_digits: int = 4,
    digit_sizes: tuple[int, int] = (16, 32),
    seed: int = 0,
) -> Canvases:
    """``n`` seeded canvases of ``size`` x ``size`` with 1-``max_digits`` digits each.

    Each digit is a random MNIST image of ``split``, resized (bilinear) from 28x28 to s x s with
    s drawn uniformly from ``digit_sizes``, cropped to its ink and placed at a random free spot
    (20 tries; a digit that finds no room is left out, the first always fits).
    """
    if split not in SPLITS:
        raise DeepLearningError(f"unknown canvas split {split!r}; choose from {', '.join(SPLITS)}")
    lo, hi = digit_sizes
    if not (8 <= lo <= hi <= size):
        raise DeepLearningError(
            f"digit sizes must satisfy 8 <= min <= max <= {size}, not {lo}, {hi}"
        )
    key, start, stop = SPLITS[split]
    data = _mnist_arrays()
    pool_x, pool_y = data[key][start:stop], data["y" + key[1:]][start:stop]
    rng = np.random.default_rng(seed)
    images = np.zeros((n, size, size), dtype=np.uint8)
    masks = np.zeros((n, size, size), dtype=np.int64)
    boxes, labels = [], []
    for i in range(n):
        placed: list[tuple[int, int, int, int]] = []
        digits: list[int] = []
        for _ in range(rng.integers(1, max_digits + 1)):
            j, s = rng.integers(len(pool_y)), int(rng.integers(lo, hi + 1))
            resized = np.asarray(Image.fromarray(pool_x[j]).resize((s, s), Image.BILINEAR))
            cropped = tight_crop(resized)
            if cropped is None:
                continue
            crop, _ = cropped
            h, w = crop.shape
            for _try in range(20):
                y, x = int(rng.integers(0, size - h + 1)), int(rng.integers(0, size - w + 1))
                if _free((x, y, x + w, y + h), placed):
                    images[i, y : y + h, x : x + w] = crop
                    masks[i, y : y + h, x : x + w] = np.where(crop >= INK, pool_y[j] + 1, 0)
                    placed.append((x, y, x + w, y + h))
                    digits.append(int(pool_y[j]))
                    break
        boxes.append(torch.tensor(placed, dtype=torch.float32).reshape(-1, 4))
        labels.append(torch.tensor(digits, dtype=torch.int64))
    x = torch.from_numpy(images).float().div_(255).unsqueeze(1)  # (N, 1, H, W)
    return Canvases(x, boxes, labels, torch.from_numpy(masks))

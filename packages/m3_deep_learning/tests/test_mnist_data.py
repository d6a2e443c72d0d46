"""MNIST tensors, splits, batches and the batched random shift."""

from __future__ import annotations

import torch

from m3_deep_learning.mnist.data import (
    BACKGROUND,
    MEAN,
    STD,
    batches,
    load_mnist_tensors,
    random_shift,
)


def test_splits_have_the_requested_sizes_and_do_not_overlap() -> None:
    data = load_mnist_tensors(train_size=300, val_size=100, test_size=50, seed=1)
    assert data.x_train.shape == (300, 1, 28, 28) and data.x_val.shape == (100, 1, 28, 28)
    assert data.x_test.shape == (50, 1, 28, 28) and data.raw_test.shape == (50, 28, 28)
    train_images = {x.numpy().tobytes() for x in data.x_train}
    assert not any(x.numpy().tobytes() in train_images for x in data.x_val)
    restored = torch.from_numpy(data.raw_test).float() / 255  # x_test is raw_test standardised
    torch.testing.assert_close(data.x_test[:, 0] * STD + MEAN, restored, atol=1e-5, rtol=0)
    assert set(data.y_train.tolist()) == set(range(10))


def test_random_shift_moves_each_image_by_at_most_max_shift() -> None:
    x = torch.full((64, 1, 28, 28), BACKGROUND)
    x[:, 0, 13, 13] = 5.0  # one bright pixel in the middle of every image
    shifted = random_shift(x, 2, torch.Generator().manual_seed(0))
    assert shifted.shape == x.shape
    rows, cols = (shifted[:, 0] == 5.0).nonzero()[:, 1:].T
    assert len(rows) == 64  # the pixel survives in every image…
    assert (rows - 13).abs().max() <= 2 and (cols - 13).abs().max() <= 2  # …within ±2
    assert len({(r, c) for r, c in zip(rows.tolist(), cols.tolist(), strict=True)}) > 10
    assert torch.equal(random_shift(x, 0), x)


def test_batches_follow_the_given_order() -> None:
    x, y = torch.arange(10.0).reshape(10, 1, 1, 1), torch.arange(10)
    got = [labels.tolist() for _, labels in batches(x, y, [9, 8, 7, 0, 1], batch_size=2)]
    assert got == [[9, 8], [7, 0], [1]]

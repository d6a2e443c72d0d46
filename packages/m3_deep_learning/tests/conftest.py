"""Shared fixtures of m3's tests: one tiny MNIST training run, reused by several test files."""

from __future__ import annotations

import pytest

from m3_deep_learning.mnist.config import TrainConfig
from m3_deep_learning.mnist.train import TrainResult, run


@pytest.fixture(scope="session")
def tiny_mnist_run(tmp_path_factory: pytest.TempPathFactory) -> TrainResult:
    """The ``tiny`` preset: our CNN, 2 epochs on 2000 training images, 1000 test images."""
    return run(TrainConfig.preset("tiny", out=tmp_path_factory.mktemp("tiny-mnist")))

"""Shared fixtures of m3's tests: one tiny MNIST training run, reused by several test files."""

from __future__ import annotations

import pytest

from m3_deep_learning.train_config import make_config
from m3_deep_learning.train_mnist import Result, run


@pytest.fixture(scope="session")
def tiny_mnist_run(tmp_path_factory: pytest.TempPathFactory) -> Result:
    """The ``tiny`` preset: our CNN, 2 epochs on 2000 training images, 1000 test images."""
    out = tmp_path_factory.mktemp("tiny-mnist")
    return run(make_config("tiny", out=str(out)))

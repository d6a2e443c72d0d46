"""Model shapes, the convolution size formula, and state_dict save/load round trips."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
from torch import nn

from m3_deep_learning.checkpoint import save_checkpoint
from m3_deep_learning.errors import CheckpointError, DeepLearningError
from m3_deep_learning.mnist.models import (
    CNN,
    MLP,
    TRAIN_HINT,
    ReferenceNet,
    build_model,
    conv_output_size,
    count_parameters,
    load_trained,
)


@pytest.mark.parametrize(
    ("size", "kernel", "stride", "padding", "dilation"),
    [
        (28, 3, 1, 0, 1),  # "valid": loses kernel − 1 pixels
        (28, 3, 1, 1, 1),  # "same" padding keeps the size
        (28, 3, 2, 1, 1),  # stride 2 halves it
        (28, 5, 2, 2, 1),
        (27, 4, 3, 0, 1),  # the floor in the formula: sizes that do not divide evenly
        (32, 3, 1, 2, 2),  # dilation: a 3×3 kernel spread over 5×5
        (7, 7, 1, 0, 1),  # kernel as large as the input → 1×1
    ],
)
def test_conv_output_size_matches_real_layers(size, kernel, stride, padding, dilation) -> None:
    conv = nn.Conv2d(1, 2, kernel, stride=stride, padding=padding, dilation=dilation)
    pool = nn.MaxPool2d(kernel, stride=stride, padding=min(padding, kernel // 2), dilation=dilation)
    x = torch.zeros(1, 1, size, size)
    expected = conv_output_size(size, kernel, stride, padding, dilation)
    assert conv(x).shape[-2:] == (expected, expected)
    pool_expected = conv_output_size(size, kernel, stride, min(padding, kernel // 2), dilation)
    assert pool(x).shape[-1] == pool_expected


def test_cnn_feature_map_sizes_follow_the_formula() -> None:
    size = 28
    for _ in range(3):  # each block: same-padded 3×3 conv, then 2×2 max pool
        size = conv_output_size(conv_output_size(size, 3, 1, 1), 2, 2)
    assert size == 3
    assert CNN().features(torch.zeros(2, 1, 28, 28)).shape == (2, 64, 3, 3)


@pytest.mark.parametrize("name", ["cnn", "mlp", "reference"])
def test_every_model_maps_a_batch_to_ten_logits(name: str) -> None:
    model = build_model(name).eval()
    assert model(torch.zeros(5, 1, 28, 28)).shape == (5, 10)


def test_our_cnn_is_smaller_than_the_reference_and_the_mlp() -> None:
    assert count_parameters(CNN()) < count_parameters(MLP()) < count_parameters(ReferenceNet())


def test_unknown_model_is_a_clear_error() -> None:
    with pytest.raises(DeepLearningError, match="unknown model 'resnet'"):
        build_model("resnet")


def test_state_dict_round_trip_gives_identical_predictions(tmp_path: Path) -> None:
    torch.manual_seed(0)
    model = CNN()
    model.train()
    model(torch.randn(16, 1, 28, 28))  # move BatchNorm's running statistics off their defaults
    model.eval()
    x = torch.randn(8, 1, 28, 28)
    path = save_checkpoint(tmp_path / "model.pt", "cnn", model, mean=0.1, std=0.3)
    loaded, meta = load_trained(path)
    assert meta == {"model": "cnn", "mean": 0.1, "std": 0.3}
    assert torch.equal(loaded(x), model(x))  # bit-identical, buffers included
    fresh = CNN().eval()
    assert not torch.equal(fresh(x), model(x))  # …which a fresh network is not


def test_missing_or_corrupt_checkpoint_names_the_command_to_run(tmp_path: Path) -> None:
    with pytest.raises(CheckpointError, match="no checkpoint at") as missing:
        load_trained(tmp_path / "nope.pt")
    assert TRAIN_HINT in str(missing.value) and "uv run train-mnist" in TRAIN_HINT
    corrupt = tmp_path / "corrupt.pt"
    corrupt.write_bytes(b"not a checkpoint")
    with pytest.raises(CheckpointError, match="not a usable checkpoint"):
        load_trained(corrupt)
    wrong_shape = tmp_path / "mlp_as_cnn.pt"
    torch.save({"model": "cnn", "state_dict": MLP().state_dict()}, wrong_shape)
    with pytest.raises(CheckpointError, match="not a usable checkpoint"):
        load_trained(wrong_shape)

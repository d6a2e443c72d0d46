"""Tensors vs NumPy: memory sharing, dtypes, devices and the MNIST preprocessing."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from m3_deep_learning.tensors import (
    DTYPES,
    describe,
    images_to_batch,
    shares_memory,
    to_numpy,
    to_tensor,
)


def test_from_numpy_shares_memory_and_torch_tensor_copies() -> None:
    array = np.arange(6, dtype=np.float32).reshape(2, 3)
    view = to_tensor(array)
    copy = to_tensor(array, copy=True)
    assert shares_memory(array, view) and not shares_memory(array, copy)
    array[0, 0] = 100.0  # a write through NumPy shows in the view only
    assert view[0, 0].item() == 100.0 and copy[0, 0].item() == 0.0


def test_changing_dtype_forces_a_copy() -> None:
    array = np.ones(3)  # NumPy's default float is float64
    assert array.dtype == np.float64 and torch.ones(3).dtype == torch.float32
    converted = to_tensor(array, dtype=torch.float32)
    assert converted.dtype == torch.float32 and not shares_memory(array, converted)


@pytest.mark.parametrize("np_dtype", list(DTYPES))
def test_dtype_table_matches_from_numpy(np_dtype: np.dtype) -> None:
    assert torch.from_numpy(np.zeros(2, dtype=np_dtype)).dtype == DTYPES[np_dtype]


def test_numpy_refuses_tracked_tensors_but_to_numpy_detaches() -> None:
    weights = torch.ones(3, requires_grad=True)
    with pytest.raises(RuntimeError, match="requires grad"):
        weights.numpy()
    np.testing.assert_array_equal(to_numpy(weights * 2), [2.0, 2.0, 2.0])


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA GPU")
def test_round_trip_through_the_gpu() -> None:
    array = np.random.default_rng(0).normal(size=(4, 4)).astype(np.float32)
    on_gpu = to_tensor(array, device="cuda")
    assert describe(on_gpu)["device"].startswith("cuda")
    np.testing.assert_array_equal(to_numpy(on_gpu), array)


def test_images_to_batch_scales_centres_and_adds_a_channel() -> None:
    images = np.array([[[0, 255], [255, 0]]], dtype=np.uint8)  # (1, 2, 2)
    batch = images_to_batch(images, mean=0.5, std=0.5)
    assert describe(batch) == {
        "shape": (1, 1, 2, 2),
        "dtype": "float32",
        "device": "cpu",
        "requires_grad": False,
    }
    torch.testing.assert_close(batch[0, 0], torch.tensor([[-1.0, 1.0], [1.0, -1.0]]))
    with pytest.raises(ValueError, match="expected"):
        images_to_batch(np.zeros((2, 2), dtype=np.uint8))

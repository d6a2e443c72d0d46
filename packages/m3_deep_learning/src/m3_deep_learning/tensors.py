"""Tensors vs NumPy arrays: the same n-dimensional array, plus a device and a gradient tape.

A ``torch.Tensor`` is NumPy's ``ndarray`` with two additions that make deep learning possible:

1. **device**: the data can live in GPU memory (``tensor.to("cuda")``); every operation then runs
   there. NumPy arrays always live in CPU memory.
2. **autograd**: with ``requires_grad=True`` the tensor records the operations applied to it, so
   ``loss.backward()`` can compute gradients (see ``autograd.py``).

Interop rules worth knowing by heart (each one is checked in ``tests/test_tensors.py``):

- ``torch.from_numpy(a)`` and ``t.numpy()`` **share memory** on the CPU: no copy, and writing to
  one changes the other. ``torch.tensor(a)`` always copies.
- dtypes map one to one, but the defaults differ: NumPy floats are float64, PyTorch's are float32
  (GPUs are fast at float32, and neural networks do not need 64-bit precision). Convert on purpose.
- ``t.numpy()`` refuses tensors that need a gradient or live on a GPU: call
  ``t.detach().cpu().numpy()`` (leave the tape, come back to host memory, then view as NumPy).
"""

from __future__ import annotations

import numpy as np
import torch

# NumPy dtype → torch dtype for the types a model meets; anything else is a programming error.
DTYPES: dict[np.dtype, torch.dtype] = {
    np.dtype(np.float64): torch.float64,
    np.dtype(np.float32): torch.float32,
    np.dtype(np.float16): torch.float16,
    np.dtype(np.int64): torch.int64,
    np.dtype(np.int32): torch.int32,
    np.dtype(np.uint8): torch.uint8,
    np.dtype(np.bool_): torch.bool,
}


def to_tensor(
    array: np.ndarray,
    dtype: torch.dtype | None = None,
    device: torch.device | str = "cpu",
    copy: bool = False,
) -> torch.Tensor:
    """NumPy → torch, sharing memory when possible (CPU, same dtype, ``copy=False``).

    ``torch.as_tensor`` is the "share if you can" conversion: it returns a view of the NumPy
    buffer when neither the dtype nor the device changes, and copies otherwise.
    """
    tensor = torch.as_tensor(array, dtype=dtype, device=device)
    return tensor.clone() if copy and shares_memory(array, tensor) else tensor


def to_numpy(tensor: torch.Tensor) -> np.ndarray:
    """torch → NumPy from anywhere: leave the autograd tape, come back to CPU memory, then view."""
    return tensor.detach().cpu().numpy()


def shares_memory(array: np.ndarray, tensor: torch.Tensor) -> bool:
    """True when ``tensor`` is a view of ``array``'s buffer (a write to one shows in the other)."""
    return tensor.device.type == "cpu" and tensor.data_ptr() == _data_ptr(array)


def _data_ptr(array: np.ndarray) -> int:
    return int(array.__array_interface__["data"][0])


def images_to_batch(images: np.ndarray, mean: float = 0.0, std: float = 1.0) -> torch.Tensor:
    """uint8 images ``(N, H, W)`` in 0..255 → a float32 batch ``(N, 1, H, W)``, standardised.

    This is the whole MNIST preprocessing: scale to [0, 1], subtract the dataset mean, divide by
    its standard deviation (so inputs are centred near 0 with unit spread, which keeps early
    activations and gradients well scaled), and add the channel axis that ``nn.Conv2d`` expects.
    """
    if images.ndim != 3:
        raise ValueError(f"expected (N, H, W) images, got shape {images.shape}")
    batch = torch.from_numpy(np.ascontiguousarray(images)).float().div_(255.0)  # (N, H, W)
    return batch.sub_(mean).div_(std).unsqueeze(1)  # (N, 1, H, W)


def describe(tensor: torch.Tensor) -> dict[str, object]:
    """The four facts to check first when a tensor misbehaves: shape, dtype, device, grad."""
    return {
        "shape": tuple(tensor.shape),
        "dtype": str(tensor.dtype).removeprefix("torch."),
        "device": str(tensor.device),
        "requires_grad": tensor.requires_grad,
    }

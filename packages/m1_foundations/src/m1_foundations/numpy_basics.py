"""Week 1, days 1-6: the ndarray, and why vectorised code replaces Python loops.

Every function here returns plain values so the tests (and you, in a REPL) can check them. Read it
top to bottom: creation → indexing → broadcasting → dot products → reshaping → randomness.
"""

from __future__ import annotations

import numpy as np


# Day 1: creating arrays. Rank (ndim) = how many indices you need to reach one number.
def describe(array: np.ndarray) -> dict[str, object]:
    """The attributes you check first when a model crashes: shape, ndim, dtype, size, bytes."""
    return {
        "shape": array.shape,
        "ndim": array.ndim,
        "dtype": str(array.dtype),
        "size": array.size,
        "nbytes": array.nbytes,
    }


def creation_examples() -> dict[str, np.ndarray]:
    """A vector (ndim 1), a matrix (ndim 2), an image-like cube (ndim 3) and the usual factories."""
    return {
        "vector": np.array([1, 2, 3]),  # (3,)   one row of data
        "matrix": np.array([[1, 2], [3, 4]]),  # (2, 2) a spreadsheet
        "cube": np.zeros((3, 28, 28), dtype=np.float32),  # (C, H, W) an image
        "arange": np.arange(0, 10, 2),  # [0 2 4 6 8]
        "linspace": np.linspace(0.0, 1.0, 5),  # [0 .25 .5 .75 1]
        "identity": np.eye(3),
    }


# Day 2: indexing, slicing and boolean masks (the "WHERE clause" of AI).
def indexing_examples(arr: np.ndarray) -> dict[str, np.ndarray]:
    """Element, column, slice and boolean-mask selection on a 2-D array."""
    return {
        "element_0_1": arr[0, 1],
        "column_1": arr[:, 1],  # every row, column 1
        "first_two_rows": arr[:2],  # a *view*: writing to it writes to arr
        "greater_than_5": arr[arr > 5],  # a *copy*: masks always copy
    }


def mask_padding(tokens: np.ndarray, pad_id: int = 0) -> np.ndarray:
    """Zero-out positions holding ``pad_id``: the attention-mask trick, with a boolean array."""
    return (tokens != pad_id).astype(np.int64)


# Day 3: vectorisation and broadcasting.
def broadcast_examples() -> dict[str, np.ndarray]:
    """Shapes are aligned from the right; a dimension of size 1 is stretched to match.

    (3, 1) + (3,) → (3, 3): the column is copied across, the row is copied down.
    """
    column = np.array([[0], [10], [20]])  # (3, 1)
    row = np.array([1, 2, 3])  # (3,)
    matrix = np.arange(6).reshape(2, 3)
    return {
        "plus_scalar": matrix + 10,
        "elementwise": matrix * matrix,
        "column_plus_row": column + row,  # (3, 3)
        "centered_columns": matrix - matrix.mean(axis=0),  # (2, 3) - (3,)
    }


# Day 4: the dot product. Columns of A must equal rows of B: (2, 3) @ (3, 2) → (2, 2).
def matmul_shape(a_shape: tuple[int, int], b_shape: tuple[int, int]) -> tuple[int, int]:
    """The shape of ``A @ B``, or a ValueError that says exactly what does not match."""
    if a_shape[1] != b_shape[0]:
        raise ValueError(
            f"cannot multiply {a_shape} @ {b_shape}: A has {a_shape[1]} columns but B has {b_shape[0]} rows"
        )
    return a_shape[0], b_shape[1]


def matmul_loops(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """``A @ B`` with three Python loops: what ``@`` does, ~1000× slower."""
    rows, inner = a.shape
    cols = matmul_shape(a.shape, b.shape)[1]
    out = np.zeros((rows, cols))
    for i in range(rows):
        for j in range(cols):
            total = 0.0
            for k in range(inner):
                total += a[i, k] * b[k, j]
            out[i, j] = total
    return out


# Day 5: reshape, transpose, flatten.
def reshape_examples() -> dict[str, np.ndarray]:
    """Reshape and transpose return views (no copy); flatten always copies."""
    line = np.arange(10)
    grid = line.reshape(2, 5)
    images = np.zeros((8, 1, 28, 28))  # (B, C, H, W)
    return {
        "grid": grid,
        "transposed": grid.T,  # (5, 2)
        "flattened": grid.flatten(),  # (10,)
        "batch_flat": images.reshape(len(images), -1),  # (8, 784): -1 means "whatever is left"
        "shares_memory": np.array(np.shares_memory(line, grid)),
    }


# Day 6: randomness. Use a Generator with a seed, never the legacy global state.
def random_examples(seed: int = 42) -> dict[str, np.ndarray]:
    """Uniform, normal and integer draws from ``np.random.default_rng(seed)``: repeatable."""
    rng = np.random.default_rng(seed)
    return {
        "uniform": rng.random((3, 3)),  # [0, 1)
        "normal": rng.standard_normal((3, 3)),  # mean 0, std 1
        "integers": rng.integers(0, 10, size=5),
        "he_init": rng.normal(0, np.sqrt(2 / 50), size=(50, 10)),  # weights for a ReLU layer
    }

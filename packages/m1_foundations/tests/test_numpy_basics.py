"""Week 1: arrays, indexing, broadcasting, dot products, reshaping, randomness, the dense layer."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from m1_foundations import numpy_basics as nb
from m1_foundations.dense_layer import dense_relu, dense_relu_loops, random_layer_inputs


def test_creation_shapes_and_dtypes() -> None:
    arrays = nb.creation_examples()
    assert nb.describe(arrays["vector"])["shape"] == (3,)
    assert nb.describe(arrays["matrix"])["ndim"] == 2
    cube = nb.describe(arrays["cube"])
    assert cube["ndim"] == 3 and cube["dtype"] == "float32" and cube["nbytes"] == 3 * 28 * 28 * 4
    assert arrays["arange"].tolist() == [0, 2, 4, 6, 8]
    assert arrays["linspace"][1] == pytest.approx(0.25)


def test_indexing_and_masks() -> None:
    arr = np.arange(12).reshape(3, 4)
    picked = nb.indexing_examples(arr)
    assert picked["element_0_1"] == 1
    assert picked["column_1"].tolist() == [1, 5, 9]
    assert picked["greater_than_5"].tolist() == [6, 7, 8, 9, 10, 11]
    assert np.shares_memory(arr, picked["first_two_rows"])  # slices are views...
    assert not np.shares_memory(arr, picked["greater_than_5"])  # ...masks copy
    assert nb.mask_padding(np.array([5, 9, 0, 0])).tolist() == [1, 1, 0, 0]


def test_broadcasting_rules() -> None:
    out = nb.broadcast_examples()
    assert out["column_plus_row"].tolist() == [[1, 2, 3], [11, 12, 13], [21, 22, 23]]
    assert out["plus_scalar"][0, 0] == 10
    np.testing.assert_allclose(out["centered_columns"].mean(axis=0), 0)


def test_matmul_shape_rule_and_loops_agree() -> None:
    assert nb.matmul_shape((2, 3), (3, 2)) == (2, 2)
    with pytest.raises(ValueError, match="A has 3 columns but B has 4 rows"):
        nb.matmul_shape((2, 3), (4, 2))
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((4, 3)), rng.standard_normal((3, 5))
    np.testing.assert_allclose(nb.matmul_loops(a, b), a @ b, atol=1e-12)
    # worked by hand: [[1, 2], [3, 4]] @ [[5, 6], [7, 8]] = [[19, 22], [43, 50]]
    hand = nb.matmul_loops(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[5.0, 6.0], [7.0, 8.0]]))
    assert hand.tolist() == [[19.0, 22.0], [43.0, 50.0]]


def test_reshape_views_and_flatten() -> None:
    out = nb.reshape_examples()
    assert out["grid"].shape == (2, 5) and out["transposed"].shape == (5, 2)
    assert out["batch_flat"].shape == (8, 784)
    assert bool(out["shares_memory"])  # reshape: a view of the same 10 numbers...
    assert not np.shares_memory(out["flattened"], out["grid"])  # ...flatten: a copy
    assert out["transposed"][4, 1] == out["grid"][1, 4] == 9


def test_random_is_repeatable_with_a_seed() -> None:
    first, second = nb.random_examples(7), nb.random_examples(7)
    for key in first:
        np.testing.assert_array_equal(first[key], second[key])
    assert not np.array_equal(first["normal"], nb.random_examples(8)["normal"])
    assert ((first["uniform"] >= 0) & (first["uniform"] < 1)).all()
    assert first["integers"].min() >= 0 and first["integers"].max() <= 9
    # He initialisation: standard deviation sqrt(2 / fan_in) = 0.2 for 50 inputs (500 draws)
    assert first["he_init"].shape == (50, 10)
    assert first["he_init"].std() == pytest.approx(0.2, abs=0.02)


def test_dense_layer_day7_exercise() -> None:
    X, W, b = random_layer_inputs(seed=0)
    assert (X.shape, W.shape, b.shape) == ((100, 50), (50, 10), (10,))
    out = dense_relu(X, W, b)
    assert out.shape == (100, 10)
    assert (out >= 0).all() and 0.2 < (out == 0).mean() < 0.8  # ReLU switched off a real share
    np.testing.assert_allclose(
        out, dense_relu_loops(X.tolist(), W.tolist(), b.tolist()), atol=1e-12
    )


def test_dense_layer_hand_computed_values() -> None:
    """A 1×2 input worked by hand: [1, 2] @ [[1, -1], [2, 0]] + [0.5, -1] = [5.5, -2] → ReLU [5.5, 0]."""
    X = np.array([[1.0, 2.0]])
    W = np.array([[1.0, -1.0], [2.0, 0.0]])
    b = np.array([0.5, -1.0])
    assert dense_relu(X, W, b).tolist() == [[5.5, 0.0]]


@settings(max_examples=30, deadline=None)
@given(st.integers(1, 6), st.integers(1, 6), st.integers(1, 6), st.integers(0, 2**31))
def test_dense_layer_matches_loops_for_any_shape(
    batch: int, features: int, units: int, seed: int
) -> None:
    X, W, b = random_layer_inputs(seed, batch, features, units)
    np.testing.assert_allclose(
        dense_relu(X.copy(), W, b), dense_relu_loops(X.tolist(), W.tolist(), b.tolist()), atol=1e-12
    )

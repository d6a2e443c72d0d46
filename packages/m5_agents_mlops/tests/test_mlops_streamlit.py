"""The Streamlit MNIST page, driven headless with ``streamlit.testing.v1.AppTest``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from m3_deep_learning.checkpoint import save_checkpoint
from m3_deep_learning.mnist.data import MEAN, STD
from m3_deep_learning.mnist.models import build_model, load_trained
from m3_deep_learning.mnist.pyfunc import class_probabilities
from m5_agents_mlops.cli.mnist_app import (
    APP,
    FIRST_RUN_TIMEOUT,
    PageError,
    check_page,
    png_of,
    quick_model,
    shown_prediction,
)
from m5_agents_mlops.mlops import UPLOAD
from roadmap_data import load_mnist

DIGITS = 8


@pytest.fixture(scope="module")
def mnist() -> dict[str, np.ndarray]:
    return load_mnist()  # read once: it takes seconds


@pytest.fixture(scope="module")
def checkpoint(tmp_path_factory: pytest.TempPathFactory, mnist: dict[str, np.ndarray]) -> Path:
    """A real CNN, month 3's ``cnn``: two passes over 500 MNIST digits (seeded; ≈ 90 %; a second)."""
    return quick_model(tmp_path_factory.mktemp("mnist") / "best.pt", mnist, seed=0)


@pytest.fixture
def untrained(tmp_path: Path) -> Path:
    """A loadable CNN with its initial weights: enough for the page's error paths, instantly."""
    return save_checkpoint(tmp_path / "best.pt", "cnn", build_model("cnn"), epoch=0, mean=MEAN,
                           std=STD)  # fmt: skip


def page(model: str) -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=60)
    at.query_params["model"] = model
    return at.run(timeout=FIRST_RUN_TIMEOUT)  # imports and cache fills: slow on a busy machine


@pytest.mark.slow
def test_page_shows_the_models_own_prediction_and_probabilities(
    checkpoint: Path, mnist: dict[str, np.ndarray]
) -> None:
    """What the page shows equals the model's offline answer, for test digits and an upload."""
    model, meta = load_trained(checkpoint)
    offline = class_probabilities(model, meta, mnist["x_test"][:DIGITS])  # (N, 10)
    result = check_page(str(checkpoint), DIGITS, mnist=mnist)
    assert result.predictions == offline.argmax(axis=1).tolist()
    assert result.labels == mnist["y_test"][:DIGITS].tolist()
    assert result.metrics()["page_accuracy"] >= 0.75  # a real model (chance: 0.10)
    assert result.upload_prediction == result.upload_label  # a clean digit, photographed

    at = page(str(checkpoint))
    assert len(at.get("vega_lite_chart")) == 1  # st.bar_chart of the ten probabilities
    assert at.metric[0].label == "prediction"
    assert at.success or at.warning  # the verdict against the true digit is shown


def test_a_bad_upload_is_one_error_line(untrained: Path) -> None:
    at = page(str(untrained))
    at.radio(key="source").set_value(UPLOAD).run()
    assert at.info and not at.metric  # asks for a file, predicts nothing yet
    at.file_uploader[0].upload("digit.png", b"not a png", "image/png")
    at.run()
    assert "not a readable image" in at.error[0].value
    with pytest.raises(PageError, match="not a readable image"):
        shown_prediction(at)
    blank = png_of(np.zeros((28, 28), dtype=np.uint8))  # white paper, no ink
    at.file_uploader[0].set_value(("blank.png", blank, "image/png")).run()
    assert "no digit found" in at.error[0].value


def test_missing_model_names_the_command_that_trains_one(tmp_path: Path) -> None:
    at = page(str(tmp_path / "best.pt"))
    assert not at.exception
    assert "cannot load the model" in at.error[0].value
    assert "uv run train-mnist" in at.info[0].value
    assert not at.metric

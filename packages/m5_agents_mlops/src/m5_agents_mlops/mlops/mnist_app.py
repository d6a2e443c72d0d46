"""A Streamlit page for month 3's MNIST classifier: pick or upload a digit, see what the model thinks.

    uv run mnist-app                                  # opens http://localhost:8501
    uv run mnist-app --model models:/mnist@champion   # the registry's champion (train-mnist --register)
    uv run streamlit run packages/m5_agents_mlops/src/m5_agents_mlops/mlops/mnist_app.py

How Streamlit works: this file is a plain script that Streamlit runs top to bottom on every
interaction (a click, a new number, an upload), turning each ``st.*`` call into a piece of the
page. There are no callbacks and no HTML: the script *is* the page. Two consequences shape it:

- anything slow must be cached across reruns: ``st.cache_resource`` keeps one loaded model (keyed
  by the file and its modification time, so a retrained best.pt is picked up) and one copy of
  the MNIST test set in memory for every visitor;
- ``st.stop()`` ends a run early, which is how the page shows one clear error (no model yet, an
  unreadable upload) instead of a traceback.

The model answers through ``class_probabilities``, the same function the MLflow pyfunc and
``serve`` use, and uploads are prepared by ``predict-mnist``'s ``prepare_grey`` (inverted if dark
on light, scaled into 20×20, centred by mass in 28×28), so the page, the CLI and the API agree.
The model is chosen by ``?model=`` in the URL, else ``$AI_ROADMAP_MNIST_MODEL``, else
data/runs/train-mnist/best.pt; it may be a path or a ``models:/NAME@ALIAS`` URI.
"""

from __future__ import annotations

import io
import os
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from m3_deep_learning.errors import BadImageError
from m3_deep_learning.mnist.models import load_trained
from m3_deep_learning.mnist.predict import prepare_grey, read_grey
from m3_deep_learning.mnist.pyfunc import class_probabilities
from m5_agents_mlops.mlops import MNIST_MODEL_ENV, TEST_DIGIT, UPLOAD
from roadmap_data import load_mnist, runs_dir
from roadmap_data.errors import RoadmapError
from roadmap_data.runkit.registry import resolve_model


def default_model() -> str:
    """``?model=`` in the URL, else $AI_ROADMAP_MNIST_MODEL, else train-mnist's best.pt."""
    return (
        st.query_params.get("model")
        or os.environ.get(MNIST_MODEL_ENV)
        or str(runs_dir("train-mnist") / "best.pt")
    )


@st.cache_resource(show_spinner="loading the model")
def cached_model(path: str, modified: float) -> tuple[Any, dict[str, Any]]:
    """(network, checkpoint metadata); ``modified`` is only in the key: a new file, a new load."""
    return load_trained(Path(path))


@st.cache_resource(show_spinner="loading the MNIST test set")
def test_digits() -> tuple[np.ndarray, np.ndarray]:
    """The 10,000 MNIST test digits, uint8 (N, 28, 28), and their labels."""
    data = load_mnist()
    return data["x_test"], data["y_test"]


def choose_digit() -> tuple[np.ndarray, int | None, str]:
    """The 28×28 digit to classify, its true label when known, and a caption."""
    source = st.radio("Classify", [TEST_DIGIT, UPLOAD], horizontal=True, key="source")
    if source == TEST_DIGIT:
        images, labels = test_digits()
        index = st.number_input("test digit #", 0, len(labels) - 1, 0, key="index")
        return images[int(index)], int(labels[int(index)]), f"MNIST test digit #{index}"
    upload = st.file_uploader("a photo or scan of one digit", type=["png", "jpg", "jpeg"])
    if upload is None:
        st.info("Upload a PNG or JPEG of a single handwritten digit (any size, any colours).")
        st.stop()
    try:
        grey = read_grey(io.BytesIO(upload.getvalue()), upload.name)
        return prepare_grey(grey, upload.name), None, f"{upload.name}, as the model sees it"
    except BadImageError as error:
        st.error(str(error))
        st.stop()
    raise AssertionError("unreachable: st.stop() ends the run")  # for type checkers


def main() -> None:
    st.set_page_config(page_title="MNIST digit reader", page_icon="✍️")
    st.title("Which digit is it?")
    st.caption("Month 3's CNN, served as a Streamlit page (month 5: MLOps).")
    reference = st.sidebar.text_input("model: a best.pt path or models:/mnist@champion",
                                      value=default_model(), key="model")  # fmt: skip
    try:
        resolved = resolve_model(reference, "best.pt")
        model, meta = cached_model(str(resolved.path), resolved.path.stat().st_mtime)
    except (RoadmapError, OSError) as error:
        st.error(f"cannot load the model: {error}")
        st.info("Train one first: `uv run train-mnist` (or `uv run train-mnist --smoke`).")
        st.stop()
    version = f" (version {resolved.version})" if resolved.version else ""
    st.sidebar.write(f"{meta.get('model', 'model')}{version}: `{resolved.path}`")

    image, truth, caption = choose_digit()
    probabilities = class_probabilities(model, meta, image[None])[0]  # (10,)
    predicted = int(probabilities.argmax())
    left, right = st.columns(2)
    left.image(np.kron(image, np.ones((6, 6), dtype=np.uint8)), caption=caption)  # 168×168 px
    right.metric("prediction", str(predicted), f"{probabilities[predicted]:.1%} sure",
                 delta_color="off")  # fmt: skip
    if truth is not None:
        (right.success if truth == predicted else right.warning)(f"the true digit is {truth}")
    chart = pd.DataFrame({"probability": probabilities}, index=[str(d) for d in range(10)])
    st.bar_chart(chart, x_label="digit", y_label="probability")


if __name__ == "__main__":  # Streamlit runs this file as __main__ (so does AppTest)
    main()

"""The MNIST model for MLflow: its contract (images in, probabilities out) and what gets logged.

``class_probabilities`` is how the trained network answers anyone outside this package: the MLflow
pyfunc (``mlflow_model.py``, which MLflow runs when it loads the model) and any server calls it.

- input: ``(N, 28, 28)`` uint8 grey levels 0–255, a white digit on black, as in MNIST itself
  (``predict-mnist``'s ``prepare_image`` makes one from any photo);
- output: ``(N, 10)`` float32 probabilities of the digits 0–9 (each row sums to 1).

``model_package`` bundles best.pt with that code and five real test digits, from which the model's
signature is inferred: ``Tracker.log_model`` then stores it, and ``--register`` registers it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from m3_deep_learning.errors import BadImageError
from m3_deep_learning.mnist.models import load_trained
from m3_deep_learning.tensors import images_to_batch
from roadmap_data.runkit.tracking import ModelPackage

CODE = Path(__file__).with_name("mlflow_model.py")
"""The models-from-code file MLflow stores with the model and runs to load it."""
REQUIREMENTS = ("m3-deep-learning", "roadmap-data", "torch", "numpy")
"""What the loading code imports (the first two are this repository's own packages)."""


@torch.no_grad()
def class_probabilities(model: nn.Module, meta: dict[str, Any], images: Any) -> np.ndarray:
    """``(N, 28, 28)`` grey levels 0–255 → ``(N, 10)`` float32 softmax probabilities."""
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[1:] != (28, 28):
        raise BadImageError(f"expected (N, 28, 28) grey images, got shape {images.shape}")
    x = images_to_batch(images, meta.get("mean", 0.0), meta.get("std", 1.0))  # (N, 1, 28, 28)
    return model.eval()(x).softmax(dim=1).numpy().astype(np.float32)  # (N, 10)


def model_package(checkpoint: Path, images: np.ndarray, test_accuracy: float) -> ModelPackage:
    """best.pt as an MLflow pyfunc, ranked in the registry by its test accuracy.

    ``images`` are real uint8 test digits: the input example, and (through the checkpoint just
    written, read back the way the pyfunc reads it) the output side of the signature.
    """

    def predict(batch: np.ndarray) -> np.ndarray:
        model, meta = load_trained(checkpoint)
        return class_probabilities(model, meta, batch)

    return ModelPackage(
        file=checkpoint,
        code=CODE,
        input_example=images,
        predict=predict,
        metric="test_accuracy",
        score=test_accuracy,
        requirements=REQUIREMENTS,
    )

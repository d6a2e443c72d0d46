"""The MNIST model as MLflow loads it ("models from code"): a module MLflow runs, not a pickle.

``train-mnist --mlflow`` stores this file beside best.pt in the logged model. Loading the model
(``mlflow.pyfunc.load_model("models:/mnist@champion")``) executes it: ``set_model`` below hands
MLflow a ``MnistPyfunc``, whose ``load_context`` reads best.pt with ``load_trained`` (weights
only, checked against our own network classes).

Safety: no pickle is involved, but code is. ``load_model`` runs whatever module is stored with the
version, so loading a pyfunc from a registry you do not trust runs that registry's code. ``serve``
never does: it downloads the version's artefacts and reads only best.pt, with
``torch.load(weights_only=True)`` (``roadmap_data.runkit.registry.resolve_model``).

Do not import this module from the package: it exists to be run by MLflow (``set_model`` is its
last line, by MLflow's contract). The logic lives in ``mnist.pyfunc``, which is tested directly.
"""

from pathlib import Path
from typing import Any

import mlflow
import numpy as np
from mlflow.pyfunc import PythonModel

from m3_deep_learning.mnist.models import load_trained
from m3_deep_learning.mnist.pyfunc import class_probabilities
from roadmap_data.runkit.tracking import MODEL_ARTIFACT


class MnistPyfunc(PythonModel):
    """(N, 28, 28) uint8 digits → (N, 10) float32 class probabilities."""

    def load_context(self, context: Any) -> None:  # context: MLflow's PythonModelContext
        self.model, self.meta = load_trained(Path(context.artifacts[MODEL_ARTIFACT]))

    # The np.ndarray hint tells MLflow to take the signature from the logged example as it is.
    def predict(
        self, context: Any, model_input: np.ndarray, params: dict[str, Any] | None = None
    ) -> np.ndarray:
        return class_probabilities(self.model, self.meta, model_input)


mlflow.models.set_model(MnistPyfunc())

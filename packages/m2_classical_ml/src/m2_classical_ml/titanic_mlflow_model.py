"""The Titanic model as MLflow loads it ("models from code"): a module MLflow runs, not a pickle.

``titanic --mlflow`` stores this file beside model.skops in the logged model. Loading the model
(``mlflow.pyfunc.load_model("models:/titanic@champion")``) executes it: ``set_model`` below hands
MLflow a ``TitanicPyfunc``, whose ``load_context`` reads model.skops with ``persistence.load_model``
(which refuses any type outside scikit-learn, XGBoost, LightGBM, NumPy and this package).

Safety: no pickle is involved, but code is. ``load_model`` runs whatever module is stored with the
version, so loading a pyfunc from a registry you do not trust runs that registry's code. ``serve``
never does: it downloads the version's artefacts and reads only model.skops, with its types checked
(``roadmap_data.runkit.registry.resolve_model``).

Do not import this module from the package: it exists to be run by MLflow (``set_model`` is its
last line, by MLflow's contract). The logic lives in ``titanic_tracking``, which is tested directly.
"""

from pathlib import Path
from typing import Any

import mlflow
import numpy as np
import pandas as pd
from mlflow.pyfunc import PythonModel

from m2_classical_ml.persistence import load_model
from m2_classical_ml.titanic_predict import titanic_model
from m2_classical_ml.titanic_tracking import survival_probability
from roadmap_data.runkit.tracking import MODEL_ARTIFACT


class TitanicPyfunc(PythonModel):
    """Passengers (pclass, sex, age, sibsp, parch) → P(survived) for each."""

    def load_context(self, context: Any) -> None:  # context: MLflow's PythonModelContext
        path = Path(context.artifacts[MODEL_ARTIFACT])
        self.model = titanic_model(load_model(path), path)

    # The pd.DataFrame hint tells MLflow to take the signature from the logged example as it is.
    def predict(
        self, context: Any, model_input: pd.DataFrame, params: dict[str, Any] | None = None
    ) -> np.ndarray:
        return survival_probability(self.model, model_input)


mlflow.models.set_model(TitanicPyfunc())

"""Optional experiment tracking with MLflow: the parameters, metrics, artefacts and model of a run.

``--mlflow`` records a run: its config as parameters, its measurements as metrics (per epoch where
there are epochs), its files (metrics.json, plots) as artefacts, and the trained model. Where to:

- ``--mlflow-uri http://host:5000``: a tracking server, the way a team shares results;
- else ``$MLFLOW_TRACKING_URI``, MLflow's own variable;
- else the file store ``<data dir>/mlruns`` (``data/mlruns``), shared by every command, so that
  MNIST and Titanic models sit in one registry and ``serve`` finds them without being told where.

Browse it with the MLflow web UI, which needs the full ``mlflow`` package (we install only
``mlflow-skinny``, the client: ``uv run mlflow ui`` stops at "No module named 'flask'")::

    MLFLOW_ALLOW_FILE_STORE=true uvx --from 'mlflow<4' mlflow ui --backend-store-uri data/mlruns

Without ``--mlflow`` the ``NullTracker`` does nothing, so training code never branches on tracking.
``--register NAME`` (see ``registry``) implies ``--mlflow``. MLflow is imported inside functions: it
costs about a second, which a run without tracking should not pay.

**The model.** ``Tracker.log_model(ModelPackage(...))`` stores the model as an MLflow *pyfunc*, a
folder anyone can load with ``mlflow.pyfunc.load_model(uri).predict(x)``. MLflow's usual flavours
pickle the Python object; we use "models from code" instead: the folder holds our own model file
(``best.pt``, ``model.skops``) plus a short Python module that loads it. That keeps pickle out of
*our* file, but it does not make loading safe: ``mlflow.pyfunc.load_model`` imports the stored
module, so loading a model from a registry you do not trust runs that registry's code, just as
unpickling would. ``serve`` therefore never loads the pyfunc: ``registry.resolve_model`` downloads
the version's artefacts and the server reads only our file, ``best.pt`` with
``torch.load(weights_only=True)`` or ``model.skops`` with its types checked against an allow-list.
The **signature** (input and output types and shapes) is inferred from a real input example and
the model's real output on it, so a pyfunc caller that sends the wrong shape or type is refused.

**Failures.** ``with make_tracker(...) as tracker:`` ends the run when the block ends: FINISHED, or
FAILED if the block raised (training, logging or registering), and the error then propagates. A
run is never left RUNNING because its command crashed.
"""

from __future__ import annotations

import importlib.metadata
import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, Self

from roadmap_data.runkit.config import Config, require
from roadmap_data.runkit.stores import (
    allow_file_store,
    as_uri,
    default_tracking_uri,
    fail_fast,
    mlflow_store,
    quiet,
)

if TYPE_CHECKING:
    from roadmap_data.runkit.registry import Registration

__all__ = [  # the store helpers live in ``stores``; these names stay importable from here
    "MODEL_ARTIFACT",
    "MlflowTracker",
    "ModelPackage",
    "NullTracker",
    "Tracker",
    "TrackingConfig",
    "as_uri",
    "default_tracking_uri",
    "make_tracker",
    "mlflow_store",
    "valid_model_name",
]

log = logging.getLogger(__name__)
_MODEL_NAME = re.compile(r"[A-Za-z0-9][\w.-]*")
MODEL_ARTIFACT = "model"
"""Key of our model file among the pyfunc's artefacts: ``context.artifacts["model"]`` is its path."""


@dataclass(frozen=True, kw_only=True)
class TrackingConfig(Config):
    """The MLflow settings of a training command: list this base first, ``(TrackingConfig, RunConfig)``."""

    mlflow: bool = False
    """Record the run in MLflow: config, metrics, artefacts and the model (a pyfunc with a signature)."""
    mlflow_uri: str | None = None
    """MLflow tracking and registry URI: a server (http://host:5000) or a folder (None: $MLFLOW_TRACKING_URI, else the file store data/mlruns)."""
    register: str | None = None
    """Register the model in the MLflow model registry under this name (implies --mlflow; the flag alone: the command's own name for it, mnist or titanic); the alias champion moves to it only if it scores better than the champion."""

    def validate(self) -> None:
        super().validate()
        require(
            self.register is None or valid_model_name(self.register),
            f"register: {self.register!r} is not a model name (letters, digits, _ . -)",
        )

    @property
    def tracking(self) -> bool:
        """Whether MLflow records this run (--mlflow, or --register, which needs a run)."""
        return self.mlflow or self.register is not None


def valid_model_name(name: str) -> bool:
    """Letters, digits, ``_ . -``: a name that a ``models:/NAME@ALIAS`` URI holds unambiguously."""
    return _MODEL_NAME.fullmatch(name) is not None


@dataclass(frozen=True)
class ModelPackage:
    """A trained model as MLflow should store it: our file, the code that loads it, an example."""

    file: Path
    """Our own safe model file (best.pt, model.skops); the pyfunc finds it as
    ``context.artifacts["model"]``."""
    code: Path
    """The "models from code" module: defines a ``PythonModel`` that loads ``file`` in
    ``load_context`` and ends with ``mlflow.models.set_model(...)``."""
    input_example: Any
    """A few real inputs (an array of images, a DataFrame of passengers): stored with the model."""
    predict: Callable[[Any], Any]
    """The model's prediction on inputs like ``input_example``: the signature's output side."""
    metric: str
    """What ranks versions of this model in the registry (higher is better), e.g. test_accuracy."""
    score: float
    """This model's value of ``metric``."""
    requirements: tuple[str, ...] = ()
    """Distributions the loading code imports; pinned to the installed versions."""

    def pip_requirements(self) -> list[str]:
        """``name==installed version`` for each requirement (workspace packages included)."""
        pins = []
        for name in self.requirements:
            try:
                pins.append(f"{name}=={importlib.metadata.version(name)}")
            except importlib.metadata.PackageNotFoundError:
                pins.append(name)
        return pins


class Tracker(Protocol):
    """Where a run reports to; training code calls these and never asks which tracker it has.

    Use it as ``with make_tracker(...) as tracker:`` so that the run ends however the block does.
    """

    def log_params(self, params: dict[str, Any]) -> None: ...
    def log_metrics(self, metrics: dict[str, float], step: int = 0) -> None: ...
    def log_artifact(self, path: Path) -> None: ...
    def log_model(
        self, model: ModelPackage, register: str | None = None
    ) -> Registration | None: ...
    def close(self, failed: bool = False) -> None: ...
    def __enter__(self) -> Self: ...
    def __exit__(self, *exc_info: object) -> None: ...


class _RunBlock:
    """``with tracker:``: ``close()`` when the block ends, ``close(failed=True)`` if it raised.

    ``__exit__`` returns None, so the exception propagates: tracking records a failure, it never
    hides one.
    """

    def close(self, failed: bool = False) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:  # (type, value, traceback), or three Nones
        self.close(failed=exc_info[0] is not None)


class NullTracker(_RunBlock):
    """Tracking switched off: every call does nothing (and the model is never even loaded)."""

    def log_params(self, params: dict[str, Any]) -> None:
        pass

    def log_metrics(self, metrics: dict[str, float], step: int = 0) -> None:
        pass

    def log_artifact(self, path: Path) -> None:
        pass

    def log_model(self, model: ModelPackage, register: str | None = None) -> Registration | None:
        return None

    def close(self, failed: bool = False) -> None:
        pass


class MlflowTracker(_RunBlock):
    """One MLflow run, created on construction and ended by ``close`` (or by leaving ``with``).

    It talks to the store through an ``MlflowClient`` bound to this run's URI rather than through
    MLflow's global "active run", so two trackers in one process cannot mix up their runs.
    """

    def __init__(self, uri: str, experiment: str, run_name: str | None = None) -> None:
        self.uri = as_uri(uri)
        allow_file_store(self.uri)
        from mlflow import MlflowClient  # imported here: a second that plain runs do not pay

        self.client = MlflowClient(tracking_uri=self.uri, registry_uri=self.uri)
        found = self.client.get_experiment_by_name(experiment)
        experiment_id = found.experiment_id if found else self.client.create_experiment(experiment)
        self.run_id: str = self.client.create_run(experiment_id, run_name=run_name).info.run_id

    def log_params(self, params: dict[str, Any]) -> None:
        from mlflow.entities import Param

        self.client.log_batch(self.run_id, params=[Param(k, str(v)) for k, v in params.items()])

    def log_metrics(self, metrics: dict[str, float], step: int = 0) -> None:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        rows = [Metric(key, float(value), now, step) for key, value in metrics.items()]
        self.client.log_batch(self.run_id, metrics=rows)

    def log_artifact(self, path: Path) -> None:
        self.client.log_artifact(self.run_id, str(path))

    def log_model(self, model: ModelPackage, register: str | None = None) -> Registration | None:
        """Log ``model`` as a pyfunc of this run; with ``register``, add it to the model registry.

        Registering makes version N of the registered model ``register``; the alias ``champion``
        moves to it only if its score beats the champion's (``registry.register_version``).
        """
        from mlflow.models import infer_signature

        # MLflow would copy the workspace's uv.lock (0.9 MB, naming packages that exist only in
        # this repository) into every model; the pinned pip requirements say what is needed.
        os.environ.setdefault("MLFLOW_LOG_UV_FILES", "false")
        with quiet(), mlflow_store(self.uri) as mlflow:
            signature = infer_signature(model.input_example, model.predict(model.input_example))
            with mlflow.start_run(run_id=self.run_id):  # resumed: it links the model to the run
                info = mlflow.pyfunc.log_model(
                    name="model",
                    python_model=str(model.code),  # a path: "models from code", nothing pickled
                    artifacts={MODEL_ARTIFACT: str(model.file)},
                    signature=signature,
                    input_example=model.input_example,
                    pip_requirements=model.pip_requirements(),
                    tags={model.metric: str(model.score)},
                )
        if register is None:
            return None
        from roadmap_data.runkit.registry import register_version

        return register_version(
            info.model_uri,
            register,
            metric=model.metric,
            score=model.score,
            tracking_uri=self.uri,
            run_id=self.run_id,
            model_id=info.model_id,
        )

    def close(self, failed: bool = False) -> None:
        """End the run: FINISHED, or FAILED when the work it records raised.

        On failure the store may be the very thing that broke (a server gone away), so marking
        the run gets one quick try, and a problem doing so is logged rather than raised: the
        error the caller must see is the original one.
        """
        if not failed:
            self.client.set_terminated(self.run_id)  # status FINISHED
            return
        try:
            with fail_fast():
                self.client.set_terminated(self.run_id, "FAILED")
        except Exception as error:  # never mask the failure being reported
            log.warning("could not mark MLflow run %s FAILED: %s", self.run_id, error)


def make_tracker(
    enabled: bool, uri: str | None, experiment: str, run_name: str | None = None
) -> Tracker:
    """``MlflowTracker`` when ``enabled`` (at ``uri``, else ``default_tracking_uri()``), else a no-op."""
    if not enabled:
        return NullTracker()
    return MlflowTracker(uri or default_tracking_uri(), experiment, run_name)

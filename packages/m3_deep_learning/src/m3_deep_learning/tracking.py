"""Optional experiment tracking with MLflow: parameters, per-epoch metrics and artefacts of a run.

``train-mnist --mlflow`` records the run in a local file store (``<out>/mlruns``; browse it with
``uv run mlflow ui --backend-store-uri <out>/mlruns``), and ``--mlflow-uri http://host:5000``
sends it to a tracking server instead, the way a team shares results. Without ``--mlflow`` the
``NullTracker`` does nothing, so the training code never branches on tracking.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Protocol


class Tracker(Protocol):
    def log_params(self, params: dict[str, Any]) -> None: ...
    def log_metrics(self, metrics: dict[str, float], step: int) -> None: ...
    def log_artifact(self, path: Path) -> None: ...
    def close(self) -> None: ...


class NullTracker:
    """Tracking switched off."""

    def log_params(self, params: dict[str, Any]) -> None:
        pass

    def log_metrics(self, metrics: dict[str, float], step: int) -> None:
        pass

    def log_artifact(self, path: Path) -> None:
        pass

    def close(self) -> None:
        pass


class MlflowTracker:
    """One MLflow run, opened on creation and ended by ``close``."""

    def __init__(self, uri: str, experiment: str, run_name: str | None = None) -> None:
        if uri.startswith("file:"):
            # MLflow 3 keeps the file store in "maintenance mode" behind this switch; it is the
            # simplest local store and needs no database (mlflow-skinny ships no SQLAlchemy).
            os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        import mlflow  # imported here: a second of import time that plain runs do not pay

        self._mlflow = mlflow
        mlflow.set_tracking_uri(uri)
        mlflow.set_experiment(experiment)
        self.run_id = mlflow.start_run(run_name=run_name).info.run_id
        self.uri = uri

    def log_params(self, params: dict[str, Any]) -> None:
        self._mlflow.log_params({key: str(value) for key, value in params.items()})

    def log_metrics(self, metrics: dict[str, float], step: int) -> None:
        self._mlflow.log_metrics(metrics, step=step)

    def log_artifact(self, path: Path) -> None:
        self._mlflow.log_artifact(str(path))

    def close(self) -> None:
        self._mlflow.end_run()


def make_tracker(enabled: bool, out: Path, uri: str | None, experiment: str) -> Tracker:
    """``MlflowTracker`` when ``enabled`` (server ``uri``, else ``<out>/mlruns``), else a no-op."""
    if not enabled:
        return NullTracker()
    return MlflowTracker(uri or (out.resolve() / "mlruns").as_uri(), experiment)

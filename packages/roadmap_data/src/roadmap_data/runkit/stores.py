"""Where MLflow keeps runs and models, and how to point MLflow at one store without side effects.

A *store* is named by a URI: a tracking server (``http://host:5000``, the way a team shares
results) or a local folder (``file:///.../data/mlruns``). ``tracking`` and ``registry`` both talk
to it through the helpers here:

- ``default_tracking_uri``: ``$MLFLOW_TRACKING_URI``, else ``<data dir>/mlruns``, shared by every
  command so that MNIST and Titanic models sit in one registry and ``serve`` finds them;
- ``client_for``: an ``MlflowClient`` bound to one store (no global state);
- ``mlflow_store``: MLflow's *global* URI set for a block and restored after, for the few MLflow
  functions that read nothing else (``mlflow.pyfunc.log_model``, ``download_artifacts``);
- ``fail_fast``: one retry instead of MLflow's seven, so a server that is down fails in seconds.

MLflow is imported inside functions: it costs about a second, which a run without tracking
should not pay.
"""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from roadmap_data.paths import data_dir

URI_VARIABLES = ("MLFLOW_TRACKING_URI", "MLFLOW_REGISTRY_URI")
"""The environment variables that ``mlflow.set_tracking_uri`` / ``set_registry_uri`` export."""


def default_tracking_uri() -> str:
    """``$MLFLOW_TRACKING_URI``, else the file store ``<data dir>/mlruns`` every command shares."""
    return os.environ.get("MLFLOW_TRACKING_URI") or as_uri(data_dir() / "mlruns")


def as_uri(location: str | os.PathLike[str]) -> str:
    """A folder path → its absolute ``file:`` URI; a URI (``file:``, ``http:``...) unchanged."""
    text = os.fspath(location)
    if "://" in text or text.startswith("file:"):
        return text
    return Path(text).expanduser().resolve().as_uri()


def local_store(uri: str) -> Path | None:
    """The folder of a ``file:`` store, None for a server."""
    if not uri.startswith("file:"):
        return None
    from urllib.parse import unquote, urlparse

    return Path(unquote(urlparse(uri).path))


def allow_file_store(uri: str) -> None:
    """Let MLflow 3 open a ``file:`` store (needed before any MLflow call on one).

    MLflow 3 keeps the file store in "maintenance mode" behind this switch; it is the simplest
    local store and needs no database (mlflow-skinny ships no SQLAlchemy, so no ``sqlite:`` store).
    """
    if uri.startswith("file:"):
        os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")


def client_for(tracking_uri: str) -> Any:
    """An ``MlflowClient`` whose tracking store and model registry are both ``tracking_uri``."""
    allow_file_store(tracking_uri)
    from mlflow import MlflowClient

    return MlflowClient(tracking_uri=tracking_uri, registry_uri=tracking_uri)


@contextlib.contextmanager
def mlflow_store(uri: str) -> Iterator[Any]:
    """Point MLflow's process-wide tracking and registry URIs at ``uri`` for a block; yield ``mlflow``.

    MLflow's "fluent" functions (``mlflow.pyfunc.log_model``, ``mlflow.pyfunc.load_model(
    "models:/mnist@champion")``) read one global URI, and setting it also exports
    ``MLFLOW_TRACKING_URI``. Restoring both afterwards keeps one run's store from leaking into the
    next command of the same process (a test session, a notebook).
    """
    uri = as_uri(uri)
    allow_file_store(uri)
    import mlflow

    saved_env = {name: os.environ.get(name) for name in URI_VARIABLES}
    saved_uri = mlflow.get_tracking_uri() if mlflow.is_tracking_uri_set() else None
    mlflow.set_tracking_uri(uri)
    mlflow.set_registry_uri(uri)
    try:
        yield mlflow
    finally:
        mlflow.set_tracking_uri(saved_uri)
        mlflow.set_registry_uri(None)  # type: ignore[arg-type]  # None: follow the tracking URI
        for name, value in saved_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


@contextlib.contextmanager
def fail_fast() -> Iterator[None]:
    """A server that is down fails in seconds, not after MLflow's 7 retries (4 minutes here).

    Used at serving start-up (better one clear error now) and when marking a failed run (the
    failure itself may be that the server went away). Variables already set win.
    """
    brief = {"MLFLOW_HTTP_REQUEST_MAX_RETRIES": "1", "MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR": "1"}
    added = [name for name in brief if name not in os.environ]
    os.environ.update({name: brief[name] for name in added})
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


@contextlib.contextmanager
def quiet() -> Iterator[None]:
    """Hide MLflow's chatter while logging a model (uv detected, pip version unknown...)."""
    levels = {"mlflow": logging.WARNING, "mlflow.utils.environment": logging.ERROR}
    saved = {name: logging.getLogger(name).level for name in levels}
    for name, level in levels.items():
        logging.getLogger(name).setLevel(level)
    try:
        with warnings.catch_warnings():
            # Integer columns (sibsp, parch) are never missing here: they are required counts.
            warnings.filterwarnings("ignore", "Hint: Inferred schema contains integer")
            warnings.filterwarnings("ignore", "Operation with range is deprecated")  # MLflow's
            yield
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)

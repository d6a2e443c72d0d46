"""A Prefect flow that retrains month 3's MNIST model and re-registers it, champion rule included.

An *orchestrator* turns a script into a pipeline someone can schedule, watch and rerun: each step
is a **task** whose start, end, state (Completed, Failed, Retrying) and logs are recorded, and the
**flow** that calls them is one *flow run* in Prefect's database and UI. Here the steps are:

1. ``read_champion``: which version of the registered model serves now, and its score.
2. ``train_and_register``: month 3's ``train-mnist`` recipe, logged to MLflow and registered as a
   new version; the registry's champion rule (``roadmap_data.runkit.registry``) moves the
   ``champion`` alias to it only if it beats the champion's test accuracy.
3. ``verify_champion``: load ``models:/NAME@champion`` the way ``serve`` does (download once,
   our checked ``torch.load``, the predictor's functions) and score it on the test digits. A new champion must score exactly what
   it was registered with: a broken or mismatched artefact fails the run *before* anyone serves it.

The registry steps talk to a store that may be a server, so they retry (``retries=2``); training
does not (a failure there is a bug or bad data, and a rerun would fail the same way). Caching is
off: a retraining must train, even with the same inputs.

Prefect keeps its state under ``PREFECT_HOME`` (set by ``configure_prefect``: ``<data dir>/prefect``
unless you chose one). Without ``PREFECT_API_URL``, running the flow starts a temporary local
Prefect server for the length of the process (seconds); with a server of your own
(``prefect server start``) set ``PREFECT_API_URL`` and the runs stay in its UI.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from roadmap_data.paths import data_dir

if TYPE_CHECKING:
    from roadmap_data.runkit.registry import Registration

METRIC = "test_accuracy"
"""What the registry ranks MNIST versions by (``train-mnist`` registers with it)."""
PREFECT_SETTINGS = {
    # Offline and private: no usage reports from the local server (it would try the network).
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    # The temporary server's own UI build is not needed to run flows.
    "PREFECT_UI_ENABLED": "false",
    # Its first start creates the database (migrations): 20 s, Prefect's default wait, is not
    # always enough on a busy two-core laptop.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
}


def configure_prefect(home: Path | None = None) -> Path:
    """Point Prefect at ``home`` (default ``<data dir>/prefect``) before it is imported.

    Prefect reads its settings once, at import, from the environment: this must run first. A
    ``PREFECT_HOME`` already set by the user wins over the default.
    """
    chosen = Path(os.environ.get("PREFECT_HOME") or home or data_dir() / "prefect")
    chosen.mkdir(parents=True, exist_ok=True)  # Prefect makes only the last folder of the path
    os.environ["PREFECT_HOME"] = str(chosen)
    for key, value in PREFECT_SETTINGS.items():
        os.environ.setdefault(key, value)
    return chosen


def warm_up(test_size: int | None, seed: int) -> None:
    """Import what the tasks need and read MNIST, meant for a thread started beside the flow.

    Prefect's temporary server starts in a subprocess (migrations, the API's imports: the
    longest part of a short run) while the flow waits for it. Importing torch, MLflow and month
    3's recipe, and reading the digits, in the meantime uses the other core; the tasks then find
    it all done (Python's import lock and ``_mnist_arrays``' cache make the overlap safe).
    """
    import mlflow.pyfunc  # noqa: F401  (the model logging of train_and_register)
    import torch._dynamo  # noqa: F401  (the first torch optimizer imports it: seconds)

    from m3_deep_learning.mnist import train  # noqa: F401
    from m3_deep_learning.mnist.data import load_mnist_tensors

    load_mnist_tensors(1, 0, test_size, seed)


@dataclass(frozen=True)
class RetrainRequest:
    """What one retraining is asked to do (the flow's parameters, as plain values)."""

    name: str = "mnist"
    """The registered model to add a version to."""
    epochs: int = 3
    train_size: int | None = None
    test_size: int | None = None
    seed: int = 0
    mlflow_uri: str | None = None
    """MLflow tracking and registry store (None: $MLFLOW_TRACKING_URI, else data/mlruns)."""
    out: str | None = None
    """Where train-mnist writes best.pt and its plots (None: data/runs/train-mnist)."""


@dataclass(frozen=True)
class RetrainReport:
    """What a flow run changed: the champion before, the version made, the champion verified."""

    before: tuple[int, float] | None
    registration: Registration
    served_accuracy: float
    """Test accuracy of ``NAME@champion`` after the run, loaded as the server loads it."""
    test_digits: int

    @property
    def promoted(self) -> bool:
        return self.registration.is_champion


def build_flow() -> Any:
    """The Prefect flow (built on first use, so importing this module does not import Prefect)."""
    from prefect import flow, task
    from prefect.cache_policies import NO_CACHE

    @task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
    def read_champion(name: str, mlflow_uri: str | None) -> tuple[int, float] | None:
        from roadmap_data.runkit.registry import champion_of

        return champion_of(name, METRIC, mlflow_uri)

    @task(cache_policy=NO_CACHE)
    def train_and_register(request: RetrainRequest) -> Registration:
        return train_version(request)

    @task(retries=2, retry_delay_seconds=1, cache_policy=NO_CACHE)
    def verify_champion(request: RetrainRequest, registration: Registration) -> tuple[float, int]:
        return verify_served_champion(request, registration)

    @flow(name="retrain-mnist", log_prints=True)
    def retrain_mnist(request: RetrainRequest) -> RetrainReport:
        """Retrain the MNIST CNN, register it, and check what the registry now serves."""
        before = read_champion(request.name, request.mlflow_uri)
        registration = train_and_register(request)
        served, digits = verify_champion(request, registration)
        print(registration.summary())
        return RetrainReport(before, registration, served, digits)

    return retrain_mnist


def train_version(request: RetrainRequest) -> Registration:
    """Month 3's recipe with ``--register NAME``: one MLflow run, one new registered version."""
    from m3_deep_learning.mnist.config import TrainConfig
    from m3_deep_learning.mnist.train import run

    config = TrainConfig(
        epochs=request.epochs, train_size=request.train_size, test_size=request.test_size,
        seed=request.seed, register=request.name, mlflow_uri=request.mlflow_uri,
        out=Path(request.out) if request.out else None, progress=False,
    )  # fmt: skip
    registration = run(config).registration
    assert registration is not None  # register= always registers (or raises)
    return registration


def verify_served_champion(
    request: RetrainRequest, registration: Registration
) -> tuple[float, int]:
    """Accuracy of ``NAME@champion``, loaded like ``serve`` does, on the run's test digits, and
    how many digits that was (``test_size``, at most the 10,000 of MNIST's test set).

    When this run made the champion, the figure must equal the score it was registered with
    (same weights, same digits): anything else means the registry holds a different file.
    """
    from m3_deep_learning.mnist.data import load_mnist_tensors
    from m3_deep_learning.mnist.models import load_trained
    from m3_deep_learning.mnist.pyfunc import class_probabilities
    from roadmap_data.runkit.registry import CHAMPION, resolve_model

    uri = f"models:/{request.name}@{CHAMPION}"
    found = resolve_model(uri, "best.pt", request.mlflow_uri)
    digits = load_mnist_tensors(1, 0, request.test_size, request.seed)  # the run's test digits
    # serve's MnistPredictor and the MLflow pyfunc both answer with these two functions.
    model, meta = load_trained(found.path)
    predicted = class_probabilities(model, meta, digits.raw_test).argmax(axis=1)
    accuracy = float((predicted == digits.y_test.numpy()).mean())
    if found.version == registration.version and abs(accuracy - registration.score) > 1e-9:
        raise RegistryMismatchError(
            f"{uri} (version {found.version}) scores {accuracy:.4f} on the test digits, "
            f"but was registered with {registration.score:.4f}: the stored model is not the "
            "one this run trained"
        )
    return accuracy, len(predicted)


class RegistryMismatchError(RuntimeError):
    """The champion the registry serves is not the model that was evaluated."""

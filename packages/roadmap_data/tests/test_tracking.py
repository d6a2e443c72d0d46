"""The run kit's MLflow tracking and model registry, on a toy model in a temporary file store.

The toy model is a NumPy weight vector saved with ``np.save`` (our "safe file") and a ten-line
models-from-code module, so these tests need neither torch nor scikit-learn.
"""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import numpy as np
import pytest

from roadmap_data.runkit.registry import (
    CHAMPION,
    ModelRef,
    ModelRegistryError,
    champion_of,
    client_for,
    parse_model_uri,
    register_version,
    resolve_model,
    resolve_model_file,
)
from roadmap_data.runkit.tracking import (
    MlflowTracker,
    ModelPackage,
    NullTracker,
    as_uri,
    default_tracking_uri,
    make_tracker,
    mlflow_store,
)

TOY_CODE = """
import mlflow
import numpy as np
from mlflow.pyfunc import PythonModel


class Toy(PythonModel):
    def load_context(self, context):
        self.weights = np.load(context.artifacts["model"], allow_pickle=False)

    def predict(self, context, model_input: np.ndarray, params=None) -> np.ndarray:
        return np.asarray(model_input, dtype=np.float64) @ self.weights


mlflow.models.set_model(Toy())
"""


@pytest.mark.parametrize(
    ("uri", "expected"),
    [
        ("models:/mnist@champion", ModelRef("mnist", alias="champion")),
        ("models:/titanic/3", ModelRef("titanic", version=3)),
        (" models:/my-model@staging/ ", ModelRef("my-model", alias="staging")),
    ],
)
def test_model_uris_are_parsed_and_printed_back(uri: str, expected: ModelRef) -> None:
    assert parse_model_uri(uri) == expected
    assert parse_model_uri(str(expected)) == expected


@pytest.mark.parametrize(
    ("uri", "message"),
    [
        ("models:/mnist", "names no version: write models:/mnist@champion"),
        ("models:/mnist/0", "a version is a number from 1, not '0'"),
        ("models:/mnist/latest", "a version is a number from 1, not 'latest'"),
        ("runs:/abc/model", "is not a model URI: write models:/NAME@ALIAS"),
        ("models:/a/1/2", "is not a model URI"),
    ],
)
def test_bad_model_uris_say_how_to_write_one(uri: str, message: str) -> None:
    with pytest.raises(ModelRegistryError, match=message):
        parse_model_uri(uri)


def test_store_locations(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert as_uri(tmp_path) == tmp_path.resolve().as_uri()
    assert as_uri("http://mlflow:5000") == "http://mlflow:5000"
    monkeypatch.delenv("MLFLOW_TRACKING_URI", raising=False)
    monkeypatch.setenv("AI_ROADMAP_DATA", str(tmp_path))
    assert default_tracking_uri() == (tmp_path / "mlruns").resolve().as_uri()
    monkeypatch.setenv("MLFLOW_TRACKING_URI", "http://team:5000")
    assert default_tracking_uri() == "http://team:5000"


def test_a_plain_path_is_returned_as_is() -> None:
    assert resolve_model_file("data/runs/train-mnist/best.pt", "best.pt") == Path(
        "data/runs/train-mnist/best.pt"
    )


def test_a_missing_store_names_the_command_that_makes_one(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ModelRegistryError) as error:
        resolve_model_file("models:/mnist@champion", "best.pt", missing.as_uri())
    assert f"no MLflow tracking store at {missing}" in str(error.value)
    assert "`uv run train-mnist --mlflow --register mnist`" in str(error.value)
    assert not missing.exists()  # looking did not create it


def test_an_unreachable_server_fails_in_seconds() -> None:
    """MLflow alone retries 7 times (minutes); serving start-up should fail with one clear line."""
    with socket.socket() as probe:  # a loopback port that nobody listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    start = time.perf_counter()
    with pytest.raises(ModelRegistryError, match="cannot read the MLflow registry at http://"):
        resolve_model_file("models:/mnist@champion", "best.pt", f"http://127.0.0.1:{port}")
    assert time.perf_counter() - start < 15
    assert "MLFLOW_HTTP_REQUEST_MAX_RETRIES" not in os.environ  # restored


def test_the_champion_alias_moves_only_to_a_better_score(tmp_path: Path) -> None:
    store = (tmp_path / "mlruns").as_uri()
    source = tmp_path / "model"  # the rule reads only tags: any source will do
    source.mkdir()
    scores = [0.80, 0.70, 0.80, 0.90]  # worse, a tie, better
    done = [
        register_version(str(source), "toy", metric="accuracy", score=s, tracking_uri=store)
        for s in scores
    ]
    assert [r.version for r in done] == [1, 2, 3, 4]
    assert [r.champion_version for r in done] == [1, 1, 1, 4]
    assert [r.is_champion for r in done] == [True, False, False, True]
    assert done[1].summary() == "toy v2 (accuracy 0.7000); @champion stays v1 (0.8000)"
    client = client_for(store)
    assert client.get_registered_model("toy").aliases == {CHAMPION: "4"}
    assert client.get_model_version("toy", "2").tags["accuracy"] == "0.7"


def test_champion_of_reads_the_alias_and_is_none_before_there_is_one(tmp_path: Path) -> None:
    store = (tmp_path / "mlruns").as_uri()
    assert champion_of("toy", "accuracy", store) is None  # no store yet (and none is made)
    assert not (tmp_path / "mlruns").exists()
    register_version(str(tmp_path), "other", metric="accuracy", score=0.5, tracking_uri=store)
    assert champion_of("toy", "accuracy", store) is None  # a store, but no such model
    register_version(str(tmp_path), "toy", metric="accuracy", score=0.8, tracking_uri=store)
    register_version(str(tmp_path), "toy", metric="accuracy", score=0.7, tracking_uri=store)
    assert champion_of("toy", "accuracy", store) == (1, 0.8)
    assert champion_of("toy", "f1", store) is None  # a champion without that score


def test_unknown_names_aliases_and_versions_list_what_exists(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # MLflow's own default store would be ./mlflow.db
    monkeypatch.delenv("MLFLOW_TRACKING_URI")
    store = (tmp_path / "mlruns").as_uri()
    register_version(str(tmp_path), "mnist", metric="acc", score=0.9, tracking_uri=store)
    cases = {
        "models:/mnsit@champion": "no model named 'mnsit' in .* \\(registered: mnist\\); train",
        "models:/mnist@best": "no alias 'best' \\(@champion → v1; versions 1\\)",
        "models:/mnist/7": "has no version 7 \\(versions 1\\); train and register one first: "
        "`uv run train-mnist --mlflow --register mnist`",
        "models:/titanic/1": "`uv run titanic --mlflow --register titanic`",
    }
    for uri, message in cases.items():
        with pytest.raises(ModelRegistryError, match=message):
            resolve_model_file(uri, "best.pt", store)
    assert not (tmp_path / "mlflow.db").exists()  # only the store we named was opened


def test_null_tracker_never_touches_the_model() -> None:
    def fail(_: object) -> None:
        raise AssertionError("predict must not run without tracking")

    package = ModelPackage(Path("x"), Path("y"), [1], fail, "acc", 1.0)
    tracker = make_tracker(False, None, "toy")
    assert isinstance(tracker, NullTracker)
    assert tracker.log_model(package, register="toy") is None


def toy_package(tmp_path: Path, weights: list[float], score: float) -> ModelPackage:
    """Weights saved as our "safe file" (a .npy), the toy loader module, a real input example."""
    folder = tmp_path / f"toy-{score}"
    folder.mkdir()
    file = folder / "weights.npy"
    np.save(file, np.asarray(weights))
    code = folder / "toy_model.py"
    code.write_text(TOY_CODE)
    example = np.arange(6, dtype=np.float64).reshape(2, 3)
    return ModelPackage(file, code, example, lambda x: x @ np.asarray(weights), "accuracy", score)


def test_log_register_load_and_resolve_a_pyfunc(tmp_path: Path) -> None:
    store = (tmp_path / "mlruns").as_uri()
    before = os.environ.get("MLFLOW_TRACKING_URI")
    registrations = []
    for weights, score in [([1.0, 0.0, 0.0], 0.5), ([0.0, 0.0, 2.0], 0.9), ([0.0, 1.0, 0.0], 0.1)]:
        with MlflowTracker(store, "toy-experiment") as tracker:
            tracker.log_params({"weights": weights})
            registrations.append(tracker.log_model(toy_package(tmp_path, weights, score), "toy"))
    assert [r.champion_version for r in registrations] == [1, 2, 2]
    assert os.environ.get("MLFLOW_TRACKING_URI") == before  # the store did not leak
    x = np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]])
    with mlflow_store(store) as mlflow:  # what `mlflow.pyfunc.load_model` users do
        model = mlflow.pyfunc.load_model(f"models:/toy@{CHAMPION}")
        np.testing.assert_allclose(model.predict(x), [6.0, 12.0])  # the v2 weights: 2 * column 3
        inputs = model.metadata.signature.inputs.to_dict()
        assert inputs == [{"type": "tensor", "tensor-spec": {"dtype": "float64", "shape": (-1, 3)}}]
        with pytest.raises(mlflow.exceptions.MlflowException, match="shape"):
            model.predict(np.ones((2, 4)))  # the signature refuses a wrong shape
    assert os.environ.get("MLFLOW_TRACKING_URI") == before
    cache = tmp_path / "cache"
    by_alias = resolve_model("models:/toy@champion", "weights.npy", store, cache=cache)
    by_version = resolve_model_file("models:/toy/3", "weights.npy", store, cache=cache)
    assert by_alias.version == 2 and by_alias.path.is_relative_to(cache)
    np.testing.assert_array_equal(np.load(by_alias.path), [0.0, 0.0, 2.0])
    np.testing.assert_array_equal(np.load(by_version), [0.0, 1.0, 0.0])
    with pytest.raises(ModelRegistryError, match=r"holds no best.pt \(artefacts: weights.npy\)"):
        resolve_model_file("models:/toy/1", "best.pt", store, cache=cache)
    client = client_for(store)
    experiment = client.get_experiment_by_name("toy-experiment").experiment_id
    [run] = client.search_runs([experiment], filter_string="params.weights = '[0.0, 0.0, 2.0]'")
    assert client.get_model_version("toy", "2").run_id == run.info.run_id
    assert run.info.status == "FINISHED"


def run_statuses(store: str, experiment: str) -> list[str]:
    client = client_for(store)
    found = client.get_experiment_by_name(experiment).experiment_id
    return [run.info.status for run in client.search_runs([found])]


def test_a_run_that_raises_ends_failed_and_the_error_propagates(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = (tmp_path / "mlruns").as_uri()
    with pytest.raises(RuntimeError, match="diverged"), MlflowTracker(store, "crash") as tracker:
        tracker.log_metrics({"loss": 1.0}, step=1)
        raise RuntimeError("loss diverged")  # training failing mid-way
    assert run_statuses(store, "crash") == ["FAILED"]

    def broken_registry(*args: object, **kwargs: object) -> None:
        raise ConnectionError("registry went away")

    monkeypatch.setattr("roadmap_data.runkit.registry.register_version", broken_registry)
    with pytest.raises(ConnectionError), MlflowTracker(store, "register") as tracker:
        tracker.log_model(toy_package(tmp_path, [1.0, 0.0, 0.0], 0.5), register="toy")
    # The model was logged (and MLflow ended the run FINISHED meanwhile); registering failed.
    assert run_statuses(store, "register") == ["FAILED"]
    with MlflowTracker(store, "fine"):
        pass
    assert run_statuses(store, "fine") == ["FINISHED"]


def test_a_failure_to_mark_the_run_does_not_hide_the_real_error(tmp_path: Path) -> None:
    tracker = MlflowTracker((tmp_path / "mlruns").as_uri(), "crash")

    def store_down(*args: object) -> None:
        raise OSError("store is down too")

    tracker.client.set_terminated = store_down  # type: ignore[method-assign]
    with pytest.raises(ValueError, match="the real error"), tracker:
        raise ValueError("the real error")


def test_a_version_is_downloaded_once_into_the_data_dir(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A server restart resolves the alias again but reuses the files: no download, no temp dir."""
    from roadmap_data.runkit import registry

    store = (tmp_path / "mlruns").as_uri()
    with MlflowTracker(store, "toy") as tracker:
        tracker.log_model(toy_package(tmp_path, [0.0, 3.0, 0.0], 0.7), register="toy")
    downloads: list[Path] = []
    real_download = registry._download

    def counted(model_uri: str, target: Path, store: str) -> None:
        downloads.append(target)
        real_download(model_uri, target, store)

    monkeypatch.setattr(registry, "_download", counted)
    monkeypatch.setenv("AI_ROADMAP_DATA", str(tmp_path / "data"))
    first = resolve_model("models:/toy@champion", "weights.npy", store)
    stamp = first.path.stat().st_mtime_ns
    second = resolve_model("models:/toy@champion", "weights.npy", store)
    assert first == second and first.version == 1 and len(downloads) == 1
    assert first.path.is_relative_to(tmp_path / "data" / "mlflow-cache")
    assert first.path.parts[-4:] == ("toy", "1", "artifacts", "weights.npy")
    assert second.path.stat().st_mtime_ns == stamp  # the same file, not a fresh copy
    np.testing.assert_array_equal(np.load(second.path), [0.0, 3.0, 0.0])
    assert [p.name for p in downloads[0].parent.iterdir()] == ["1"]  # no temp folder left
    # Two starts racing: the one that renames second keeps the first's (identical) copy.
    real_download("models:/toy/1", downloads[0], store)
    assert second.path.stat().st_mtime_ns == stamp
    assert [p.name for p in downloads[0].parent.iterdir()] == ["1"]

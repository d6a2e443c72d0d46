"""train-mnist → MLflow registry → pyfunc: the registered model answers like the checkpoint.

One small run with ``--register`` (an MLP, one epoch on 500 images, the smoke preset's 1000 test
digits), then the registered model is loaded back three ways: as an MLflow pyfunc by alias, and as
our own best.pt file through ``resolve_model_file`` by alias and by version (what ``serve`` does).
Truths come from outside the code under test: the raw labels, and probabilities computed here
with plain torch from the checkpoint file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import torch

from m3_deep_learning.errors import BadImageError
from m3_deep_learning.mnist import train
from m3_deep_learning.mnist.config import TrainConfig
from m3_deep_learning.mnist.data import MEAN, STD, load_mnist_tensors
from m3_deep_learning.mnist.models import load_trained
from m3_deep_learning.mnist.pyfunc import class_probabilities
from m3_deep_learning.mnist.train import main
from roadmap_data.runkit.registry import client_for, resolve_model, resolve_model_file
from roadmap_data.runkit.tracking import mlflow_store


@torch.no_grad()
def torch_probabilities(checkpoint: Path, images: np.ndarray) -> np.ndarray:
    """Softmax of the saved network on uint8 images, standardised by hand."""
    model, _ = load_trained(checkpoint)
    x = (torch.from_numpy(images).float() / 255 - MEAN) / STD  # (N, 28, 28)
    return model.eval()(x.unsqueeze(1)).softmax(dim=1).numpy()  # (N, 10)


@pytest.mark.slow
def test_train_register_then_load_the_champion(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    store, out = (tmp_path / "mlruns").as_uri(), tmp_path / "run"
    args = ["--smoke", "--model", "mlp", "--epochs", "1", "--train-size", "500"]
    args += ["--register", "--mlflow-uri", store, "--out", str(out)]
    assert main(args) == 0
    assert "mnist v1 (test_accuracy" in capsys.readouterr().out  # `--register` alone: "mnist"
    accuracy = json.loads((out / "metrics.json").read_text())["test_accuracy"]
    client = client_for(store)
    assert client.get_registered_model("mnist").aliases == {"champion": "1"}
    assert float(client.get_model_version("mnist", "1").tags["test_accuracy"]) == accuracy

    data = load_mnist_tensors(train_size=0, test_size=1000, seed=0)  # the run's test digits
    images, labels = data.raw_test, data.y_test.numpy()
    with mlflow_store(store) as mlflow:
        model = mlflow.pyfunc.load_model("models:/mnist@champion")
        probabilities = model.predict(images)  # (1000, 10)
        signature = model.metadata.signature
        with pytest.raises(mlflow.exceptions.MlflowException):
            model.predict(images[:2].astype(np.float64))  # not grey levels 0–255: refused
    assert probabilities.shape == (1000, 10) and probabilities.dtype == np.float32
    expected = torch_probabilities(out / "best.pt", images)
    np.testing.assert_allclose(probabilities, expected, atol=1e-5)
    assert float((probabilities.argmax(axis=1) == labels).mean()) == pytest.approx(accuracy)
    spec = signature.inputs.to_dict()[0]["tensor-spec"]
    assert (spec["dtype"], tuple(spec["shape"])) == ("uint8", (-1, 28, 28))
    assert signature.outputs.to_dict()[0]["tensor-spec"]["shape"] == (-1, 10)

    by_alias = resolve_model("models:/mnist@champion", "best.pt", store, cache=tmp_path / "c")
    by_version = resolve_model_file("models:/mnist/1", "best.pt", store, cache=tmp_path / "c")
    assert by_alias.version == 1 and by_alias.path.name == "best.pt"
    for path in (by_alias.path, by_version):
        assert path.read_bytes() == (out / "best.pt").read_bytes()
        assert load_trained(path)[1]["model"] == "mlp"


def test_class_probabilities_checks_the_shape() -> None:
    model, meta = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(784, 10)), {}
    assert class_probabilities(model, meta, np.zeros((3, 28, 28), np.uint8)).shape == (3, 10)
    with pytest.raises(BadImageError, match=r"expected \(N, 28, 28\) grey images, got shape"):
        class_probabilities(model, meta, np.zeros((28, 28), np.uint8))


def test_a_run_that_fails_mid_training_ends_failed_in_mlflow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Epoch 1 trains and is logged, epoch 2 raises: the run is FAILED, not left RUNNING."""
    store = (tmp_path / "mlruns").as_uri()
    real_epoch = train.train_epoch

    def crash_in_epoch_2(*args: Any) -> Any:  # (config, world, model, data, recipe, epoch, ...)
        if args[5] == 2:
            raise FloatingPointError("loss is nan")
        return real_epoch(*args)

    monkeypatch.setattr(train, "train_epoch", crash_in_epoch_2)
    sizes = {"train_size": 200, "test_size": 100}
    config = TrainConfig.preset("tiny", model="mlp", mlflow=True, mlflow_uri=store, **sizes)
    with pytest.raises(FloatingPointError, match="loss is nan"):
        train.run(config.replace(out=tmp_path / "run"))
    client = client_for(store)
    [logged] = client.search_runs([client.get_experiment_by_name("train-mnist").experiment_id])
    assert logged.info.status == "FAILED"
    assert [m.step for m in client.get_metric_history(logged.info.run_id, "train_loss")] == [1]

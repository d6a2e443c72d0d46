"""train-mnist: real learning on a small subset, artefacts, configs, CLI errors and MLflow.

Scores are checked against truths the code under test did not compute: the raw labels of the
data registry, sklearn's confusion matrix, and the saved checkpoint re-scored with plain torch.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
import torch
from sklearn.metrics import confusion_matrix as sklearn_confusion_matrix
from torch import nn

from m3_deep_learning.mnist.config import TrainConfig
from m3_deep_learning.mnist.data import load_mnist_tensors
from m3_deep_learning.mnist.models import load_trained
from m3_deep_learning.mnist.train import build_parser, main, run
from m3_deep_learning.training import predict
from roadmap_data.runkit import ConfigError


@torch.no_grad()
def torch_predictions(model: nn.Module, x: torch.Tensor) -> np.ndarray:
    """The class of the largest logit, computed here with plain torch (not ``training.predict``)."""
    return model.eval()(x).argmax(dim=1).numpy()


def test_predict_returns_the_class_and_softmax_probability_of_the_largest_logit() -> None:
    """A fixed linear "model" whose answers are known in advance: logits = x @ W."""
    model = nn.Linear(3, 3, bias=False)
    with torch.no_grad():
        model.weight.copy_(torch.eye(3))  # logits = the input itself
    x = torch.tensor([[0.0, 2.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 5.0]])
    classes, confidences = predict(model, x, device="cpu", batch_size=2)  # batches of 2 and 1
    assert classes.tolist() == [1, 0, 2]
    e = np.e
    expected = [e**2 / (e**2 + 2), e / (e + 2), e**5 / (e**5 + 2)]  # softmax of the largest logit
    np.testing.assert_allclose(confidences, expected, rtol=1e-6)


@pytest.mark.slow
def test_tiny_run_learns_real_digits(tiny_mnist_run) -> None:
    result = tiny_mnist_run
    assert result.test_accuracy >= 0.90  # 2000 training images, 1000 unseen test images
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    # Rows are the true digits: their sums are the label counts of the test subset, whatever
    # the model predicted.
    labels = load_mnist_tensors(train_size=0, test_size=1000, seed=0).y_test.numpy()
    rows = np.asarray(result.confusion).sum(axis=1)
    assert rows.tolist() == np.bincount(labels, minlength=10).tolist()


@pytest.mark.slow
def test_artefacts_are_written_and_the_checkpoint_reproduces_the_score(tiny_mnist_run) -> None:
    out = tiny_mnist_run.out
    for name in ("metrics.json", "best.pt", "confusion_matrix.png", "misclassified.png"):
        assert (out / name).stat().st_size > 0, name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test_accuracy"] == tiny_mnist_run.test_accuracy
    assert metrics["config"]["train_size"] == 2000
    model, meta = load_trained(out / "best.pt")
    data = load_mnist_tensors(train_size=0, test_size=1000, seed=0)  # the same seeded test subset
    labels, predicted = data.y_test.numpy(), torch_predictions(model, data.x_test)
    assert float((predicted == labels).mean()) == pytest.approx(metrics["test_accuracy"])
    expected = sklearn_confusion_matrix(labels, predicted, labels=range(10))
    assert metrics["confusion_matrix"] == expected.tolist()
    assert meta["model"] == "cnn" and meta["epoch"] == 2


@pytest.fixture
def torch_threads() -> Iterator[None]:
    """Give back torch's thread count (a process-wide setting) to the tests that run next."""
    before = torch.get_num_threads()
    yield
    torch.set_num_threads(before)


@pytest.mark.slow
@pytest.mark.usefixtures("torch_threads")
def test_validation_rolls_back_to_the_best_epoch_and_mlflow_logs_the_run(tmp_path: Path) -> None:
    """A recipe that overshoots (MLP, constant lr 0.01): epoch 2 beats epoch 3 on validation.

    Two torch threads, whatever the machine or an earlier test set: the thread count changes
    the order of float sums, and on 1,000 digits that is enough to change which epoch wins
    (one thread: validation 0.633, 0.687, 0.693; two: 0.647, 0.700, 0.630)."""
    from mlflow.tracking import MlflowClient

    sizes = {"train_size": 1000, "val_size": 300, "test_size": 300}
    store = (tmp_path / "mlruns").as_uri()
    config = TrainConfig.preset(
        "tiny", model="mlp", epochs=3, schedule="constant", lr=0.01, batch_size=16, mlflow=True,
        mlflow_uri=store, out=tmp_path, threads=2, **sizes,
    )  # fmt: skip
    result = run(config)
    assert result.best_epoch < config.epochs  # so the rollback path runs
    # Re-score the saved weights here, on the same seeded split: they are the best epoch's...
    model, meta = load_trained(tmp_path / "best.pt")
    data = load_mnist_tensors(**sizes, seed=0)
    val_accuracy = float((torch_predictions(model, data.x_val) == data.y_val.numpy()).mean())
    assert meta["epoch"] == result.best_epoch
    assert val_accuracy == pytest.approx(max(row["val_accuracy"] for row in result.history))
    assert val_accuracy > result.history[-1]["val_accuracy"] + 0.02  # …not the last epoch's,
    test_accuracy = float((torch_predictions(model, data.x_test) == data.y_test.numpy()).mean())
    assert result.test_accuracy == pytest.approx(test_accuracy)  # …and they made the test score.
    client = MlflowClient(store)
    [experiment] = [e for e in client.search_experiments() if e.name == "train-mnist"]
    [logged] = client.search_runs([experiment.experiment_id])
    assert logged.data.metrics["test_accuracy"] == pytest.approx(result.test_accuracy)
    assert logged.data.params["train_size"] == "1000"
    history = client.get_metric_history(logged.info.run_id, "val_accuracy")
    assert [m.value for m in history] == pytest.approx([r["val_accuracy"] for r in result.history])
    artefacts = {f.path for f in client.list_artifacts(logged.info.run_id)}
    assert {"metrics.json", "confusion_matrix.png", "history.png"} <= artefacts
    assert result.registration is None  # logged with the run, registered only with --register
    assert logged.info.status == "FINISHED"


def test_presets_and_unknown_keys() -> None:
    assert TrainConfig.preset() == TrainConfig.preset("cpu") == TrainConfig()
    assert TrainConfig.preset("reference").optimizer == "adadelta"
    assert TrainConfig.preset("tiny", epochs=1).epochs == 1
    with pytest.raises(ConfigError, match=r"unknown TrainConfig key.*epoch;"):
        TrainConfig.preset(epoch=3)
    with pytest.raises(ConfigError, match="optimizer must be one of 'adamw', 'sgd', 'adadelta'"):
        TrainConfig.preset(optimizer="adam")
    with pytest.raises(ConfigError, match="unknown preset"):
        TrainConfig.preset("huge")


def test_help_documents_every_option_from_the_config() -> None:
    text = build_parser().format_help()
    for flag in ("--smoke", "--epochs", "--model", "--mlflow", "--device", "--no-progress",
                 "torchrun"):  # fmt: skip
        assert flag in text
    assert "Passes over the training images" in text  # the field's docstring became its help


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "0"], "epochs must be at least 1, not 0"),
        (["--train-size", "0"], "train_size must be at least 1, not 0"),
        (["--threads", "0"], "threads must be at least 1, not 0"),
    ],
)
def test_cli_reports_bad_settings_in_one_line(
    args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*args, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"error: {message}\n"
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(torch.cuda.is_available(), reason="checks the no-GPU message")
def test_asking_for_a_missing_gpu_is_a_clear_error(tmp_path: Path, capsys) -> None:
    assert main(["--device", "cuda", "--out", str(tmp_path)]) == 2
    assert "no CUDA GPU is available" in capsys.readouterr().err

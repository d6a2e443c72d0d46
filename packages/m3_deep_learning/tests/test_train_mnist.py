"""train-mnist: real learning on a small subset, artefacts, configs, CLI errors and MLflow."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import torch

from m3_deep_learning.checkpoint import load_checkpoint
from m3_deep_learning.config import ConfigError
from m3_deep_learning.mnist_data import load_mnist_tensors
from m3_deep_learning.train_config import PRESETS, TrainConfig, make_config
from m3_deep_learning.train_mnist import build_parser, main, predict, run


@pytest.mark.slow
def test_tiny_run_learns_real_digits(tiny_mnist_run) -> None:
    result = tiny_mnist_run
    assert result.test_accuracy >= 0.90  # 2000 training images, 1000 unseen test images
    assert result.history[-1]["train_loss"] < result.history[0]["train_loss"]
    matrix = np.asarray(result.confusion)
    assert matrix.sum() == 1000 and np.trace(matrix) / 1000 == pytest.approx(result.test_accuracy)


@pytest.mark.slow
def test_artefacts_are_written_and_the_checkpoint_reproduces_the_score(tiny_mnist_run) -> None:
    out = tiny_mnist_run.out
    for name in ("metrics.json", "best.pt", "confusion_matrix.png", "misclassified.png"):
        assert (out / name).stat().st_size > 0, name
    metrics = json.loads((out / "metrics.json").read_text())
    assert metrics["test_accuracy"] == tiny_mnist_run.test_accuracy
    assert metrics["config"]["train_size"] == 2000
    model, meta = load_checkpoint(out / "best.pt")
    data = load_mnist_tensors(train_size=0, test_size=1000, seed=0)  # the same seeded test subset
    predicted, _ = predict(model, data.x_test, device="cpu")
    assert float((predicted == data.y_test.numpy()).mean()) == metrics["test_accuracy"]
    assert meta["model"] == "cnn" and meta["epoch"] == 2


@pytest.mark.slow
def test_validation_split_picks_the_checkpoint_and_mlflow_logs_the_run(tmp_path: Path) -> None:
    from mlflow.tracking import MlflowClient

    config = make_config(
        "tiny", train_size=400, val_size=200, test_size=200, epochs=2, mlflow=True,
        out=str(tmp_path),
    )  # fmt: skip
    result = run(config)
    assert result.best_epoch in (1, 2)
    best = max(result.history, key=lambda row: row["val_accuracy"])
    assert best["epoch"] == result.best_epoch
    client = MlflowClient((tmp_path / "mlruns").as_uri())
    [experiment] = [e for e in client.search_experiments() if e.name == "train-mnist"]
    [logged] = client.search_runs([experiment.experiment_id])
    assert logged.data.metrics["test_accuracy"] == pytest.approx(result.test_accuracy)
    assert logged.data.params["train_size"] == "400"
    history = client.get_metric_history(logged.info.run_id, "val_accuracy")
    assert [m.value for m in history] == pytest.approx([r["val_accuracy"] for r in result.history])


def test_presets_and_unknown_keys() -> None:
    assert make_config() == PRESETS["cpu"] == TrainConfig()
    assert make_config("reference").optimizer == "adadelta"
    assert make_config("tiny", epochs=1).epochs == 1
    with pytest.raises(ConfigError, match=r"unknown TrainConfig key.*epoch;"):
        make_config(epoch=3)
    with pytest.raises(ConfigError, match="optimizer must be one of"):
        make_config(optimizer="adam")
    with pytest.raises(ConfigError, match="unknown preset"):
        make_config("huge")


def test_help_documents_every_option_from_the_config() -> None:
    text = build_parser().format_help()
    for flag in ("--smoke", "--epochs", "--model", "--mlflow", "--device", "torchrun"):
        assert flag in text
    assert "Passes over the training images" in text  # the field's docstring became its help


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--epochs", "0"], "epochs and batch_size must be at least 1"),
        (["--train-size", "0"], "train_size must be at least 1, not 0"),
        (["--threads", "0"], "threads must be at least 1"),
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

"""Train a CNN (or an MLP) on MNIST: the month's flagship, on one process or many.

    uv run train-mnist                      # our CNN, 3 epochs: 99.35 % on the 10k test digits
    uv run train-mnist --model mlp          # the dense baseline
    uv run train-mnist --preset reference   # the pytorch/examples network and recipe
    uv run train-mnist --mlflow --register mnist   # + MLflow run; model registered (data/mlruns)
    uv run torchrun --nproc-per-node 2 -m m3_deep_learning.mnist.train --smoke   # DDP on 2 CPUs

``run(config)`` is the whole recipe: load tensors, build model and optimiser, repeat the five-step
loop (``training.train_one_epoch``) per epoch, keep the checkpoint that scores best on held-out
validation images, then report on the untouched test set once. Writes best.pt, metrics.json,
confusion_matrix.png, misclassified.png and history.png to --out. Under torchrun every process
runs this same recipe on its shard of the data (``distributed.World``); rank 0 writes the files.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch
from tqdm import tqdm

from m3_deep_learning.checkpoint import save_checkpoint
from m3_deep_learning.distributed import World, weights_digest
from m3_deep_learning.mnist.config import Recipe, TrainConfig, make_recipe, steps_per_epoch
from m3_deep_learning.mnist.data import MEAN, STD, MnistTensors, batches, load_mnist_tensors
from m3_deep_learning.mnist.models import build_model, count_parameters
from m3_deep_learning.mnist.pyfunc import model_package
from m3_deep_learning.plots import (
    confusion_matrix,
    save_confusion_matrix,
    save_history,
    save_misclassified,
)
from m3_deep_learning.training import (
    EpochStats,
    evaluate,
    predict,
    train_one_epoch,
)
from roadmap_data import runs_dir
from roadmap_data.console import friendly_errors, print_table, seed_everything
from roadmap_data.runkit import RunParser, save_metrics
from roadmap_data.runkit.registry import Registration
from roadmap_data.runkit.tracking import Tracker, make_tracker


@dataclass
class TrainResult:
    """What a run measured; ``metrics()`` is what goes to metrics.json."""

    config: TrainConfig
    test_accuracy: float
    best_epoch: int
    train_seconds: float
    train_images_per_s: float
    infer_images_per_s: float
    parameters: int
    world_size: int
    out: Path
    checkpoint: Path
    history: list[dict[str, float]] = field(default_factory=list)
    confusion: list[list[int]] = field(default_factory=list)
    weight_digests: list[str] = field(default_factory=list)
    is_main: bool = True
    registration: Registration | None = None  # with --register: the version made, the champion

    def metrics(self) -> dict[str, Any]:
        return {
            "model": self.config.model,
            "test_accuracy": self.test_accuracy,
            "best_epoch": self.best_epoch,
            "train_seconds": self.train_seconds,
            "train_images_per_s": self.train_images_per_s,
            "infer_images_per_s": self.infer_images_per_s,
            "parameters": self.parameters,
            "world_size": self.world_size,
            "checkpoint": str(self.checkpoint),
            "history": self.history,
            "confusion_matrix": self.confusion,
            "weight_digests": self.weight_digests,
        }


def run(config: TrainConfig) -> TrainResult:
    """Train, select the best epoch on validation, test once, save artefacts (rank 0)."""
    with World.start(config.setup_torch()) as world:
        tracking = config.tracking and world.is_main  # rank 0 records; the others: a no-op
        # Leaving the block ends the MLflow run: FAILED, not left RUNNING, if anything raised.
        with make_tracker(tracking, config.mlflow_uri, "train-mnist") as tracker:
            return train(config, world, tracker)


def train(config: TrainConfig, world: World, tracker: Tracker) -> TrainResult:
    """The recipe, top to bottom; ``world`` only matters under torchrun (see ``distributed``)."""
    out = config.out or runs_dir("train-mnist")
    seed_everything(config.seed)
    torch.manual_seed(config.seed)  # same initial weights on every rank (DDP also broadcasts them)
    shifts = torch.Generator().manual_seed(config.seed + world.rank)  # per-rank augmentation
    data = load_mnist_tensors(config.train_size, config.val_size, config.test_size, config.seed)
    model = build_model(config.model).to(world.device)
    ddp_model = world.wrap(model)  # the model itself under one process
    steps = steps_per_epoch(world.shard_size(len(data.y_train)), config.batch_size)
    recipe = make_recipe(config, ddp_model, steps)
    tracker.log_params(config.to_dict())
    checkpoint = out / "best.pt"
    history: list[dict[str, float]] = []
    best_score, best_epoch, train_seconds, images_seen = -1.0, 0, 0.0, 0
    for epoch in range(1, config.epochs + 1):
        stats, seconds = train_epoch(config, world, ddp_model, data, recipe, epoch, shifts)
        train_seconds += seconds
        images_seen += stats.examples
        row = {"epoch": epoch, "train_loss": stats.loss, "train_accuracy": stats.accuracy,
               "train_seconds": train_seconds}  # fmt: skip
        if len(data.y_val):
            val = evaluate(model, batches(data.x_val, data.y_val, range(len(data.y_val)), 1000),
                           recipe.loss, world.device)  # fmt: skip
            row |= {"val_loss": val.loss, "val_accuracy": val.accuracy}
        history.append(row)
        tracker.log_metrics({k: v for k, v in row.items() if k != "epoch"}, step=epoch)
        score = row.get("val_accuracy", float(epoch))  # no validation set: the latest epoch wins
        if score > best_score:
            best_score, best_epoch = score, epoch
            if world.is_main:
                save_checkpoint(checkpoint, config.model, model, epoch=epoch, mean=MEAN, std=STD,
                                val_accuracy=row.get("val_accuracy"))  # fmt: skip
        if world.is_main:
            tqdm.write(_epoch_line(row), file=sys.stderr)
    digests = world.gather(weights_digest(model))
    if best_epoch != config.epochs:  # roll back to the best epoch's weights
        world.barrier()  # rank 0 has finished writing the file
        state = torch.load(checkpoint, map_location=world.device, weights_only=True)
        model.load_state_dict(state["state_dict"])
    start = time.perf_counter()
    predicted, confidence = predict(model, data.x_test, world.device)
    infer_seconds = time.perf_counter() - start
    labels = data.y_test.numpy()
    result = TrainResult(
        config=config,
        test_accuracy=float((predicted == labels).mean()),
        best_epoch=best_epoch,
        train_seconds=train_seconds,
        train_images_per_s=images_seen / max(train_seconds, 1e-9),
        infer_images_per_s=len(labels) / max(infer_seconds, 1e-9),
        parameters=count_parameters(model),
        world_size=world.size,
        out=out,
        checkpoint=checkpoint,
        history=history,
        confusion=confusion_matrix(labels, predicted).tolist(),
        weight_digests=digests,
        is_main=world.is_main,
    )
    if world.is_main:
        save_artefacts(result, data, predicted, confidence, tracker)
    return result


def train_epoch(
    config: TrainConfig,
    world: World,
    model: torch.nn.Module,
    data: MnistTensors,
    recipe: Recipe,
    epoch: int,
    shifts: torch.Generator,
) -> tuple[EpochStats, float]:
    """One pass over this rank's shard of the shuffled training images, and its seconds.

    The statistics are the whole world's: each rank saw different images, so their sums are added
    up across ranks (a no-op for one process) before dividing.
    """
    indices = world.shard(len(data.y_train), epoch, config.seed)
    stream = batches(
        data.x_train, data.y_train, indices, config.batch_size, config.max_shift, shifts
    )
    bar = tqdm(
        stream,
        total=steps_per_epoch(len(indices), config.batch_size),
        desc=f"epoch {epoch}/{config.epochs}",
        disable=not (config.progress and world.is_main),
        leave=False,
        file=sys.stderr,
    )
    start = time.perf_counter()
    stats = train_one_epoch(
        model, bar, recipe.optimizer, recipe.loss, world.device, recipe.batch_scheduler
    )
    seconds = time.perf_counter() - start
    recipe.end_epoch()
    world.sync_buffers(model)  # BatchNorm statistics: take rank 0's everywhere
    loss_sum, correct, seen = world.sum(
        [stats.loss * stats.examples, stats.accuracy * stats.examples, stats.examples]
    )
    return EpochStats(loss_sum / seen, correct / seen, int(seen)), seconds


def _epoch_line(row: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items())


def save_artefacts(
    result: TrainResult,
    data: MnistTensors,
    predicted: np.ndarray,
    confidence: np.ndarray,
    tracker: Tracker,
) -> None:
    """metrics.json, confusion matrix, misclassified digits and learning curves (rank 0 only).

    Written here rather than in ``main`` so that MLflow records them with the run, followed by
    the model (best.pt as a pyfunc whose example is five real test digits) and, with
    ``--register``, its registration.
    """
    out, labels = result.out, data.y_test.numpy()
    title = f"{result.config.model}: {result.test_accuracy:.2%} of {len(labels)} test digits"
    paths = [
        save_metrics(result, result.config, out),
        save_confusion_matrix(np.asarray(result.confusion), out / "confusion_matrix.png", title),
        save_misclassified(data.raw_test, labels, predicted, confidence, out / "misclassified.png"),
        save_history(result.history, out / "history.png"),
    ]
    for path in paths:
        tracker.log_artifact(path)
    tracker.log_metrics({"test_accuracy": result.test_accuracy}, step=result.best_epoch)
    package = model_package(result.checkpoint, data.raw_test[:5], result.test_accuracy)
    result.registration = tracker.log_model(package, register=result.config.register)


def build_parser() -> RunParser:
    flags = ["model", "epochs", "batch_size", "lr", "train_size", "threads", "device", "mlflow",
             "mlflow_uri", "progress"]  # fmt: skip
    parser = RunParser("train-mnist", __doc__, TrainConfig, flags=flags,
                       preset_help="starting recipe: cpu (default), full (10 epochs), tiny "
                                   "(seconds), reference (the pytorch/examples recipe)")  # fmt: skip
    parser.add_field("register", nargs="?", const="mnist", metavar="NAME")
    return parser


def print_report(result: TrainResult) -> None:
    rows = [[k, v] for k, v in {
        "model": f"{result.config.model} ({result.parameters:,} parameters)",
        "processes": result.world_size,
        "best epoch": f"{result.best_epoch} of {result.config.epochs}",
        "test accuracy": f"{result.test_accuracy:.2%}",
        "train time": f"{result.train_seconds:.1f} s",
        "train images/s": f"{result.train_images_per_s:,.0f}",
        "inference images/s": f"{result.infer_images_per_s:,.0f}",
        "artefacts": str(result.out),
    }.items()]  # fmt: skip
    if result.registration is not None:
        rows.append(["registered", result.registration.summary()])
    print_table("train-mnist", ["", "value"], rows)


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    config = parser.config(parser.parse_args(argv))
    result = run(config)  # writes metrics.json and the plots itself (rank 0 only)
    if result.is_main:
        print_report(result)
    return 0


if __name__ == "__main__":  # `python -m m3_deep_learning.mnist.train`, which torchrun needs
    sys.exit(main())

"""Train a CNN (or an MLP) on MNIST: the month's flagship, on one process or many.

    uv run train-mnist                      # our CNN, 3 epochs: 99.35 % on the 10k test digits
    uv run train-mnist --model mlp          # the dense baseline
    uv run torchrun --nproc-per-node 2 -m m3_deep_learning.train_mnist --smoke   # DDP on 2 CPUs

``run(config)`` is the whole recipe: load tensors, build model and optimiser, repeat the five-step
loop (``training.train_one_epoch``) per epoch, keep the checkpoint that scores best on held-out
validation images, then report on the untouched test set once. ``main`` is the CLI around it.
"""

from __future__ import annotations

import argparse
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from m3_deep_learning import distributed as dist_utils
from m3_deep_learning.checkpoint import save_checkpoint
from m3_deep_learning.config import field_docs
from m3_deep_learning.mnist_data import MEAN, STD, batches, load_mnist_tensors
from m3_deep_learning.models import build_model, count_parameters
from m3_deep_learning.plots import (
    confusion_matrix,
    save_confusion_matrix,
    save_history,
    save_misclassified,
)
from m3_deep_learning.tracking import Tracker, make_tracker
from m3_deep_learning.train_config import (
    PRESETS,
    TrainConfig,
    as_dict,
    make_config,
    make_loss,
    make_optimizer,
    steps_per_epoch,
)
from m3_deep_learning.training import evaluate, pick_device, predict, train_one_epoch
from roadmap_data import runs_dir
from roadmap_data.console import friendly_errors, print_table, save_json, seed_everything


@dataclass
class Result:
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

    def metrics(self) -> dict[str, object]:
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
            "config": as_dict(self.config),
        }


def run(config: TrainConfig) -> Result:
    """Train, select the best epoch on validation, test once, save artefacts (rank 0)."""
    device = dist_utils.local_device(pick_device(config.device))
    world = dist_utils.init_world(device)
    try:
        return _run(config, device, world)
    finally:
        dist_utils.close_world(world)


def _run(config: TrainConfig, device: torch.device, world: dist_utils.World) -> Result:
    out = Path(config.out) if config.out else runs_dir("train-mnist")
    if config.threads:
        torch.set_num_threads(config.threads)
    seed_everything(config.seed)
    torch.manual_seed(config.seed)  # same initial weights on every rank (DDP also broadcasts them)
    shifts = torch.Generator().manual_seed(config.seed + world.rank)  # per-rank augmentation
    data = load_mnist_tensors(config.train_size, config.val_size, config.test_size, config.seed)
    model = build_model(config.model).to(device)
    ddp_model = dist_utils.wrap(model, world, device)
    n_train = len(data.y_train)
    per_rank = -(-n_train // world.size)  # DistributedSampler pads to equal shares
    optimizer, scheduler, per_batch = make_optimizer(
        config, ddp_model, steps_per_epoch(per_rank, config.batch_size)
    )
    loss_fn = make_loss(config)
    tracker = make_tracker(config.mlflow and world.is_main, out, config.mlflow_uri, "train-mnist")
    tracker.log_params(as_dict(config))
    checkpoint = out / "best.pt"
    history: list[dict[str, float]] = []
    best_val, best_epoch, train_seconds, images_seen = -1.0, 0, 0.0, 0
    for epoch in range(1, config.epochs + 1):
        indices = dist_utils.epoch_indices(n_train, epoch, config.seed, world)
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
            ddp_model, bar, optimizer, loss_fn, device, scheduler if per_batch else None
        )
        train_seconds += time.perf_counter() - start
        if not per_batch:
            scheduler.step()
        dist_utils.sync_buffers(model, world)  # BatchNorm statistics: take rank 0's everywhere
        # Each rank saw different images: add up their sums to get the whole epoch's numbers.
        loss_sum, correct, seen = dist_utils.sum_across(
            [stats.loss * stats.examples, stats.accuracy * stats.examples, stats.examples], world
        )
        images_seen += int(seen)
        row = {"epoch": epoch, "train_loss": loss_sum / seen, "train_accuracy": correct / seen,
               "train_seconds": train_seconds}  # fmt: skip
        if len(data.y_val):
            val = evaluate(model, batches(data.x_val, data.y_val, range(len(data.y_val)), 1000),
                           loss_fn, device)  # fmt: skip
            row |= {"val_loss": val.loss, "val_accuracy": val.accuracy}
        history.append(row)
        tracker.log_metrics({k: v for k, v in row.items() if k != "epoch"}, step=epoch)
        score = row.get("val_accuracy", float(epoch))  # no validation set: the latest epoch wins
        if score > best_val:
            best_val, best_epoch = score, epoch
            if world.is_main:
                save_checkpoint(checkpoint, config.model, model, epoch=epoch, mean=MEAN, std=STD,
                                val_accuracy=row.get("val_accuracy"))  # fmt: skip
        if world.is_main:
            tqdm.write(_epoch_line(row), file=sys.stderr)
    digests = [str(d) for d in dist_utils.gather(dist_utils.weights_digest(model), world)]
    if len(data.y_val) and best_epoch != config.epochs:  # roll back to the best epoch's weights
        if world.distributed:
            torch.distributed.barrier()  # rank 0 has finished writing the file
        state = torch.load(checkpoint, map_location=device, weights_only=True)
        model.load_state_dict(state["state_dict"])
    start = time.perf_counter()
    predicted, confidence = predict(model, data.x_test, device)
    infer_seconds = time.perf_counter() - start
    labels = data.y_test.numpy()
    result = Result(
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
        _save_artefacts(result, data.raw_test, labels, predicted, confidence, tracker)
    tracker.close()
    return result


def _epoch_line(row: dict[str, float]) -> str:
    return "  ".join(f"{k} {v:.4f}" if isinstance(v, float) else f"{k} {v}" for k, v in row.items())


def _save_artefacts(
    result: Result,
    raw_test: np.ndarray,
    labels: np.ndarray,
    predicted: np.ndarray,
    confidence: np.ndarray,
    tracker: Tracker,
) -> None:
    """metrics.json, confusion matrix, misclassified digits and learning curves (rank 0 only)."""
    out = result.out
    matrix = np.asarray(result.confusion)
    title = f"{result.config.model}: {result.test_accuracy:.2%} of {len(labels)} test digits"
    paths = [
        save_json(out / "metrics.json", result.metrics()),
        save_confusion_matrix(matrix, out / "confusion_matrix.png", title),
        save_misclassified(raw_test, labels, predicted, confidence, out / "misclassified.png"),
        save_history(result.history, out / "history.png"),
    ]
    for path in paths:
        tracker.log_artifact(path)
    tracker.log_metrics({"test_accuracy": result.test_accuracy}, step=result.best_epoch)


def build_parser() -> argparse.ArgumentParser:
    docs = field_docs(TrainConfig)
    parser = argparse.ArgumentParser(
        prog="train-mnist",
        description=__doc__.split("\n\n")[0] + " Writes best.pt, metrics.json and PNG plots.",
        epilog=__doc__.split("\n\n")[1],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--preset", default="cpu", choices=sorted(PRESETS),
                        help="starting recipe: cpu (default), full (10 epochs), tiny, reference "
                             "(the pytorch/examples recipe)")  # fmt: skip
    parser.add_argument("--smoke", action="store_true",
                        help="seconds-long check: 1 epoch on 1500 images, out data/runs/train-mnist-smoke")  # fmt: skip
    parser.add_argument("--model", choices=["cnn", "mlp", "reference"], help=docs["model"])
    parser.add_argument("--epochs", type=int, help=docs["epochs"])
    parser.add_argument("--batch-size", type=int, help=docs["batch_size"])
    parser.add_argument("--lr", type=float, help=docs["lr"])
    parser.add_argument("--train-size", type=int, help=docs["train_size"])
    parser.add_argument("--seed", type=int, help=docs["seed"])
    parser.add_argument("--threads", type=int, help=docs["threads"])
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], help=docs["device"])
    parser.add_argument("--out", help=docs["out"])
    parser.add_argument("--mlflow", action="store_true", default=None, help=docs["mlflow"])
    parser.add_argument("--mlflow-uri", help=docs["mlflow_uri"])
    parser.add_argument("--no-progress", dest="progress", action="store_false", default=None,
                        help="no progress bar (logs, CI)")  # fmt: skip
    return parser


# --smoke: seconds, not minutes; enough steps (24) that the model visibly learns.
SMOKE = {
    "epochs": 1,
    "batch_size": 64,
    "train_size": 1500,
    "val_size": 500,
    "test_size": 1000,
    "progress": False,
}


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    args = vars(build_parser().parse_args(argv))
    preset, smoke = args.pop("preset"), args.pop("smoke")
    overrides = {key: value for key, value in args.items() if value is not None}
    if smoke:
        overrides = {**SMOKE, "out": str(runs_dir("train-mnist-smoke")), **overrides}
    result = run(make_config(preset, **overrides))
    if result.is_main:
        _print_result(result)
    return 0


def _print_result(result: Result) -> None:
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
    print_table("train-mnist", ["", "value"], rows)


if __name__ == "__main__":  # `python -m m3_deep_learning.train_mnist`, which torchrun needs
    sys.exit(main())

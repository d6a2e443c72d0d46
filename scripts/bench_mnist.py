"""Month 3's target, measured: our CNN against the pytorch/examples MNIST network, same epochs.

    uv run scripts/bench_mnist.py                 # the flagship recipe vs the reference, 3 epochs
    uv run scripts/bench_mnist.py --threads 1     # on a machine shared with other work
    uv run scripts/bench_mnist.py --epochs 1 --train-size 5000   # a quick look (not the target)

Both train on the same 55k images (5k held out for checkpoint selection) and are tested on the
full 10k test set. Targets: ours ≥ 99.3 % test accuracy in ≤ 5 minutes of training on 2 CPU cores,
and either the reference's accuracy in less time or a better accuracy in the same time.
Reported: test accuracy, training wall time, training and inference images/s, and the training
time ours needed to match the reference's final validation accuracy.

Prints one table and writes ``bench_mnist.json`` to ``--out`` (default ``data/runs/bench_mnist/``)
after each model, so an interrupted run keeps what it measured.
"""

from __future__ import annotations

import argparse
import os
import platform
from pathlib import Path

import torch

from m3_deep_learning.mnist.config import TrainConfig
from m3_deep_learning.mnist.train import TrainResult, run
from roadmap_data import runs_dir
from roadmap_data.console import print_table, save_json

RECIPES = {"ours": "cpu", "reference": "reference"}  # name → TrainConfig preset


def summarise(result: TrainResult) -> dict:
    return {
        "model": result.config.model,
        "parameters": result.parameters,
        "epochs": result.config.epochs,
        "test_accuracy": result.test_accuracy,
        "train_seconds": result.train_seconds,
        "train_images_per_s": result.train_images_per_s,
        "infer_images_per_s": result.infer_images_per_s,
        "history": result.history,
    }


def seconds_to_reach(history: list[dict], target: float) -> float | None:
    """Training seconds until the first epoch whose validation accuracy ≥ ``target``."""
    return next((r["train_seconds"] for r in history if r.get("val_accuracy", 0) >= target), None)


def verdict(ours: dict, reference: dict) -> dict:
    target = reference["history"][-1]["val_accuracy"]
    reached = seconds_to_reach(ours["history"], target)
    return {
        "reference_final_val_accuracy": target,
        "ours_seconds_to_reference_val_accuracy": reached,
        "ours_beats_reference_test_accuracy": ours["test_accuracy"] > reference["test_accuracy"],
        "ours_faster": ours["train_seconds"] < reference["train_seconds"],
        "target_99_3": ours["test_accuracy"] >= 0.993,
        "target_5_minutes": ours["train_seconds"] <= 300,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--epochs", type=int, default=TrainConfig.preset("cpu").epochs)
    parser.add_argument("--threads", type=int, help="torch CPU threads (default: one per core)")
    parser.add_argument("--train-size", type=int, help="training images (default: all 55k)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--only", choices=sorted(RECIPES), help="run one of the two")
    parser.add_argument("--out", type=Path, default=runs_dir("bench_mnist"))
    args = parser.parse_args()
    report: dict = {
        "machine": {
            "platform": platform.platform(),
            "cpu_count": os.cpu_count(),
            "torch": torch.__version__,
            "torch_threads": args.threads or torch.get_num_threads(),
            "load_average_at_start": os.getloadavg(),
        },
        "epochs": args.epochs,
        "runs": {},
    }
    for name, preset in RECIPES.items():
        if args.only and name != args.only:
            continue
        config = TrainConfig.preset(
            preset, epochs=args.epochs, seed=args.seed, threads=args.threads,
            train_size=args.train_size, out=args.out / name,
        )  # fmt: skip
        report["runs"][name] = summarise(run(config))
        report["machine"]["load_average_at_end"] = os.getloadavg()
        save_json(args.out / "bench_mnist.json", report)
    runs = report["runs"]
    if len(runs) == 2:
        report["verdict"] = verdict(runs["ours"], runs["reference"])
        save_json(args.out / "bench_mnist.json", report)
    rows = [
        [name, f"{r['parameters']:,}", r["epochs"], f"{r['test_accuracy']:.2%}",
         f"{r['train_seconds']:.0f}", f"{r['train_images_per_s']:,.0f}",
         f"{r['infer_images_per_s']:,.0f}"]
        for name, r in runs.items()
    ]  # fmt: skip
    columns = ["recipe", "params", "epochs", "test acc", "train s", "train img/s",
               "infer img/s"]  # fmt: skip
    print_table(f"bench_mnist ({report['machine']['torch_threads']} threads)", columns, rows)
    for key, value in report.get("verdict", {}).items():
        print(f"{key}: {value}")
    print(f"written: {args.out / 'bench_mnist.json'}")


if __name__ == "__main__":
    main()

"""transfer-learn: do ImageNet features help on a few hundred labelled images? Measure it.

One architecture (EfficientNet-Lite0), the same 500 MNIST digits, three ways to train it:

1. ``head``     — freeze the pretrained backbone, train only a new linear layer on its features;
2. ``finetune`` — also let the last block adapt (the stem stays frozen);
3. ``scratch``  — the same network from random weights, every layer trained on the 500 digits.

Run it::

    uv run transfer-learn                      # the three modes, 64-px inputs, ~10 min on 2 cores
    uv run transfer-learn --preset full        # 224-px inputs as in ImageNet training (GPU advised)
    uv run transfer-learn --mode head --n-train 100
    uv run transfer-learn --backbone resnet18  # torchvision's ResNet-18 (downloads its weights)

Writes ``metrics.json`` and ``transfer.png`` (loss curves and test accuracy per mode) to ``--out``.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from m3_deep_learning.plots import pyplot
from m3_deep_learning.transfer.backbones import (
    classify_photo,
    imagenet_model,
    load_backbone,
    split_backbone,
)
from m3_deep_learning.transfer.config import TransferConfig
from m3_deep_learning.transfer.data import few_shot_mnist
from m3_deep_learning.transfer.modes import (
    ModeResult,
    cache_stem,
    train_finetune,
    train_head,
    train_scratch,
)
from roadmap_data.console import friendly_errors, print_table, save_figure, seed_everything
from roadmap_data.runkit import RunParser, save_metrics


@dataclass
class TransferResult:
    """Every mode's scores, the ImageNet sanity check and where the time went."""

    config: TransferConfig
    modes: list[ModeResult]
    sanity_top5: list[tuple[str, float]]  # the backbone's ImageNet guesses for china.jpg
    stem_cache_seconds: float  # computing the frozen stem's outputs once, shared by head/finetune
    seconds: float

    def accuracy(self, mode: str) -> float:
        return next(m.test_accuracy for m in self.modes if m.mode == mode)

    def metrics(self) -> dict[str, Any]:
        return {
            "test_accuracy": {m.mode: m.test_accuracy for m in self.modes},
            "modes": [dataclasses.asdict(m) for m in self.modes],
            "imagenet_sanity_check": {"image": "sklearn china.jpg", "top5": self.sanity_top5},
            "stem_cache_seconds": self.stem_cache_seconds,
            "seconds": self.seconds,
        }


def run(config: TransferConfig) -> TransferResult:
    """Sample the digits, then train and score each requested mode."""
    start = time.perf_counter()
    seed_everything(config.seed)
    device = config.setup_torch()
    data = few_shot_mnist(config.n_train, config.n_test, config.seed)
    common = dict(lr=config.lr, batch_size=config.batch_size, seed=config.seed, device=device)
    results, top5, cache_seconds = [], [], 0.0
    if {"head", "finetune"} & set(config.modes):
        imagenet = imagenet_model(config.backbone)  # the 1000-class network, loaded once
        top5 = sanity_check(config.backbone, imagenet)
        pretrained = split_backbone(config.backbone, imagenet)
        cache = cache_stem(
            pretrained, data, size=config.image_size, batch_size=config.batch_size, device=device
        )
        cache_seconds = cache.seconds
        if "head" in config.modes:
            results.append(train_head(pretrained, data, cache, epochs=config.head_epochs, **common))
        if "finetune" in config.modes:
            results.append(train_finetune(pretrained, data, cache, epochs=config.epochs, **common))
    if "scratch" in config.modes:
        fresh = load_backbone(config.backbone, pretrained=False)
        results.append(
            train_scratch(fresh, data, size=config.image_size, epochs=config.epochs, **common)
        )
    return TransferResult(config, results, top5, cache_seconds, time.perf_counter() - start)


def sanity_check(backbone: str, model: torch.nn.Module) -> list[tuple[str, float]]:
    """Top-5 ImageNet classes for sklearn's photo of a Chinese temple: are the weights right?"""
    from sklearn.datasets import load_sample_image

    return classify_photo(load_sample_image("china.jpg"), backbone, model=model)


def save_plot(result: TransferResult, path: Path) -> Path:
    """Training loss per epoch (left) and test accuracy (right) for every mode."""
    plt = pyplot()
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for m in result.modes:
        left.plot(range(1, len(m.train_loss) + 1), m.train_loss, marker=".", label=m.mode)
    left.set(xlabel="epoch", ylabel="training loss", yscale="log", title="Training loss")
    left.legend()
    bars = right.bar([m.mode for m in result.modes], [m.test_accuracy for m in result.modes])
    right.bar_label(bars, fmt="%.3f")
    right.set(ylim=(0, 1), ylabel="test accuracy", title=f"{result.config.n_train} training digits")
    return save_figure(fig, path)


def build_parser() -> RunParser:
    flags = ["backbone", "n_train", "n_test", "image_size", "epochs", "head_epochs", "lr",
             "device", "threads"]  # fmt: skip
    parser = RunParser("transfer-learn", __doc__, TransferConfig, flags=flags,
                       preset_help="cpu: 64 px (default); full: 224-px inputs, 10k test digits; "
                                   "tiny: seconds")  # fmt: skip
    parser.add_field("modes", "--mode")  # one or more of head, finetune, scratch (default all)
    return parser


def print_report(result: TransferResult, written: list[Path]) -> None:
    config = result.config
    if result.sanity_top5:
        guesses = ", ".join(f"{name} {p:.2f}" for name, p in result.sanity_top5)
        print(f"ImageNet sanity check, china.jpg → {guesses}")
    rows = [(m.mode, f"{m.trainable_params:,}", m.epochs, m.train_accuracy, m.test_accuracy,
             f"{m.seconds:.1f}") for m in result.modes]  # fmt: skip
    title = (f"{config.backbone}, {config.n_train} train / {config.n_test} test digits, "
             f"{config.image_size} px")  # fmt: skip
    columns = ["mode", "trainable params", "epochs", "train acc", "test acc", "seconds"]
    print_table(title, columns, rows)
    if result.stem_cache_seconds:
        print(f"frozen stem run once over all digits in {result.stem_cache_seconds:.1f} s (shared)")
    print("wrote " + " and ".join(map(str, written)))


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    config = parser.config(parser.parse_args(argv))
    result = run(config)
    written = [
        save_metrics(result, config, config.out),
        save_plot(result, config.out / "transfer.png"),
    ]
    print_report(result, written)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

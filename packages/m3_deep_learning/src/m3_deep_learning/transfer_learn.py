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

import argparse
import dataclasses
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from m3_deep_learning.config import field_docs, from_dict
from m3_deep_learning.errors import DeepLearningError
from m3_deep_learning.training import pick_device
from m3_deep_learning.transfer_backbones import (
    BACKBONES,
    classify_photo,
    imagenet_model,
    load_backbone,
    split_backbone,
)
from m3_deep_learning.transfer_data import few_shot_mnist
from m3_deep_learning.transfer_train import (
    MODES,
    ModeResult,
    cache_stem,
    train_finetune,
    train_head,
    train_scratch,
)
from roadmap_data import runs_dir
from roadmap_data.console import (
    friendly_errors,
    print_table,
    save_figure,
    save_json,
    seed_everything,
)


@dataclass(frozen=True)
class TransferConfig:
    """Everything ``run`` needs; see ``PRESETS`` for the three sizes."""

    backbone: str = "efficientnet-lite0"
    """Pretrained network: efficientnet-lite0 (offline weights) or resnet18 (downloads)."""
    modes: tuple[str, ...] = MODES
    """Which of head / finetune / scratch to run."""
    n_train: int = 500
    """Labelled training digits, the same number of each class (a multiple of 10)."""
    n_test: int = 1000
    """Held-out MNIST test digits that every mode is scored on."""
    image_size: int = 64
    """Digits are upsampled to image_size² RGB; 224 is what ImageNet saw, 64 is 12× cheaper."""
    head_epochs: int = 100
    """Epochs for the head-only mode (cheap: it trains on cached features)."""
    epochs: int = 10
    """Epochs for finetune and scratch (the same budget for both)."""
    lr: float = 1e-3
    """AdamW learning rate for every mode."""
    batch_size: int = 50
    """Images per optimisation step."""
    seed: int = 0
    """Seeds the digit sample, the head initialisation and the shuffles."""
    device: str = "auto"
    """auto | cpu | cuda."""
    threads: int | None = None
    """CPU threads for torch (None: torch's default, one per core). The tiny preset uses 1: its
    tensors are too small to be worth splitting, and on a busy machine waiting threads cost more."""


PRESETS: dict[str, TransferConfig] = {
    "full": TransferConfig(image_size=224, n_test=10_000, epochs=30),
    "cpu": TransferConfig(),
    "tiny": TransferConfig(
        n_train=100, n_test=200, image_size=32, head_epochs=30, epochs=2, threads=1
    ),
}


# Config fields the command line can override, with their types.
CLI_FIELDS = {
    "n_train": int,
    "n_test": int,
    "image_size": int,
    "epochs": int,
    "head_epochs": int,
    "lr": float,
}


def make_config(preset: str = "cpu", **overrides: Any) -> TransferConfig:
    """A preset with some fields replaced; an unknown field or value is a DeepLearningError."""
    if preset not in PRESETS:
        raise DeepLearningError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    config = from_dict(TransferConfig, overrides, base=PRESETS[preset])
    if config.backbone not in BACKBONES:
        raise DeepLearningError(
            f"unknown backbone {config.backbone!r}; choose {', '.join(BACKBONES)}"
        )
    if bad := [m for m in config.modes if m not in MODES]:
        raise DeepLearningError(f"unknown mode(s) {', '.join(bad)}; choose from {', '.join(MODES)}")
    if config.image_size < 32:
        raise DeepLearningError(f"image_size must be ≥ 32 (got {config.image_size})")
    return config


@dataclass
class TransferResult:
    config: TransferConfig
    modes: list[ModeResult]
    sanity_top5: list[tuple[str, float]]  # the backbone's ImageNet guesses for china.jpg
    stem_cache_seconds: float  # computing the frozen stem's outputs once, shared by head/finetune
    seconds: float

    def accuracy(self, mode: str) -> float:
        return next(m.test_accuracy for m in self.modes if m.mode == mode)

    def metrics(self) -> dict[str, Any]:
        return {
            "config": dataclasses.asdict(self.config),
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
    if config.threads:
        torch.set_num_threads(config.threads)
    device = pick_device(config.device)
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
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for m in result.modes:
        left.plot(range(1, len(m.train_loss) + 1), m.train_loss, marker=".", label=m.mode)
    left.set(xlabel="epoch", ylabel="training loss", yscale="log", title="Training loss")
    left.legend()
    bars = right.bar([m.mode for m in result.modes], [m.test_accuracy for m in result.modes])
    right.bar_label(bars, fmt="%.3f")
    right.set(ylim=(0, 1), ylabel="test accuracy", title=f"{result.config.n_train} training digits")
    return save_figure(fig, path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="transfer-learn",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), default="cpu",
                        help="full: 224-px inputs, 10k test digits; cpu: 64 px; tiny: seconds")  # fmt: skip
    parser.add_argument("--smoke", action="store_true", help="the tiny preset: runs in seconds")
    parser.add_argument(
        "--backbone", choices=BACKBONES, help="pretrained network (default efficientnet-lite0)"
    )
    parser.add_argument(
        "--mode",
        choices=[*MODES, "all"],
        default="all",
        help="which training mode(s) (default all)",
    )
    docs = field_docs(TransferConfig)
    for name, kind in CLI_FIELDS.items():
        default = getattr(PRESETS["cpu"], name)
        text = f"{docs[name]} (cpu preset: {default})".replace("%", "%%")  # argparse formats %
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, help=text)
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                        help="auto: CUDA when available (default)")  # fmt: skip
    parser.add_argument("--out", type=Path, help="output folder (default data/runs/transfer-learn)")
    return parser


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    fields = ("backbone", *CLI_FIELDS)
    overrides = {name: getattr(args, name) for name in fields if getattr(args, name) is not None}
    if args.mode != "all":
        overrides["modes"] = (args.mode,)
    preset = "tiny" if args.smoke else args.preset
    config = make_config(preset, seed=args.seed, device=args.device, **overrides)
    out = args.out or runs_dir("transfer-learn")
    result = run(config)
    out.mkdir(parents=True, exist_ok=True)
    save_plot(result, out / "transfer.png")
    save_json(out / "metrics.json", result.metrics())
    if result.sanity_top5:
        guesses = ", ".join(f"{name} {p:.2f}" for name, p in result.sanity_top5)
        print(f"ImageNet sanity check, china.jpg → {guesses}")
    rows = [
        (
            m.mode,
            f"{m.trainable_params:,}",
            m.epochs,
            m.train_accuracy,
            m.test_accuracy,
            f"{m.seconds:.1f}",
        )
        for m in result.modes
    ]
    title = f"{config.backbone}, {config.n_train} train / {config.n_test} test digits, {config.image_size} px"
    print_table(
        title, ["mode", "trainable params", "epochs", "train acc", "test acc", "seconds"], rows
    )
    if result.stem_cache_seconds:
        print(f"frozen stem run once over all digits in {result.stem_cache_seconds:.1f} s (shared)")
    print(f"wrote {out / 'metrics.json'} and {out / 'transfer.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

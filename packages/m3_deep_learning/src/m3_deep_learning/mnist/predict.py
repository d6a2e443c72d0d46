"""Read your own handwritten digit: any PNG/JPEG → a 28×28 MNIST-style image → the trained model.

    uv run train-mnist                                  # once: writes data/runs/train-mnist/best.pt
    uv run predict-mnist my_digit.png other.jpg         # prediction, confidence, runner-up
    uv run predict-mnist --smoke                        # 10 MNIST test digits written as PNGs

A model only works on inputs that look like its training data, so ``prepare_image`` repeats how
MNIST itself was made: white digit on black, the digit scaled to fit a 20×20 box (keeping its
aspect ratio), then placed in a 28×28 frame so that its centre of mass is in the middle.
A photo of dark ink on light paper is inverted first (judged from the border pixels).
Writes metrics.json (every prediction) and inputs.png (what the model saw) to --out.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, ClassVar

import numpy as np
import torch
from PIL import Image, UnidentifiedImageError

from m3_deep_learning.errors import BadImageError
from m3_deep_learning.mnist.config import TrainConfig
from m3_deep_learning.mnist.data import load_mnist_tensors
from m3_deep_learning.mnist.models import load_trained
from m3_deep_learning.mnist.train import run as train_mnist
from m3_deep_learning.plots import pyplot
from m3_deep_learning.tensors import images_to_batch
from roadmap_data import runs_dir
from roadmap_data.console import friendly_errors, print_table, save_figure, seed_everything
from roadmap_data.runkit import RunConfig, RunParser, require, save_metrics


@dataclass(frozen=True, kw_only=True)
class PredictConfig(RunConfig):
    """One ``predict-mnist`` run."""

    PRESETS: ClassVar = {"tiny": {"demo": True}, "cpu": {}, "full": {}}

    images: tuple[Path, ...] = ()
    """PNG/JPEG files, any size or colour."""
    checkpoint: Path | None = None
    """Model file (None: data/runs/train-mnist/best.pt)."""
    demo: bool = False
    """What --smoke does: without images, predict 10 MNIST test digits written as PNGs; without a
    checkpoint, train a tiny one first (seconds)."""

    def validate(self) -> None:
        require(bool(self.images) or self.demo,
                "no image given: predict-mnist IMAGE.png [IMAGE ...] (or --smoke)")  # fmt: skip


def read_grey(path: Path | BinaryIO, name: str | None = None) -> np.ndarray:
    """The image as float greys in [0, 1] (H, W); transparent pixels count as white paper.

    ``path`` may also be an open binary file (an upload); ``name`` then labels the errors.
    """
    name = name or str(path)
    try:
        with Image.open(path) as image:
            image.load()
            if image.mode in ("RGBA", "LA", "P"):
                image = image.convert("RGBA")
                paper = Image.new("RGBA", image.size, "white")
                image = Image.alpha_composite(paper, image)
            grey = np.asarray(image.convert("L"), dtype=np.float32) / 255.0
    except FileNotFoundError:
        raise BadImageError(f"{name}: no such file") from None
    except UnidentifiedImageError:  # its message would show a BytesIO's repr for an upload
        raise BadImageError(f"{name}: not a readable image (unknown or corrupt format)") from None
    except (OSError, ValueError) as error:
        raise BadImageError(f"{name}: not a readable image ({error})") from None
    if min(grey.shape) < 8:
        raise BadImageError(f"{name}: {grey.shape[1]}×{grey.shape[0]} px is too small for a digit")
    return grey


def prepare_image(path: Path) -> np.ndarray:
    """Any image file → uint8 (28, 28), white digit on black, centred like MNIST."""
    return prepare_grey(read_grey(path), str(path))


def prepare_grey(grey: np.ndarray, name: str) -> np.ndarray:
    """Greys in [0, 1] (H, W) → uint8 (28, 28) as above; ``name`` goes into error messages.

    Split from ``prepare_image`` so that a server can decode an upload itself (with its own size
    limits) and still prepare it exactly as the command line does.
    """
    if np.median(_border(grey)) > 0.5:  # light background: dark ink on paper → MNIST's look
        grey = 1.0 - grey
    background = float(np.median(_border(grey)))
    grey = np.clip((grey - background) / max(1.0 - background, 1e-6), 0, 1)  # paper 0, ink ≤ 1
    if grey.max() < 0.1:
        raise BadImageError(f"{name}: no digit found (the image is blank or has no contrast)")
    ink = grey > 0.25 * grey.max()
    rows, cols = np.flatnonzero(ink.any(axis=1)), np.flatnonzero(ink.any(axis=0))
    crop = grey[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]  # the digit's bounding box
    scale = 20.0 / max(crop.shape)
    size = (max(1, round(crop.shape[1] * scale)), max(1, round(crop.shape[0] * scale)))  # (W, H)
    small = Image.fromarray(np.uint8(crop / crop.max() * 255)).resize(
        size, Image.Resampling.LANCZOS
    )
    digit = np.asarray(small, dtype=np.float32)  # (h, w) ≤ 20×20
    return _centre_by_mass(digit)


def _border(grey: np.ndarray) -> np.ndarray:
    """The outermost pixels, which in a photo of a digit are nearly all background."""
    return np.concatenate([grey[0], grey[-1], grey[:, 0], grey[:, -1]])


def _centre_by_mass(digit: np.ndarray) -> np.ndarray:
    """Paste ``digit`` into a 28×28 black frame with its centre of mass at the centre."""
    h, w = digit.shape
    total = digit.sum()
    cy = (digit.sum(axis=1) @ np.arange(h)) / total
    cx = (digit.sum(axis=0) @ np.arange(w)) / total
    top = int(np.clip(round(14 - cy), 0, 28 - h))
    left = int(np.clip(round(14 - cx), 0, 28 - w))
    frame = np.zeros((28, 28), dtype=np.float32)
    frame[top : top + h, left : left + w] = digit
    return np.clip(frame, 0, 255).astype(np.uint8)


@torch.no_grad()
def predict_files(paths: list[Path], checkpoint: Path) -> tuple[list[dict], np.ndarray]:
    """Top-3 classes with probabilities per file, and the prepared (N, 28, 28) uint8 images."""
    model, meta = load_trained(checkpoint)
    images = np.stack([prepare_image(path) for path in paths])  # every file checked before work
    x = images_to_batch(images, meta.get("mean", 0.0), meta.get("std", 1.0))  # (N, 1, 28, 28)
    probs = model(x).softmax(dim=1)  # (N, 10)
    top = probs.topk(3, dim=1)
    rows = [
        {
            "file": str(path),
            "prediction": int(top.indices[i, 0]),
            "confidence": float(top.values[i, 0]),
            "top3": [
                [int(c), float(p)] for c, p in zip(top.indices[i], top.values[i], strict=True)
            ],
        }
        for i, path in enumerate(paths)
    ]
    return rows, images


@dataclass
class PredictResult:
    """The model's answers for each image, and the prepared digits it saw."""

    checkpoint: Path
    predictions: list[dict]  # per file: prediction, confidence, top3
    images: np.ndarray  # (N, 28, 28) uint8, after ``prepare_image``
    truth: list[int] | None = None  # the true digits, when known (--smoke)

    def metrics(self) -> dict[str, Any]:
        metrics: dict[str, Any] = {"checkpoint": str(self.checkpoint)}
        metrics["predictions"] = self.predictions
        if self.truth is not None:
            predicted = [row["prediction"] for row in self.predictions]
            metrics["accuracy"] = float(np.mean(np.array(predicted) == np.array(self.truth)))
        return metrics


def run(config: PredictConfig) -> PredictResult:
    """Prepare every image, then predict them all with the checkpoint's model."""
    seed_everything(config.seed)
    out = config.out or runs_dir("predict-mnist")
    checkpoint = config.checkpoint or runs_dir("train-mnist") / "best.pt"
    paths, truth = list(config.images), None
    if config.demo and not paths:
        paths, truth = write_demo_digits(out / "images", config.seed)
    if config.demo and not checkpoint.is_file():
        checkpoint = train_demo_checkpoint(out / "model", config.seed)
    rows, images = predict_files(paths, checkpoint)
    return PredictResult(checkpoint, rows, images, truth)


def write_demo_digits(folder: Path, seed: int) -> tuple[list[Path], list[int]]:
    """Ten MNIST test digits (one per class) saved as 112×112 black-on-white PNGs.

    Upscaled and inverted on purpose: reading them back exercises the whole ``prepare_image``.
    """
    data = load_mnist_tensors(train_size=0, test_size=2000, seed=seed)
    labels = data.y_test.numpy()
    folder.mkdir(parents=True, exist_ok=True)
    paths, truth = [], []
    for digit in range(10):
        i = int(np.flatnonzero(labels == digit)[0])
        path = folder / f"digit_{digit}.png"
        Image.fromarray(255 - data.raw_test[i]).resize((112, 112)).save(path)
        paths.append(path)
        truth.append(digit)
    return paths, truth


def train_demo_checkpoint(out: Path, seed: int) -> Path:
    """A checkpoint trained in seconds (``train-mnist --smoke``), for --smoke when none exists."""
    return train_mnist(TrainConfig.preset("tiny", seed=seed, out=out)).checkpoint


def save_inputs(result: PredictResult, path: Path) -> Path:
    """What the model actually saw (after preparation), titled with its answer."""
    plt = pyplot()
    images, rows = result.images, result.predictions
    fig, axes = plt.subplots(1, len(images), figsize=(1.3 * len(images), 1.6), squeeze=False)
    for ax, image, row in zip(axes[0], images, rows, strict=True):
        ax.imshow(image, cmap="gray")
        ax.set_title(f"{row['prediction']} ({row['confidence']:.0%})", fontsize=8)
        ax.axis("off")
    return save_figure(fig, path)


def print_report(result: PredictResult) -> None:
    rows = [[Path(r["file"]).name, r["prediction"], f"{r['confidence']:.1%}",
             ", ".join(f"{c} {p:.0%}" for c, p in r["top3"][1:])] for r in result.predictions]  # fmt: skip
    print_table("predict-mnist", ["image", "digit", "confidence", "runners-up"], rows)
    if "accuracy" in (metrics := result.metrics()):
        print(f"accuracy on the 10 smoke digits: {metrics['accuracy']:.0%}")


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser("predict-mnist", __doc__, PredictConfig, flags=["checkpoint"],
                       preset_help="tiny: the --smoke demo; cpu (default) and full: your images")  # fmt: skip
    parser.add_argument("images", nargs="*", type=Path, help="PNG/JPEG files, any size or colour")
    args = parser.parse_args(argv)
    config = parser.config(args, images=tuple(args.images))
    result = run(config)
    save_inputs(result, config.out / "inputs.png")
    save_metrics(result, config, config.out)
    print_report(result)
    return 0


if __name__ == "__main__":
    sys.exit(main())

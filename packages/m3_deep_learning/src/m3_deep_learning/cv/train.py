"""cv-train: find and outline handwritten digits with a detector (boxes) and a UNet (masks).

The data are canvases of real MNIST digits pasted at random sizes and places (``cv.canvases``):
the boxes and masks are known exactly, and test canvases use only MNIST's test digits.

    uv run cv-train --threads 1                  # both tasks, 3000 training canvases
    uv run cv-train --task detect                # the SSD-style detector only: mAP@0.5
    uv run cv-train --task segment               # the UNet only: IoU and Dice
    uv run cv-train --eval-split dev             # tune on dev canvases, report test ones once

Detection is scored by mAP@0.5, computed by our evaluator (``cv.mean_ap``) and by pycocotools'
COCOeval on the same boxes: the table shows both. Writes metrics.json, detections.png and
masks.png. Ultralytics YOLO is the online path for real photos (its pretrained weights download
at run time), so it is not used here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, Literal

import numpy as np

from m3_deep_learning.plots import pyplot
from m3_deep_learning.training import TorchRunConfig
from roadmap_data.console import friendly_errors, print_table, save_figure, seed_everything
from roadmap_data.runkit import RunParser, require, require_at_least, save_metrics

if TYPE_CHECKING:  # the models and canvases load in run(): --help stays a light import
    from m3_deep_learning.cv.canvases import Canvases
    from m3_deep_learning.cv.fit import TaskResult


@dataclass(frozen=True, kw_only=True)
class CvConfig(TorchRunConfig):
    """One ``cv-train`` run: ``cpu`` (the default), ``full`` (more canvases, longer) or ``tiny``."""

    PRESETS: ClassVar = {
        "tiny": {"n_train": 64, "n_test": 16, "canvas_size": 48, "max_digits": 2, "epochs": 1,
                 "batch_size": 16, "det_width": 8, "unet_width": 4, "progress": False,
                 "threads": 1},
        "cpu": {},
        "full": {"n_train": 10_000, "epochs": 12},
    }  # fmt: skip

    tasks: tuple[Literal["detect", "segment"], ...] = ("detect", "segment")
    """detect (boxes, mAP@0.5), segment (per-pixel classes, IoU/Dice) or both."""
    n_train: int = 3000
    """Training canvases (digits from MNIST's training images 0-49999)."""
    n_test: int = 1000
    """Evaluation canvases (MNIST's test digits; with --eval-split dev its images 50000+)."""
    eval_split: Literal["test", "dev"] = "test"
    """Canvases to report on: test (the README's figures) or dev (for tuning)."""
    canvas_size: int = 64
    """Canvas side in pixels (a multiple of 8)."""
    max_digits: int = 4
    """Each canvas holds 1 to this many digits."""
    epochs: int = 6
    """Passes over the training canvases (each task)."""
    batch_size: int = 32
    """Canvases per optimizer step."""
    lr: float = 5e-3
    """Peak learning rate of the one-cycle schedule (AdamW)."""
    det_width: int = 24
    """Detector: channels of its second conv layer (the others are multiples)."""
    unet_width: int = 8
    """UNet: channels of its first stage (doubled at each of the three down-steps)."""
    score_threshold: float = 0.05
    """Detections scoring below this are dropped before NMS (low: mAP wants the whole curve)."""
    progress: bool = True
    """Show a tqdm progress bar per epoch."""

    def validate(self) -> None:
        super().validate()
        require_at_least(1, n_train=self.n_train, n_test=self.n_test, epochs=self.epochs,
                         batch_size=self.batch_size, max_digits=self.max_digits,
                         det_width=self.det_width, unet_width=self.unet_width)  # fmt: skip
        require(bool(self.tasks), "task: name at least one of detect, segment")
        require(self.canvas_size % 8 == 0 and 48 <= self.canvas_size <= 256,
                f"canvas_size must be a multiple of 8 in [48, 256], "
                f"not {self.canvas_size}")  # fmt: skip
        require(self.lr > 0, f"lr must be positive, not {self.lr}")
        require(0 <= self.score_threshold < 1,
                f"score_threshold must be in [0, 1), not {self.score_threshold}")  # fmt: skip


@dataclass
class CvResult:
    """Every task's scores on the evaluation canvases."""

    config: CvConfig
    test: Canvases  # the evaluation canvases, for the pictures
    tasks: list[TaskResult]

    @property
    def n_digits(self) -> int:
        return self.test.digits

    def task(self, name: str) -> TaskResult:
        return next(t for t in self.tasks if t.task == name)

    def metrics(self) -> dict[str, Any]:
        return {
            "eval_split": self.config.eval_split,
            "eval_canvases": self.config.n_test,
            "eval_digits": self.n_digits,
            **{t.task: {"parameters": t.parameters, "train_seconds": t.train_seconds,
                        "history": t.history, **t.scores} for t in self.tasks},
        }  # fmt: skip


def run(config: CvConfig) -> CvResult:
    """Build the canvases, train each task's model from scratch, score it on held-out canvases."""
    from m3_deep_learning.cv.canvases import make_canvases
    from m3_deep_learning.cv.fit import FitSettings, train_detector, train_unet

    seed_everything(config.seed)
    config.setup_torch()  # threads; the models are small enough that the CPU is the device here
    shape = {"size": config.canvas_size, "max_digits": config.max_digits}
    train = make_canvases(config.n_train, "train", seed=config.seed, **shape)
    test = make_canvases(config.n_test, config.eval_split, seed=config.seed + 1, **shape)
    settings = FitSettings(config.epochs, config.batch_size, config.lr, config.seed,
                           config.progress)  # fmt: skip
    results = []
    if "detect" in config.tasks:
        results.append(train_detector(train, test, settings, config.det_width,
                                      config.score_threshold))  # fmt: skip
    if "segment" in config.tasks:
        results.append(train_unet(train, test, settings, config.unet_width))
    return CvResult(config, test, results)


def save_pictures(result: CvResult, out: Path, count: int = 8) -> list[Path]:
    """detections.png (boxes scoring >= 0.5, true boxes dashed) and masks.png (true | predicted)."""
    plt = pyplot()
    test, count, paths = result.test, min(count, len(result.test)), []
    for task in result.tasks:
        rows = 1 if task.task == "detect" else 2
        fig, axes = plt.subplots(rows, count, figsize=(count * 1.6, rows * 1.7), squeeze=False)
        for i, ax in enumerate(axes.T):
            ax[0].imshow(test.images[i, 0], cmap="gray")
            if task.task == "detect":
                for box in test.boxes[i].tolist():
                    ax[0].add_patch(_rect(plt, box, "white", "--"))
                det = task.predictions[i]
                for box, label, score in zip(det.boxes.tolist(), det.labels.tolist(),
                                             det.scores.tolist(), strict=True):  # fmt: skip
                    if score >= 0.5:
                        ax[0].add_patch(_rect(plt, box, "lime", "-"))
                        ax[0].text(box[0], box[1] - 1, f"{label} {score:.2f}", color="lime",
                                   fontsize=6)  # fmt: skip
            else:
                ax[0].imshow(np.ma.masked_equal(test.masks[i].numpy(), 0), cmap="tab10",
                             vmin=1, vmax=10, alpha=0.7)  # fmt: skip
                ax[1].imshow(test.images[i, 0], cmap="gray")
                ax[1].imshow(np.ma.masked_equal(task.predictions[i].numpy(), 0), cmap="tab10",
                             vmin=1, vmax=10)  # fmt: skip
            for a in ax:
                a.axis("off")
        name = "detections.png" if task.task == "detect" else "masks.png"
        what = ("predicted boxes (green, score >= 0.5) and true boxes (dashed)"
                if task.task == "detect"
                else "true (top) and predicted (bottom) masks, colour = digit")  # fmt: skip
        fig.suptitle(f"{count} {result.config.eval_split} canvases: {what}", fontsize=9)
        paths.append(save_figure(fig, out / name))
    return paths


def _rect(plt: Any, box: list[float], colour: str, style: str) -> Any:
    """A box outline; imshow draws pixel i over [i - 0.5, i + 0.5], hence the half-pixel shift."""
    x1, y1, x2, y2 = box
    return plt.Rectangle((x1 - 0.5, y1 - 0.5), x2 - x1, y2 - y1, fill=False, edgecolor=colour,
                         linestyle=style, linewidth=1)  # fmt: skip


def build_parser() -> RunParser:
    flags = ["n_train", "n_test", "eval_split", "canvas_size", "max_digits", "epochs",
             "batch_size", "lr", "det_width", "unet_width", "score_threshold", "threads",
             "progress"]  # fmt: skip
    parser = RunParser("cv-train", __doc__, CvConfig, flags=flags,
                       preset_help="cpu (default); full: 10000 canvases, 12 epochs; "
                                   "tiny: 64 small canvases, seconds")  # fmt: skip
    parser.add_field("tasks", "--task")
    return parser


def print_report(result: CvResult, written: list[Path]) -> None:
    rows: list[tuple[Any, ...]] = []
    for t in result.tasks:
        s = t.scores
        if t.task == "detect":
            scores = (f"mAP@0.5 {s['map50']:.3f} (pycocotools {s['map50_pycocotools']:.3f}), "
                      f"recall {s['recall50']:.3f}")  # fmt: skip
        else:
            scores = (f"IoU {s['foreground_iou']:.3f}, Dice {s['foreground_dice']:.3f}, "
                      f"digit mIoU {s['digit_miou']:.3f}")  # fmt: skip
        rows.append((t.task, f"{t.parameters:,}", f"{t.history[-1]['train_loss']:.3f}", scores,
                     f"{t.train_seconds:.1f}"))  # fmt: skip
    c = result.config
    title = (f"cv-train: {c.n_train} training canvases, {c.n_test} {c.eval_split} canvases "
             f"({result.n_digits} digits)")  # fmt: skip
    print_table(title, ["task", "params", "final loss", f"{c.eval_split} scores", "train s"], rows)
    print("wrote " + ", ".join(map(str, written)))


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    config = parser.config(parser.parse_args(argv))
    result = run(config)
    pictures = save_pictures(result, config.out)
    print_report(result, [save_metrics(result, config, config.out), *pictures])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

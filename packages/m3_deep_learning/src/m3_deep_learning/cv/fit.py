"""Training and testing of the detector and the UNet on digit canvases: one loop, two losses.

Both tasks use the same recipe as ``train-mnist``: AdamW with a one-cycle learning rate (warm up
over the first 20 % of the steps, then anneal), mini-batches cut from tensors held in memory.
Only the loss differs: ``detection.detection_loss`` for the detector, per-pixel cross-entropy + Dice
for the UNet. Each ``train_*`` function returns what it measured on the evaluation canvases.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn
from tqdm import tqdm

from m3_deep_learning.cv.boxes import make_anchors
from m3_deep_learning.cv.canvases import Canvases
from m3_deep_learning.cv.detection import Detections, DigitDetector, detection_loss, postprocess
from m3_deep_learning.cv.mean_ap import coco_map, mean_average_precision
from m3_deep_learning.cv.segmentation import (
    UNet,
    predict_masks,
    segmentation_loss,
    segmentation_scores,
)

LossOf = Callable[[nn.Module, Canvases], torch.Tensor]


@dataclass
class FitSettings:
    """The knobs both tasks share (a subset of ``train.CvConfig``)."""

    epochs: int
    batch_size: int
    lr: float
    seed: int
    progress: bool = False


@dataclass
class TaskResult:
    """One task's run: the model, its loss per epoch and its scores on the evaluation canvases."""

    task: str
    model: nn.Module
    parameters: int
    train_seconds: float
    history: list[dict[str, float]]
    scores: dict[str, Any]
    predictions: list[Any] = field(default_factory=list)  # Detections or masks, for the plots


def fit(
    model: nn.Module, data: Canvases, loss_of: LossOf, settings: FitSettings, name: str
) -> list[dict[str, float]]:
    """The five-step loop over shuffled mini-batches, ``settings.epochs`` times; loss per epoch."""
    steps = settings.epochs * -(-len(data) // settings.batch_size)  # ceil division
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.lr, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, settings.lr, total_steps=steps,
                                                   pct_start=0.2)  # fmt: skip
    shuffle = torch.Generator().manual_seed(settings.seed)
    history = []
    for epoch in range(1, settings.epochs + 1):
        model.train()
        order = torch.randperm(len(data), generator=shuffle)
        starts = range(0, len(data), settings.batch_size)
        bar = tqdm(starts, desc=f"{name} epoch {epoch}/{settings.epochs}", leave=False,
                   disable=not settings.progress, file=sys.stderr)  # fmt: skip
        total = 0.0
        for start in bar:
            loss = loss_of(model, data.subset(order[start : start + settings.batch_size].numpy()))
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            total += loss.item()
            bar.set_postfix(loss=f"{loss.item():.3f}")
        history.append({"epoch": epoch, "train_loss": total / len(starts)})
    return history


@torch.no_grad()
def detect(model: DigitDetector, images: torch.Tensor, batch_size: int = 128,
           score_threshold: float = 0.05,
           iou_threshold: float = 0.45) -> list[Detections]:  # fmt: skip
    """Boxes, scores and digits for every canvas of ``images`` (N, 1, H, W)."""
    model.eval()
    anchors = make_anchors(model.levels, images.shape[-1])
    found: list[Detections] = []
    for i in range(0, len(images), batch_size):
        logits, deltas = model(images[i : i + batch_size])
        found += postprocess(logits, deltas, anchors, images.shape[-1], score_threshold,
                             iou_threshold)  # fmt: skip
    return found


def detection_scores(found: list[Detections], data: Canvases) -> dict[str, Any]:
    """mAP@0.5 by our evaluator (all-point and COCO's 101-point) and by pycocotools."""
    ours = mean_average_precision(found, data.boxes, data.labels)
    ours101 = mean_average_precision(found, data.boxes, data.labels, interpolation="coco101")
    coco = coco_map(found, data.boxes, data.labels)
    return {"map50": ours.map, "map50_101pt": ours101.map, "map50_pycocotools": coco.map,
            "recall50": ours.recall, "ap50_per_digit": ours.per_class,
            "detections_per_canvas": sum(len(d.scores) for d in found)
                                     / max(len(found), 1)}  # fmt: skip


def train_detector(train: Canvases, test: Canvases, settings: FitSettings, width: int = 24,
                   score_threshold: float = 0.05) -> TaskResult:  # fmt: skip
    """Train ``DigitDetector`` from scratch on ``train``; mAP@0.5 on ``test``."""
    torch.manual_seed(settings.seed)
    model = DigitDetector(width)
    anchors = make_anchors(model.levels, train.images.shape[-1])

    def loss_of(m: nn.Module, batch: Canvases) -> torch.Tensor:
        return detection_loss(*m(batch.images), anchors, batch.boxes, batch.labels)[0]

    start = time.perf_counter()
    history = fit(model, train, loss_of, settings, "detect")
    seconds = time.perf_counter() - start
    found = detect(model, test.images, score_threshold=score_threshold)
    return TaskResult("detect", model, _count(model), seconds, history,
                      detection_scores(found, test), found)  # fmt: skip


def train_unet(
    train: Canvases, test: Canvases, settings: FitSettings, width: int = 8
) -> TaskResult:
    """Train ``UNet`` from scratch on ``train`` (cross-entropy + Dice); IoU/Dice on ``test``."""
    torch.manual_seed(settings.seed)
    model = UNet(width)

    def loss_of(m: nn.Module, batch: Canvases) -> torch.Tensor:
        return segmentation_loss(m(batch.images), batch.masks)

    start = time.perf_counter()
    history = fit(model, train, loss_of, settings, "segment")
    seconds = time.perf_counter() - start
    masks = predict_masks(model, test.images)
    return TaskResult("segment", model, _count(model), seconds, history,
                      segmentation_scores(masks, test.masks), list(masks))  # fmt: skip


def _count(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())

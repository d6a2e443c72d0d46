"""Mean average precision at IoU 0.5 (mAP@0.5), written out, and the COCO tool that checks it.

How good is a detector? Per class:

1. sort all its detections (over every image) by score, most confident first;
2. walk down the list: a detection is a **true positive** when it overlaps a not-yet-claimed
   ground-truth box of its class with IoU >= 0.5 (it claims the best such box), else a **false
   positive** (a miss, or a duplicate of a box already found);
3. after each detection, precision = TP / detections so far, recall = TP / ground-truth boxes;
4. AP = the area under that precision-recall curve, after making precision non-increasing
   (each point takes the best precision reachable at that recall or more).

``all`` integrates that curve exactly (all-point interpolation, PASCAL VOC since 2010); ``coco101``
averages it at recall 0, 0.01, ..., 1 as pycocotools does. mAP is the mean over the classes that
have ground truth. ``coco_map`` runs pycocotools' ``COCOeval`` (iouThrs = [0.5]) on the same
input; the tests assert both agree.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import torch

from m3_deep_learning.cv.boxes import box_iou
from m3_deep_learning.cv.detection import Detections

Interpolation = Literal["all", "coco101"]


@dataclass
class MapResult:
    """``map`` over classes with ground truth; ``per_class`` AP by class id; overall recall."""

    map: float
    per_class: dict[int, float]
    recall: float


def match_detections(
    det: Detections, gt_boxes: torch.Tensor, gt_labels: torch.Tensor, iou_threshold: float
) -> np.ndarray:
    """True-positive flag of each detection of one image (in ``det``'s order).

    Detections are visited by decreasing score, as COCO does; each takes the unclaimed box of its
    class that it overlaps best, if that IoU reaches ``iou_threshold``.
    """
    tp = np.zeros(len(det.scores), dtype=bool)
    if len(det.scores) == 0 or len(gt_boxes) == 0:
        return tp
    iou = box_iou(det.boxes.float(), gt_boxes.float())  # (D, G)
    iou[det.labels[:, None] != gt_labels[None, :]] = -1.0  # another class never matches
    claimed = torch.zeros(len(gt_boxes), dtype=torch.bool)
    for d in det.scores.argsort(descending=True, stable=True).tolist():
        candidates = iou[d].masked_fill(claimed, -1.0)
        best = int(candidates.argmax())
        if candidates[best] >= iou_threshold:
            tp[d], claimed[best] = True, True
    return tp


def average_precision(
    tp: np.ndarray, scores: np.ndarray, n_gt: int, interpolation: Interpolation = "all"
) -> float:
    """AP of one class from its detections' TP flags and scores (all images) and its box count."""
    order = np.argsort(-scores, kind="mergesort")  # stable, as COCO: equal scores keep image order
    hits = np.cumsum(tp[order])
    recall = hits / n_gt
    precision = hits / np.arange(1, len(hits) + 1)
    # non-increasing precision: best precision at this recall *or more*
    precision = np.maximum.accumulate(precision[::-1])[::-1] if len(precision) else precision
    if interpolation == "coco101":
        # precision at the first point reaching each recall level; 0 for levels never reached
        idx = np.searchsorted(recall, np.linspace(0, 1, 101), side="left")
        padded = np.concatenate([precision, [0.0]])
        return float(padded[np.minimum(idx, len(precision))].mean())
    steps = np.diff(np.concatenate([[0.0], recall]))  # recall gained at each detection
    return float((steps * precision).sum())


def mean_average_precision(
    detections: Sequence[Detections],
    gt_boxes: Sequence[torch.Tensor],
    gt_labels: Sequence[torch.Tensor],
    iou_threshold: float = 0.5,
    interpolation: Interpolation = "all",
) -> MapResult:
    """mAP of ``detections`` (one ``Detections`` per image) against the true boxes and labels."""
    flags = [match_detections(d, b, y, iou_threshold)
             for d, b, y in zip(detections, gt_boxes, gt_labels, strict=True)]  # fmt: skip
    tp = np.concatenate(flags or [np.zeros(0, bool)])
    scores = np.concatenate([d.scores.numpy() for d in detections] or [np.zeros(0)])
    labels = np.concatenate([d.labels.numpy() for d in detections] or [np.zeros(0, int)])
    truth = np.concatenate([y.numpy() for y in gt_labels] or [np.zeros(0, int)])
    per_class = {}
    for c in np.unique(truth).tolist():
        mine = labels == c
        per_class[c] = average_precision(tp[mine], scores[mine], int((truth == c).sum()),
                                         interpolation)  # fmt: skip
    mean = float(np.mean(list(per_class.values()))) if per_class else 0.0
    return MapResult(mean, per_class, float(tp.sum() / max(len(truth), 1)))


def coco_map(
    detections: Sequence[Detections],
    gt_boxes: Sequence[torch.Tensor],
    gt_labels: Sequence[torch.Tensor],
    iou_threshold: float = 0.5,
) -> MapResult:
    """The same measurement by pycocotools' ``COCOeval`` (area "all", up to 100 detections).

    COCO wants dictionaries: images, categories, annotations with ``[x, y, width, height]`` boxes;
    detections the same plus a score. Category ids are digit + 1 (COCO's ids start at 1).
    """
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    def xywh(box: torch.Tensor) -> list[float]:
        x1, y1, x2, y2 = box.tolist()
        return [x1, y1, x2 - x1, y2 - y1]

    annotations = []
    for i, (boxes, labels) in enumerate(zip(gt_boxes, gt_labels, strict=True)):
        for box, label in zip(boxes, labels, strict=True):
            x, y, w, h = xywh(box)
            annotations.append({"id": len(annotations) + 1, "image_id": i, "iscrowd": 0,
                                "category_id": int(label) + 1, "bbox": [x, y, w, h],
                                "area": w * h})  # fmt: skip
    results = [
        {"image_id": i, "category_id": int(y) + 1, "bbox": xywh(b), "score": float(s)}
        for i, d in enumerate(detections)
        for b, y, s in zip(d.boxes, d.labels, d.scores, strict=True)
    ]
    truth = sorted({a["category_id"] for a in annotations})
    if not results:
        return MapResult(0.0, {c - 1: 0.0 for c in truth}, 0.0)
    with contextlib.redirect_stdout(io.StringIO()):  # COCO narrates every step on stdout
        gt = COCO()
        gt.dataset = {"images": [{"id": i} for i in range(len(gt_boxes))],
                      "categories": [{"id": c} for c in range(1, 11)],
                      "annotations": annotations}  # fmt: skip
        gt.createIndex()
        evaluation = COCOeval(gt, gt.loadRes(results), iouType="bbox")
        evaluation.params.iouThrs = np.array([iou_threshold])
        evaluation.evaluate()
        evaluation.accumulate()
    precision = evaluation.eval["precision"][0, :, :, 0, -1]  # (recall points, classes)
    recall = evaluation.eval["recall"][0, :, 0, -1]  # (classes,)
    per_class = {c - 1: float(precision[:, c - 1].mean()) for c in truth}
    n = np.array([sum(a["category_id"] == c for a in annotations) for c in truth])
    overall = float((recall[np.array(truth) - 1] * n).sum() / max(n.sum(), 1))
    return MapResult(float(np.mean(list(per_class.values()))), per_class, overall)

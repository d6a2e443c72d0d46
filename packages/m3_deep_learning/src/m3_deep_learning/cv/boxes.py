"""Box arithmetic of every detector, from scratch: IoU, non-maximum suppression, anchors, and the
encoding that turns "where is the object" into small numbers a network can regress.

Boxes are ``(x1, y1, x2, y2)`` rows (xyxy) in pixels. Each function here has a library twin
(``torchvision.ops.box_iou``, ``nms``, ``batched_nms``, torchvision's ``BoxCoder``) and
``tests/test_cv_detection.py`` checks they agree on random boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import torch

VARIANCES = (0.1, 0.2)
"""SSD's scaling of the encoded offsets: centre shifts / 0.1, log size ratios / 0.2, so that both
come out with a spread near 1 (easier to regress; torchvision's BoxCoder weights (10, 10, 5, 5))."""


def box_area(boxes: torch.Tensor) -> torch.Tensor:
    """(N,) areas of (N, 4) xyxy boxes."""
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def box_iou(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """Intersection over union of every box of ``a`` (N, 4) with every box of ``b`` (M, 4): (N, M).

    The intersection of two boxes is the box from the larger top-left corner to the smaller
    bottom-right corner, empty (clamped to 0) when they do not meet. Broadcasting ``a[:, None]``
    against ``b[None]`` computes all N x M pairs at once.
    """
    top_left = torch.maximum(a[:, None, :2], b[None, :, :2])  # (N, M, 2)
    bottom_right = torch.minimum(a[:, None, 2:], b[None, :, 2:])  # (N, M, 2)
    inter = (bottom_right - top_left).clamp(min=0).prod(dim=2)  # (N, M)
    union = box_area(a)[:, None] + box_area(b)[None, :] - inter
    return inter / union


def nms(boxes: torch.Tensor, scores: torch.Tensor, iou_threshold: float) -> torch.Tensor:
    """Non-maximum suppression: indices of the boxes kept, highest score first.

    A detector fires several overlapping boxes on one object. Greedy NMS keeps the best-scoring
    box, removes every remaining box that overlaps it by IoU > ``iou_threshold``, and repeats on
    what is left. (torchvision runs the same loop in C++; the IoU matrix is computed once here.)
    """
    order = scores.argsort(descending=True)
    iou = box_iou(boxes[order], boxes[order])  # (N, N), rows and columns in score order
    removed = torch.zeros(len(order), dtype=torch.bool)
    keep = []
    for i in range(len(order)):
        if removed[i]:
            continue
        keep.append(i)
        removed |= iou[i] > iou_threshold  # also marks i itself (IoU 1), which is already kept
    return order[torch.tensor(keep, dtype=torch.long)]


def batched_nms(
    boxes: torch.Tensor, scores: torch.Tensor, classes: torch.Tensor, iou_threshold: float
) -> torch.Tensor:
    """NMS within each class at once: a "1" box must not suppress an overlapping "7" box.

    The trick torchvision uses: shift each class's boxes by ``class x (largest coordinate + 1)``
    so boxes of different classes can never overlap, then run plain NMS once.
    """
    if len(boxes) == 0:
        return torch.empty(0, dtype=torch.long)
    offsets = classes.to(boxes) * (boxes.max() + 1)
    return nms(boxes + offsets[:, None], scores, iou_threshold)


@dataclass(frozen=True)
class AnchorLevel:
    """Anchors of one feature map: one cell every ``stride`` pixels, at each cell one box per
    (height, aspect ratio) pair; ``ratios`` are width / height (digits are taller than wide)."""

    stride: int
    heights: tuple[float, ...]
    ratios: tuple[float, ...]

    @property
    def per_cell(self) -> int:
        return len(self.heights) * len(self.ratios)


def make_anchors(levels: Sequence[AnchorLevel], image_size: int) -> torch.Tensor:
    """Every anchor box of every level, (A, 4) xyxy, in the order a detection head emits them:
    level by level, then rows (y), then columns (x), then the boxes of one cell.

    Cell (i, j) of a level with stride s covers pixels [j s, (j + 1) s); its anchors are centred
    at ((j + 0.5) s, (i + 0.5) s).
    """
    all_anchors = []
    for level in levels:
        cells = image_size // level.stride
        centres = (torch.arange(cells, dtype=torch.float32) + 0.5) * level.stride
        cy, cx = torch.meshgrid(centres, centres, indexing="ij")  # (cells, cells) each
        shapes = torch.tensor([(h * r, h) for h in level.heights for r in level.ratios])  # (K, 2)
        centre = torch.stack([cx, cy], dim=-1).reshape(-1, 1, 2)  # (cells², 1, 2)
        half = shapes[None] / 2  # (1, K, 2)
        anchors = torch.cat([centre - half, centre + half], dim=-1)  # (cells², K, 4)
        all_anchors.append(anchors.reshape(-1, 4))
    return torch.cat(all_anchors)


def _centre_size(boxes: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """xyxy → (centres (N, 2), sizes (N, 2))."""
    return (boxes[:, :2] + boxes[:, 2:]) / 2, boxes[:, 2:] - boxes[:, :2]


def encode(boxes: torch.Tensor, anchors: torch.Tensor) -> torch.Tensor:
    """The regression target of each box relative to its anchor, (N, 4):
    ``((cx - acx) / aw, (cy - acy) / ah) / 0.1`` and ``log(w / aw, h / ah) / 0.2``.

    Offsets in units of the anchor's size make the target the same for a small and a large object
    that sit equally off-centre; the log makes size errors symmetric (x2 and x0.5 are equally far).
    """
    centre, size = _centre_size(boxes)
    a_centre, a_size = _centre_size(anchors)
    shift = (centre - a_centre) / a_size / VARIANCES[0]
    scale = torch.log(size / a_size) / VARIANCES[1]
    return torch.cat([shift, scale], dim=1)


def decode(deltas: torch.Tensor, anchors: torch.Tensor) -> torch.Tensor:
    """Invert ``encode``: predicted offsets (..., 4) on their anchors → xyxy boxes (..., 4)."""
    a_centre, a_size = _centre_size(anchors)
    centre = a_centre + deltas[..., :2] * VARIANCES[0] * a_size
    size = a_size * torch.exp((deltas[..., 2:] * VARIANCES[1]).clamp(max=4.0))  # no overflow
    return torch.cat([centre - size / 2, centre + size / 2], dim=-1)

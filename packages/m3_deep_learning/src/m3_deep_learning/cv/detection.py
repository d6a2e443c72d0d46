"""A small single-stage detector (SSD-style) trained from scratch: backbone, head, loss, inference.

A single-stage detector turns detection into many small classification and regression problems,
one per **anchor**: a fixed box laid on a grid over the image (``boxes.make_anchors``). For every
anchor the network answers two questions from the feature vector under it:

1. *what is here?* ``1 + C`` logits: background or one of the C classes;
2. *where exactly?* 4 offsets that move and stretch the anchor onto the object (``boxes.encode``).

Training assigns each anchor a target by IoU (``match_anchors``); inference keeps the confident
answers and removes duplicates with NMS (``postprocess``). Two feature maps share the work: the
stride-4 map (16x16 cells on a 64x64 canvas) carries the small-digit anchors, the coarser stride-8
map, whose cells see more of the image, the large ones. YOLO and RetinaNet differ in details
(objectness score, focal loss), not in this skeleton.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F

from m3_deep_learning.cv.boxes import AnchorLevel, batched_nms, box_iou, decode, encode

NUM_CLASSES = 10  # digits; the head adds class 0, "background", in front
LEVELS = (
    AnchorLevel(stride=4, heights=(11.0, 15.0), ratios=(0.4, 0.7, 1.0)),
    AnchorLevel(stride=8, heights=(19.0, 23.0), ratios=(0.4, 0.7, 1.0)),
)
"""Anchor shapes chosen on dev canvases: 98 % of the digits' boxes have an anchor with IoU >= 0.5
(heights 11-24 px, width/height 0.35-1.15 for 90 % of the digits)."""


def conv_block(c_in: int, c_out: int) -> nn.Sequential:
    """3x3 convolution → BatchNorm → ReLU, size preserved."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, 3, padding=1, bias=False), nn.BatchNorm2d(c_out), nn.ReLU()
    )


class DigitDetector(nn.Module):
    """Backbone with two outputs (stride 4 and 8) and a 3x3 conv head on each."""

    def __init__(self, width: int = 32, levels: tuple[AnchorLevel, ...] = LEVELS) -> None:
        super().__init__()
        w = width
        self.levels = levels
        self.stage1 = nn.Sequential(conv_block(1, w // 2), nn.MaxPool2d(2),
                                    conv_block(w // 2, w), nn.MaxPool2d(2),
                                    conv_block(w, 2 * w), conv_block(2 * w, 2 * w))  # fmt: skip
        self.stage2 = nn.Sequential(nn.MaxPool2d(2), conv_block(2 * w, 3 * w),
                                    conv_block(3 * w, 3 * w))  # fmt: skip
        outputs = 1 + NUM_CLASSES + 4
        self.heads = nn.ModuleList(
            nn.Conv2d(c, level.per_cell * outputs, 3, padding=1)
            for c, level in zip((2 * w, 3 * w), levels, strict=True)
        )

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Images (B, 1, H, W) → class logits (B, A, 1 + C) and box offsets (B, A, 4)."""
        f1 = self.stage1(x)  # (B, 2w, H/4, W/4)
        f2 = self.stage2(f1)  # (B, 3w, H/8, W/8)
        outs = []
        for feature, head, level in zip((f1, f2), self.heads, self.levels, strict=True):
            y = head(feature)  # (B, K * (1 + C + 4), h, w)
            b, _, h, w = y.shape
            # channels last, then one row per (cell, anchor): the order of make_anchors
            outs.append(y.permute(0, 2, 3, 1).reshape(b, h * w * level.per_cell, -1))
        out = torch.cat(outs, dim=1)  # (B, A, 1 + C + 4)
        return out[..., : 1 + NUM_CLASSES], out[..., 1 + NUM_CLASSES :]


def match_anchors(
    anchors: torch.Tensor, boxes: torch.Tensor, labels: torch.Tensor,
    positive: float = 0.5, negative: float = 0.4,
) -> tuple[torch.Tensor, torch.Tensor]:  # fmt: skip
    """Each anchor's target class (0 background, digit + 1, -1 ignored) and box (A, 4).

    An anchor with IoU >= ``positive`` with a digit box learns that digit; one below ``negative``
    with every box learns background; the ones in between are left out of the loss (neither
    clearly right nor clearly wrong). Every box also claims its single best anchor, so no digit
    goes unlearnt because no anchor fits it well.
    """
    target = torch.zeros(len(anchors), dtype=torch.long)
    if len(boxes) == 0:
        return target, torch.zeros_like(anchors)
    iou = box_iou(anchors, boxes)  # (A, G)
    best_iou, best_box = iou.max(dim=1)  # (A,), (A,)
    best_box[iou.argmax(dim=0)] = torch.arange(len(boxes))  # each box's best anchor is its own
    best_iou[iou.argmax(dim=0)] = 1.0
    target[best_iou >= positive] = labels[best_box[best_iou >= positive]] + 1
    target[(best_iou >= negative) & (best_iou < positive)] = -1
    return target, boxes[best_box]


def detection_loss(
    logits: torch.Tensor, deltas: torch.Tensor, anchors: torch.Tensor,
    boxes: list[torch.Tensor], labels: list[torch.Tensor], neg_per_pos: int = 3,
) -> tuple[torch.Tensor, dict[str, float]]:  # fmt: skip
    """SSD's loss: cross-entropy on the positives and the hardest negatives, smooth-L1 on the
    positives' box offsets, both divided by the number of positives.

    Nearly all anchors are background (about 1900 of 1920); summing all their losses would teach
    the network to say "background" everywhere. **Hard negative mining** keeps, per image, only
    the ``neg_per_pos`` x (positives) background anchors the network is most wrong about.
    """
    matched = [match_anchors(anchors, b, y) for b, y in zip(boxes, labels, strict=True)]
    target = torch.stack([t for t, _ in matched]).to(logits.device)  # (B, A)
    target_boxes = torch.stack([b for _, b in matched]).to(logits.device)  # (B, A, 4)
    ce = F.cross_entropy(logits.transpose(1, 2), target.clamp(min=0), reduction="none")  # (B, A)
    pos = target > 0
    n_pos = pos.sum(dim=1, keepdim=True)  # (B, 1)
    neg_ce = ce.masked_fill(target != 0, 0.0)  # only true background competes
    rank = neg_ce.argsort(dim=1, descending=True).argsort(dim=1)  # each anchor's rank
    hard_neg = (target == 0) & (rank < neg_per_pos * n_pos.clamp(min=1))
    total_pos = pos.sum().clamp(min=1)
    cls_loss = ce[pos | hard_neg].sum() / total_pos
    goal = encode(target_boxes[pos], anchors.to(logits.device).expand_as(target_boxes)[pos])
    box_loss = F.smooth_l1_loss(deltas[pos], goal, reduction="sum") / total_pos
    return cls_loss + box_loss, {"cls_loss": cls_loss.item(), "box_loss": box_loss.item()}


@dataclass
class Detections:
    """One image's answers: ``boxes`` (k, 4) xyxy, ``scores`` (k,), ``labels`` (k,) digits."""

    boxes: torch.Tensor
    scores: torch.Tensor
    labels: torch.Tensor


@torch.no_grad()
def postprocess(
    logits: torch.Tensor, deltas: torch.Tensor, anchors: torch.Tensor, image_size: int,
    score_threshold: float = 0.05, iou_threshold: float = 0.45, max_detections: int = 100,
    pre_nms: int = 300,
) -> list[Detections]:  # fmt: skip
    """Softmax → every (anchor, digit) pair scoring above ``score_threshold`` (the best
    ``pre_nms`` of them) → decoded, clipped boxes → per-class NMS → at most ``max_detections``."""
    probs = logits.softmax(dim=-1)[..., 1:].cpu()  # (B, A, C): drop the background column
    boxes_all = decode(deltas.cpu(), anchors).clamp(0, image_size)  # (B, A, 4)
    results = []
    for p, boxes in zip(probs, boxes_all, strict=True):
        anchor_idx, cls = torch.nonzero(p > score_threshold, as_tuple=True)
        scores = p[anchor_idx, cls]
        top = scores.argsort(descending=True)[:pre_nms]
        anchor_idx, cls, scores = anchor_idx[top], cls[top], scores[top]
        keep = batched_nms(boxes[anchor_idx], scores, cls, iou_threshold)[:max_detections]
        results.append(Detections(boxes[anchor_idx[keep]], scores[keep], cls[keep]))
    return results

"""Semantic segmentation with a small UNet: a class for every pixel, and how to score it.

Classification answers one question per image, detection one per anchor, segmentation one per
**pixel**: here background (0) or which digit's ink (1-10, digit + 1; see ``canvases``).

A **UNet** (Ronneberger et al., 2015) is an encoder-decoder with shortcuts:

- the *encoder* halves the resolution three times (64 → 32 → 16 → 8) while widening the channels,
  so deep features see a whole digit: enough context to tell a 3 from an 8;
- the *decoder* doubles it back (transposed convolutions), and at each size concatenates the
  encoder's features of that size (the *skip connections*): the fine detail of where the ink is,
  lost on the way down, comes straight across.

Scores on held-out canvases (``segmentation_scores``):
- foreground **IoU** = |pred ∩ true| / |pred ∪ true| and
  **Dice** = 2|pred ∩ true| / (|pred| + |true|)
  over all ink pixels, whatever the digit (Dice = 2 IoU / (1 + IoU), so Dice >= IoU);
- **digit mIoU**: the IoU of each digit class's pixels, averaged over the 10 classes: it also
  asks whether the ink was given the right digit.

What a small UNet learns in minutes: *where* the ink is (test Dice 0.99), not yet *which* digit
it belongs to (digit mIoU 0.08: it settles on two or three digit labels for all ink). Naming the
digit needs a whole-digit view that a per-pixel loss rewards only weakly; the detector, whose
every anchor classifies a whole digit, learns it easily (mAP@0.5 0.99).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

from m3_deep_learning.cv.detection import NUM_CLASSES, conv_block


def double_conv(c_in: int, c_out: int) -> nn.Sequential:
    """Two 3x3 conv-BN-ReLU blocks: the unit of every UNet stage."""
    return nn.Sequential(conv_block(c_in, c_out), conv_block(c_out, c_out))


class UNet(nn.Module):
    """Three down-sampling stages, a bottleneck, three up-sampling stages, a 1x1 classifier."""

    def __init__(self, width: int = 12, classes: int = 1 + NUM_CLASSES) -> None:
        super().__init__()
        w = (width, 2 * width, 4 * width, 8 * width)
        self.down = nn.ModuleList([double_conv(1, w[0]), double_conv(w[0], w[1]),
                                   double_conv(w[1], w[2])])  # fmt: skip
        self.bottleneck = double_conv(w[2], w[3])
        self.up = nn.ModuleList(nn.ConvTranspose2d(w[i + 1], w[i], 2, stride=2) for i in (2, 1, 0))
        self.merge = nn.ModuleList(double_conv(2 * w[i], w[i]) for i in (2, 1, 0))
        self.classify = nn.Conv2d(w[0], classes, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Images (B, 1, H, W), H and W multiples of 8 → class logits per pixel (B, K, H, W)."""
        skips = []
        for stage in self.down:
            x = stage(x)  # (B, w_i, H / 2^i, W / 2^i)
            skips.append(x)
            x = nn.functional.max_pool2d(x, 2)
        x = self.bottleneck(x)  # (B, 8w, H/8, W/8)
        for up, merge, skip in zip(self.up, self.merge, reversed(skips), strict=True):
            x = merge(torch.cat([up(x), skip], dim=1))  # upsample x2, glue the skip, mix
        return self.classify(x)


def segmentation_loss(logits: torch.Tensor, masks: torch.Tensor) -> torch.Tensor:
    """Per-pixel cross-entropy plus a soft Dice loss on "is this pixel ink?".

    Nine pixels in ten are background, so cross-entropy alone first learns to answer
    "background" everywhere and finds the ink late. The Dice term, 1 - 2|P∩T| / (|P| + |T|) with
    P the predicted ink probability (1 - p(background)), only looks at the ink and cannot be
    satisfied by ignoring it.
    """
    ink = 1 - logits.softmax(dim=1)[:, 0]  # (B, H, W) probability of any digit
    truth = (masks > 0).float()
    dice = 2 * (ink * truth).sum() / (ink.sum() + truth.sum()).clamp(min=1.0)
    return F.cross_entropy(logits, masks) + (1 - dice)


def segmentation_scores(
    predicted: torch.Tensor, truth: torch.Tensor, classes: int = 1 + NUM_CLASSES
) -> dict[str, float]:
    """Foreground IoU and Dice, digit mIoU and pixel accuracy of class maps (N, H, W).

    Counts are summed over every pixel of every canvas before dividing (a large digit weighs more
    than a small one), the usual way segmentation benchmarks report.
    """
    pred_fg, true_fg = predicted > 0, truth > 0
    inter = (pred_fg & true_fg).sum().item()
    union = (pred_fg | true_fg).sum().item()
    total = pred_fg.sum().item() + true_fg.sum().item()
    ious = []
    for c in range(1, classes):
        p, t = predicted == c, truth == c
        if t.any():  # a class absent from the truth has no IoU to report
            ious.append((p & t).sum().item() / (p | t).sum().item())
    return {
        "foreground_iou": inter / max(union, 1),
        "foreground_dice": 2 * inter / max(total, 1),
        "digit_miou": sum(ious) / max(len(ious), 1),
        "pixel_accuracy": (predicted == truth).float().mean().item(),
    }


@torch.no_grad()
def predict_masks(model: nn.Module, images: torch.Tensor, batch_size: int = 128) -> torch.Tensor:
    """The most likely class of every pixel, (N, H, W) int64, computed in batches."""
    model.eval()
    return torch.cat([model(images[i : i + batch_size]).argmax(dim=1)
                      for i in range(0, len(images), batch_size)])  # fmt: skip

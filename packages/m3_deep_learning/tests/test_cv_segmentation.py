"""cv: the UNet's shapes, IoU/Dice on masks worked by hand, and a UNet that learns on canvases."""

from __future__ import annotations

import pytest
import torch

from m3_deep_learning.cv.segmentation import UNet, predict_masks, segmentation_scores
from m3_deep_learning.cv.train import CvConfig, run


def test_unet_keeps_the_image_size_and_scores_every_class() -> None:
    logits = UNet(4)(torch.zeros(2, 1, 48, 64))
    assert logits.shape == (2, 11, 48, 64)


def test_iou_and_dice_on_masks_worked_by_hand() -> None:
    """Truth: 4 ink pixels of digit 1 (class 2). Prediction: 3 of them, 1 of them as digit 7
    (class 8), and 2 background pixels called ink. Foreground: 3 shared pixels, 4 true, 5
    predicted → IoU 3/6, Dice 6/9. Class 2: 2 shared, union 6 → IoU 1/3; class 8 is absent
    from the truth and not averaged."""
    truth = torch.zeros(1, 4, 4, dtype=torch.long)
    truth[0, 0, :4] = 2
    predicted = torch.zeros_like(truth)
    predicted[0, 0, :2] = 2
    predicted[0, 0, 2] = 8
    predicted[0, 3, :2] = 2
    scores = segmentation_scores(predicted, truth)
    assert scores["foreground_iou"] == pytest.approx(3 / 6)
    assert scores["foreground_dice"] == pytest.approx(6 / 9)
    assert scores["digit_miou"] == pytest.approx(2 / 6)
    assert scores["pixel_accuracy"] == pytest.approx(12 / 16)
    iou = scores["foreground_iou"]
    assert scores["foreground_dice"] == pytest.approx(2 * iou / (1 + iou))


@pytest.mark.slow
def test_tiny_unet_learns_to_find_the_ink(tmp_path) -> None:
    """64 small canvases (48x48, 1-2 digits), 3 epochs of batches of 4: the ink is found on 40
    unseen canvases. (So small a run depends on its seed: Dice 0.94, 0.94, 0.70, 0.57 for seeds
    0-3; the UNet guesses 0.13 untrained.)"""
    config = CvConfig.preset("tiny", tasks=("segment",), n_train=64, n_test=40, canvas_size=48,
                             max_digits=2, epochs=3, batch_size=4, unet_width=8, lr=0.005,
                             eval_split="dev", out=tmp_path)  # fmt: skip
    result = run(config)
    task, test = result.task("segment"), result.test
    assert task.history[-1]["train_loss"] < 0.8 * task.history[0]["train_loss"]
    torch.manual_seed(0)
    untrained = segmentation_scores(predict_masks(UNet(8), test.images), test.masks)
    assert task.scores["foreground_dice"] > 0.5 > untrained["foreground_dice"] + 0.2
    assert task.scores["pixel_accuracy"] > 0.9

"""cv: boxes, NMS and anchors against torchvision; mAP against pycocotools; a detector that learns.

Every from-scratch piece is checked against the library that does the same job (torchvision's
``box_iou``/``nms``/``batched_nms``/``BoxCoder``, pycocotools' ``COCOeval``) on inputs neither
computed; the canvases are checked against their own pixels.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import torch
import torchvision
from torchvision.models.detection._utils import BoxCoder

from m3_deep_learning.cv import boxes as B
from m3_deep_learning.cv.canvases import GAP, INK, Canvases, make_canvases
from m3_deep_learning.cv.detection import LEVELS, Detections, DigitDetector, match_anchors
from m3_deep_learning.cv.fit import detect
from m3_deep_learning.cv.mean_ap import coco_map, mean_average_precision
from m3_deep_learning.cv.train import CvConfig, CvResult, main, run


def random_boxes(n: int, seed: int, size: float = 64.0) -> torch.Tensor:
    """``n`` boxes crowded into a ``size`` square so that many overlap (NMS has work to do)."""
    g = torch.Generator().manual_seed(seed)
    corner = torch.rand(n, 2, generator=g) * size * 0.7
    extent = 4 + torch.rand(n, 2, generator=g) * size * 0.3
    return torch.cat([corner, corner + extent], dim=1)


@pytest.fixture(scope="module")
def dev_canvases() -> Canvases:
    """40 seeded 64x64 dev canvases, built once for the tests that read canvases."""
    return make_canvases(40, "dev", seed=7)


def test_box_iou_matches_torchvision() -> None:
    a, b = random_boxes(50, 0), random_boxes(70, 1)
    torch.testing.assert_close(B.box_iou(a, b), torchvision.ops.box_iou(a, b))
    assert B.box_iou(a[:1], a[:1]).item() == pytest.approx(1.0)


@pytest.mark.parametrize("threshold", [0.3, 0.5, 0.7])
def test_nms_keeps_exactly_what_torchvision_keeps(threshold: float) -> None:
    boxes = random_boxes(200, 2)
    scores = torch.rand(200, generator=torch.Generator().manual_seed(3))
    kept = B.nms(boxes, scores, threshold)
    assert kept.tolist() == torchvision.ops.nms(boxes, scores, threshold).tolist()
    assert 10 < len(kept) < 200  # the case is not trivial: some kept, some suppressed
    classes = torch.randint(0, 5, (200,), generator=torch.Generator().manual_seed(4))
    ours = B.batched_nms(boxes, scores, classes, threshold)
    assert ours.tolist() == torchvision.ops.batched_nms(boxes, scores, classes, threshold).tolist()


def test_anchors_follow_the_head_layout_and_cover_the_digits() -> None:
    anchors = B.make_anchors(LEVELS, 64)
    per_level = [(64 // lv.stride) ** 2 * lv.per_cell for lv in LEVELS]
    assert anchors.shape == (sum(per_level), 4)
    logits, deltas = DigitDetector(8)(torch.zeros(2, 1, 64, 64))
    assert logits.shape == (2, len(anchors), 11) and deltas.shape == (2, len(anchors), 4)
    # anchor k of cell (row 3, column 5) of the stride-4 level: centred on that cell
    k = LEVELS[0].per_cell
    cell = anchors[(3 * 16 + 5) * k : (3 * 16 + 6) * k]
    centres = (cell[:, :2] + cell[:, 2:]) / 2
    torch.testing.assert_close(centres, torch.tensor([[22.0, 14.0]]).expand(k, 2))
    heights = sorted({round(h, 3) for h in (cell[:, 3] - cell[:, 1]).tolist()})
    assert heights == list(LEVELS[0].heights)


def test_encoding_round_trips_and_matches_torchvision_box_coder() -> None:
    anchors, truth = random_boxes(100, 5), random_boxes(100, 6)
    codes = B.encode(truth, anchors)
    torch.testing.assert_close(B.decode(codes, anchors), truth, rtol=1e-5, atol=1e-4)
    coder = BoxCoder(weights=(10.0, 10.0, 5.0, 5.0))  # = SSD variances (0.1, 0.2)
    torch.testing.assert_close(codes, coder.encode_single(truth, anchors), rtol=1e-5, atol=1e-5)
    torch.testing.assert_close(B.decode(codes, anchors), coder.decode_single(codes, anchors),
                               rtol=1e-5, atol=1e-4)  # fmt: skip


def test_canvas_boxes_hold_exactly_the_ink_and_masks_name_the_digit(dev_canvases) -> None:
    data = dev_canvases
    assert make_canvases(3, "dev", seed=7).boxes[2].tolist() == data.boxes[2].tolist()  # seeded
    ink_level = INK / 255
    for image, boxes, labels, mask in zip(data.images[:, 0], data.boxes, data.labels, data.masks,
                                          strict=True):  # fmt: skip
        assert 1 <= len(boxes) <= 4
        inside = torch.zeros_like(image, dtype=torch.bool)
        for (x1, y1, x2, y2), label in zip(boxes.int().tolist(), labels.tolist(), strict=True):
            crop = image[y1:y2, x1:x2] >= ink_level - 1e-6
            # tight: ink on the first and last row and column of the box
            assert crop[0].any() and crop[-1].any() and crop[:, 0].any() and crop[:, -1].any()
            assert set(mask[y1:y2, x1:x2].unique().tolist()) == {0, label + 1}
            inside[y1:y2, x1:x2] = True
        assert not image[~inside].any()  # nothing drawn outside the boxes
        assert torch.equal(mask > 0, image >= ink_level - 1e-6)  # the mask is the ink
        iou = B.box_iou(boxes, boxes + torch.tensor([-GAP, -GAP, GAP, GAP]) / 2)
        assert (iou.fill_diagonal_(0) == 0).all()  # boxes stay GAP pixels apart


def test_every_digit_claims_an_anchor_of_its_class(dev_canvases) -> None:
    data = dev_canvases
    anchors = B.make_anchors(LEVELS, 64)
    for boxes, labels in zip(data.boxes, data.labels, strict=True):
        target, matched = match_anchors(anchors, boxes, labels)
        for box, label in zip(boxes, labels, strict=True):
            mine = (matched == box).all(dim=1) & (target > 0)
            assert mine.any() and (target[mine] == label + 1).all()


def dets(rows: list[tuple[float, float, float, float, float, int]]) -> Detections:
    t = torch.tensor([r[:5] for r in rows]).reshape(-1, 5)
    return Detections(t[:, :4], t[:, 4], torch.tensor([r[5] for r in rows], dtype=torch.long))


def test_map_on_a_case_worked_by_hand_agrees_with_pycocotools() -> None:
    """Digit 3: two boxes; found at 0.9, a duplicate at 0.8 (FP), the second at 0.7.
    Precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1 → all-point AP = 1/2·1 + 1/2·2/3 = 5/6;
    COCO's 101 points: recall 0-0.5 (51 points) at precision 1, 0.51-1 (50) at 2/3.
    Digit 7: one box, never found → AP 0; a "7" fired on background costs nothing more."""
    gt_boxes = [
        torch.tensor([[10.0, 10, 20, 30], [40, 5, 50, 25]]),
        torch.tensor([[5.0, 5, 15, 25]]),
    ]
    gt_labels = [torch.tensor([3, 7]), torch.tensor([3])]
    found = [dets([(10, 11, 20, 30, 0.9, 3), (11, 10, 21, 31, 0.8, 3), (40, 40, 50, 60, 0.6, 7)]),
             dets([(5, 6, 15, 25, 0.7, 3)])]  # fmt: skip
    ours = mean_average_precision(found, gt_boxes, gt_labels)
    assert ours.per_class == pytest.approx({3: 5 / 6, 7: 0.0})
    coco101 = (51 + 50 * 2 / 3) / 101
    ours101 = mean_average_precision(found, gt_boxes, gt_labels, interpolation="coco101")
    coco = coco_map(found, gt_boxes, gt_labels)
    assert ours101.per_class == pytest.approx({3: coco101, 7: 0.0})
    assert coco.per_class == pytest.approx(ours101.per_class, abs=1e-6)
    assert coco.map == pytest.approx(coco101 / 2, abs=1e-6)


def test_map_agrees_with_pycocotools_on_noisy_random_detections(dev_canvases) -> None:
    g = torch.Generator().manual_seed(9)
    data = dev_canvases
    found = []
    for boxes, labels in zip(data.boxes, data.labels, strict=True):
        jitter = boxes + torch.randn(boxes.shape, generator=g) * 2  # near misses and hits
        wrong = torch.where(torch.rand(len(labels), generator=g) < 0.2, (labels + 1) % 10, labels)
        extra = random_boxes(3, int(torch.randint(0, 10**6, (1,), generator=g)))
        all_boxes = torch.cat([jitter, extra])
        all_labels = torch.cat([wrong, torch.randint(0, 10, (3,), generator=g)])
        found.append(Detections(all_boxes, torch.rand(len(all_boxes), generator=g), all_labels))
    coco = coco_map(found, data.boxes, data.labels)
    ours101 = mean_average_precision(found, data.boxes, data.labels, interpolation="coco101")
    ours = mean_average_precision(found, data.boxes, data.labels)
    assert 0.2 < coco.map < 0.9  # a case with hits and misses
    assert ours101.map == pytest.approx(coco.map, abs=1e-6)
    assert ours.map == pytest.approx(coco.map, abs=0.02)  # exact area vs 101 samples of it


@pytest.fixture(scope="module")
def tiny_detector(tmp_path_factory: pytest.TempPathFactory) -> CvResult:
    """A detector trained from scratch: 160 small canvases (48x48, 1-2 digits), 3 epochs."""
    config = CvConfig.preset("tiny", tasks=("detect",), n_train=160, n_test=40, canvas_size=48,
                             max_digits=2, epochs=3, batch_size=8, det_width=12, lr=0.01,
                             eval_split="dev", out=tmp_path_factory.mktemp("cv-detect"))  # fmt: skip
    return run(config)


@pytest.mark.slow
def test_tiny_detector_learns_and_both_evaluators_agree_on_its_output(tiny_detector) -> None:
    task = tiny_detector.task("detect")
    assert task.history[-1]["train_loss"] < 0.6 * task.history[0]["train_loss"]
    test = tiny_detector.test
    torch.manual_seed(0)
    untrained = mean_average_precision(detect(DigitDetector(12), test.images), test.boxes,
                                       test.labels)  # fmt: skip
    assert task.scores["map50"] > 0.12 > 5 * untrained.map
    # the same detections scored by pycocotools: identical with its 101-point rule
    assert task.scores["map50_101pt"] == pytest.approx(task.scores["map50_pycocotools"], abs=1e-6)
    assert task.scores["map50"] == pytest.approx(task.scores["map50_pycocotools"], abs=0.02)


def test_bad_settings_are_one_error_line_and_exit_2(capsys: pytest.CaptureFixture[str],
                                                    tmp_path: Path) -> None:  # fmt: skip
    assert main(["--canvas-size", "50", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: canvas_size must be a multiple of 8") and err.count("\n") == 1
    with pytest.raises(Exception, match="unknown canvas split"):
        make_canvases(1, "validation")

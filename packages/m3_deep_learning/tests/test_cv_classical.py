"""Classical CV: thresholds, morphology, contours on synthetic masks; coins counted; faces found."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from m3_deep_learning.cv import classical as C
from m3_deep_learning.cv import faces as F
from m3_deep_learning.cv.opencv_demo import main
from m3_deep_learning.errors import BadImageError, CheckpointError


def disk_image(shape: tuple[int, int] = (80, 120), gradient: bool = False) -> np.ndarray:
    """Three bright disks (radius 10) on a dark background, optionally lit unevenly."""
    image = np.full(shape, 60, np.uint8)
    if gradient:  # background from 20 (left) to 180 (right): brighter than the left disk
        image = np.tile(np.linspace(20, 180, shape[1]), (shape[0], 1)).astype(np.uint8)
    for x in (20, 60, 100):
        cv2.circle(image, (x, 40), 10, int(image[40, x]) + 60, thickness=-1)
    return image


def test_numpy_otsu_matches_opencv() -> None:
    rng = np.random.default_rng(0)
    bimodal = np.concatenate([rng.normal(60, 10, 500), rng.normal(190, 15, 300)])
    images = [np.clip(bimodal, 0, 255).astype(np.uint8).reshape(20, 40), C.to_gray(
        C.scene_images(("astronaut",))["astronaut"]), disk_image()]  # fmt: skip
    for image in images:
        assert C.otsu_threshold(image) == C.threshold_otsu(image)[0]
    assert 80 < C.otsu_threshold(images[0]) < 170  # between the two modes


def test_otsu_separates_even_lighting_adaptive_handles_a_gradient() -> None:
    even = disk_image()
    level, mask = C.threshold_otsu(even)
    assert 60 <= level < 120
    assert len(C.find_blobs(mask, min_area=50)) == 3
    lit = disk_image(gradient=True)  # one global level cannot split disks from this background
    assert len(C.find_blobs(C.threshold_otsu(lit)[1], min_area=50)) != 3
    local = C.opening(C.threshold_adaptive(lit, block=31, offset=-20), 3)
    assert len(C.find_blobs(local, min_area=50)) == 3


def test_morphology_opening_closing_and_filling() -> None:
    mask = np.zeros((60, 60), np.uint8)
    mask[10:40, 10:40] = 255  # a square...
    mask[50, 50] = mask[5, 55] = 255  # ...and two specks of noise
    opened = C.opening(mask, 5)
    assert opened[50, 50] == 0 and opened[5, 55] == 0 and opened[25, 25] == 255
    cracked = mask.copy()
    cracked[10:40, 24:26] = 0  # a 2-pixel crack splits the square in two
    assert len(C.find_blobs(cracked, 100)) == 2
    assert len(C.find_blobs(C.closing(cracked, 5), 100)) == 1
    ring = np.zeros((60, 60), np.uint8)
    cv2.circle(ring, (30, 30), 20, 255, thickness=3)
    assert ring[30, 30] == 0 and C.fill_holes(ring)[30, 30] == 255


def test_blobs_report_area_and_boxes_largest_first() -> None:
    mask = np.zeros((50, 80), np.uint8)
    cv2.rectangle(mask, (5, 5), (24, 14), 255, thickness=-1)  # 20 × 10 pixels
    cv2.rectangle(mask, (40, 20), (69, 49), 255, thickness=-1)  # 30 × 30
    blobs = C.find_blobs(mask)
    assert [b.box for b in blobs] == [(40, 20, 30, 30), (5, 5, 20, 10)]
    assert blobs[0].area == 29 * 29  # the contour runs through pixel centres
    assert C.find_blobs(mask, min_area=500) == blobs[:1]


def test_canny_edges_lie_on_the_boundary() -> None:
    image = np.zeros((40, 40), np.uint8)
    image[10:30, 10:30] = 200
    found = C.edges(image)
    assert found[20, 8:12].any() and found[20, 28:32].any()
    assert not found[15:25, 15:25].any() and not found[:5, :5].any()  # flat areas: no edges


def test_to_gray_rejects_bad_images() -> None:
    with pytest.raises(BadImageError, match="shape"):
        C.to_gray(np.zeros((4, 4, 2), np.uint8))
    with pytest.raises(BadImageError, match="uint8"):
        C.to_gray(np.zeros((4, 4), np.float32))
    rgb = np.zeros((2, 2, 3), np.uint8)
    rgb[..., 0] = 255  # pure red: BT.601 weight 0.299
    assert C.to_gray(rgb)[0, 0] == 76


def test_count_coins_adaptive_boxes_each_coin_otsu_merges_some() -> None:
    adaptive, otsu = C.count_coins("adaptive"), C.count_coins("otsu")
    assert adaptive.count == C.COINS_TRUE_COUNT == 24
    # right for the right reason: every box holds exactly one of the 24 hand-checked centres
    assert C.score_boxes(adaptive.blobs, C.COIN_CENTRES) == C.BoxScore(24, 0, 0, 0)
    score = C.score_boxes(otsu.blobs, C.COIN_CENTRES)
    assert score.merged >= 1 and score.one_each < 24  # bright top-left background swallows 3 coins


def test_score_boxes_tells_merges_from_specks_and_misses() -> None:
    centres = [(10, 10), (30, 10), (60, 60)]
    blobs = [C.Blob(1.0, (0, 0, 40, 20)), C.Blob(1.0, (80, 80, 5, 5))]
    assert C.score_boxes(blobs, centres) == C.BoxScore(one_each=0, merged=1, empty=1, missed=1)


def test_astronaut_face_found_where_it_is() -> None:
    images = C.scene_images(("astronaut", "coffee"))
    cascade = F.load_cascade()
    (box,) = F.detect_faces(images["astronaut"], cascade)
    assert F.iou(box, F.FACES["astronaut"][0]) > 0.7  # measured 0.81 (alt2, scale 1.1, k 6)
    assert F.detect_faces(images["coffee"], cascade) == []  # a cup of coffee has no face
    # the knob: 0 neighbours = every window that passed all stages, ungrouped (41: 37 on the
    # face, 4 lone windows elsewhere that grouping throws away); too many = not even the face
    raw = F.detect_faces(images["astronaut"], cascade, min_neighbours=0)
    on_face = [b for b in raw if F.iou(b, box) > 0.3]
    assert len(on_face) >= 20 and len(raw) > len(on_face)
    assert F.detect_faces(images["astronaut"], cascade, min_neighbours=100) == []
    assert F.score_scene("astronaut", [box]).true_positives == 1
    assert F.score_scene("astronaut", [(0, 0, 50, 50)]).false_positives == 1


def test_no_face_found_in_textured_face_free_test_photos() -> None:
    # coins and flower are hard negatives: with loose settings their texture passes the cascade
    images = C.scene_images(("coins", "flower"))
    cascade = F.load_cascade()
    assert [F.detect_faces(images[n], cascade) for n in images] == [[], []]
    assert len(F.detect_faces(images["coins"], cascade, min_neighbours=1)) > 0  # measured 3


def test_missing_cascade_file_is_a_clear_error() -> None:
    with pytest.raises(CheckpointError, match=r"haarcascade_nope\.xml not found"):
        F.load_cascade("haarcascade_nope.xml")


def test_lfw_crops_faces_versus_non_faces() -> None:
    score = F.score_lfw("test", limit=10)  # full test half: 50/50 faces found, 0/50 false alarms
    assert (score.faces, score.non_faces) == (10, 10)
    assert score.recall >= 0.9 and score.false_positive_rate == 0.0


def test_cli_bad_value_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--smoke", "--min-neighbours", "0"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: min_neighbours must be at least 1") and err.count("\n") == 1

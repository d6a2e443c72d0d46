"""Face detection the pre-deep-learning way: a boosted cascade over a sliding window (Viola-Jones).

A cascade is a chain of cheap classifiers on local texture features; a window must pass every
stage to count as a face, so almost all windows are rejected after a few comparisons, which is
what made real-time detection possible in 2001. Detection slides the window over every position
and scale (``scale_factor``), then merges overlapping hits: a real face fires in many nearby
windows, a random pattern in few, so ``min_neighbours`` is the precision/recall knob.

Where the cascade comes from: OpenCV 5 moved ``CascadeClassifier`` out of the main module and
``opencv-python-headless`` 5.x no longer ships ``cv2.data.haarcascades``. scikit-image ships
OpenCV's trained LBP (local binary pattern) frontal-face cascade and its own detector for it,
``skimage.feature.Cascade``, which is what runs here (with OpenCV < 5 the same XML also loads in
``cv2.CascadeClassifier``).

Measured two ways, both on images inside the wheels: scenes with a known number of faces
(``min_neighbours`` is picked on the dev scenes, reported on the test ones) and LFW crops
(``skimage.data.lfw_subset``: 100 faces, 100 non-faces; even indices dev, odd test).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from m3_deep_learning.cv.classical import to_gray

if TYPE_CHECKING:
    from skimage.feature import Cascade

Box = tuple[int, int, int, int]  # (x, y, width, height), like cv2.boundingRect

FACES: dict[str, list[Box]] = {
    "astronaut": [(170, 60, 105, 110)],  # Eileen Collins, frontal; drawn by hand on the 512² photo
}
"""True face boxes of the scenes below; every other scene holds no frontal face."""
DEV_SCENES = ("astronaut", "hubble_deep_field", "coffee", "china", "rocket")
TEST_SCENES = ("chelsea", "flower", "immunohistochemistry", "moon", "clock", "coins", "page")
# camera (the cameraman) is left out: his face is in profile, which a frontal cascade should miss.


def load_cascade() -> Cascade:
    """The LBP frontal-face cascade trained by OpenCV, shipped inside scikit-image (imported
    here, not at the top: scikit-image takes a second to import)."""
    from skimage import data
    from skimage.feature import Cascade

    return Cascade(data.lbp_frontal_face_cascade_filename())


def detect_faces(
    image: np.ndarray,
    cascade: Cascade | None = None,
    min_neighbours: int = 8,
    min_size: int = 40,
    max_size: int = 300,
    scale_factor: float = 1.2,
) -> list[Box]:
    """Boxes (x, y, w, h) of frontal faces between ``min_size`` and ``max_size`` pixels wide."""
    cascade = cascade or load_cascade()
    found = cascade.detect_multi_scale(
        img=to_gray(image).astype(np.float32) / 255.0,
        scale_factor=scale_factor,
        step_ratio=1,  # slide one step at a time: exhaustive, fine for a few 512² photos
        min_size=(min_size, min_size),
        max_size=(max_size, max_size),
        min_neighbor_number=min_neighbours,
    )
    return [(int(d["c"]), int(d["r"]), int(d["width"]), int(d["height"])) for d in found]


def iou(a: Box, b: Box) -> float:
    """Intersection over union of two (x, y, w, h) boxes: 1 identical, 0 disjoint."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


@dataclass(frozen=True)
class SceneScore:
    """One scene: boxes found and how they match the true faces (a hit needs IoU ≥ 0.4)."""

    name: str
    expected: int
    boxes: list[Box]
    true_positives: int

    @property
    def false_positives(self) -> int:
        return len(self.boxes) - self.true_positives

    @property
    def missed(self) -> int:
        return self.expected - self.true_positives


def score_scene(name: str, boxes: list[Box], min_iou: float = 0.4) -> SceneScore:
    """Greedy one-to-one matching of found boxes to true boxes by IoU."""
    truth = list(FACES.get(name, []))
    hits = 0
    for box in boxes:
        best = max(truth, key=lambda t: iou(box, t), default=None)
        if best is not None and iou(box, best) >= min_iou:
            truth.remove(best)  # each true face can be found once
            hits += 1
    return SceneScore(name, len(FACES.get(name, [])), boxes, hits)


def score_scenes(
    images: dict[str, np.ndarray], names: tuple[str, ...], cascade: Cascade, min_neighbours: int
) -> list[SceneScore]:
    """Detect and score each named scene."""
    return [score_scene(n, detect_faces(images[n], cascade, min_neighbours)) for n in names]


def errors(scores: list[SceneScore]) -> int:
    """False positives + missed faces: what the dev sweep minimises."""
    return sum(s.false_positives + s.missed for s in scores)


def choose_min_neighbours(
    images: dict[str, np.ndarray], cascade: Cascade, candidates: tuple[int, ...] = (2, 4, 6, 8, 10)
) -> tuple[int, dict[int, int]]:
    """Sweep ``min_neighbours`` on the dev scenes; the fewest errors wins (ties: the smaller
    value, which keeps more recall). Returns the choice and errors per candidate."""
    sweep = {k: errors(score_scenes(images, DEV_SCENES, cascade, k)) for k in candidates}
    return min(sweep, key=lambda k: (sweep[k], k)), sweep


@dataclass(frozen=True)
class CropScore:
    """Face/non-face decisions on LFW crops: recall on faces, false-positive rate on the rest."""

    faces: int
    non_faces: int
    recall: float
    false_positive_rate: float


def score_lfw(split: str = "test", size: int = 48, limit: int | None = None) -> CropScore:
    """Run the detector on each 25×25 LFW crop, upscaled to ``size`` and padded by a quarter.

    The cascade's window is 24×24, so a crop is enlarged and given a margin to let the window
    find it at a few scales and positions; "face" = at least one detection. Even indices are the
    dev half, odd the test half; the first 100 crops of ``lfw_subset`` are faces.
    """
    from skimage import data
    from skimage.transform import resize

    crops = data.lfw_subset()  # (200, 25, 25) float in [0, 1]
    labels = np.arange(len(crops)) < 100
    index = np.arange(len(crops))[0 if split == "dev" else 1 :: 2]
    if limit is not None:  # a few of each class (smoke runs)
        index = np.concatenate([index[labels[index]][:limit], index[~labels[index]][:limit]])
    cascade, found = load_cascade(), []
    for i in index:
        big = np.pad(resize(crops[i], (size, size)), size // 4, mode="edge")
        hits = cascade.detect_multi_scale(img=big.astype(np.float32), scale_factor=1.1,
                                          step_ratio=1, min_size=(size * 3 // 4,) * 2,
                                          max_size=(size * 3 // 2,) * 2,
                                          min_neighbor_number=1)  # fmt: skip
        found.append(len(hits) > 0)
    found_arr, truth = np.array(found), labels[index]
    return CropScore(
        faces=int(truth.sum()),
        non_faces=int((~truth).sum()),
        recall=float(found_arr[truth].mean()),
        false_positive_rate=float(found_arr[~truth].mean()),
    )

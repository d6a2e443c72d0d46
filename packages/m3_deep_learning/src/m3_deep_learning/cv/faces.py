"""Face detection the pre-deep-learning way: Viola-Jones, OpenCV's Haar cascade, a sliding window.

How the detector decides whether a 20×20 window holds a face (Viola and Jones, 2001):

* **Haar features.** A feature is two to four adjacent rectangles; its value is the pixel sum
  under the white ones minus the sum under the black ones. One says "the eye band is darker
  than the cheeks below it", another "the bridge of the nose is brighter than the eyes beside
  it". Each is a weak clue; training (AdaBoost) picks the ones that separate faces best: about
  a thousand in alt2, used here, three thousand in ``frontalface_default``.
* **The integral image.** ``ii[y, x]`` = the sum of all pixels above and to the left of (x, y).
  Any rectangle's sum is then four look-ups (``ii[D] - ii[B] - ii[C] + ii[A]``) whatever its
  size, and the table itself takes one pass over the image: features cost a few additions.
* **The attentional cascade.** The features are grouped into stages (20 in alt2); a window must
  pass every stage to count as a face. The first stages use a handful of features tuned to
  keep ~all faces while rejecting half the background, so almost every window is thrown out
  after a few dozen additions, which is what made real-time detection possible on a 2001 CPU.

``detectMultiScale`` slides the window over every position, shrinks the image by ``scale_factor``
per pass so that larger faces fit the fixed window (1.1: fine steps, more passes, slower), then
groups overlapping hits. A real face fires in
many nearby windows and scales, a random texture in one or two, so ``min_neighbours`` (how many
hits a group needs) is the precision/recall knob; ``min_neighbours=0`` returns the raw hits.

The cascade is OpenCV's own trained ``haarcascade_frontalface_alt2.xml``, shipped inside
opencv-python in ``cv2.data.haarcascades``. Measured two ways, on images inside the wheels:
scenes with a known number of faces (settings chosen on the dev scenes, reported on the test
ones) and LFW crops (``skimage.data.lfw_subset``: 100 faces, 100 non-faces; even indices dev,
odd test).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from m3_deep_learning.cv.classical import to_gray
from m3_deep_learning.errors import CheckpointError

Box = tuple[int, int, int, int]  # (x, y, width, height), like cv2.boundingRect

# alt2 over frontalface_default, both measured on the DEV scenes at scale_factor 1.1: the
# astronaut's box IoU 0.81 vs 0.78, and with min_neighbours=1 alt2 fires on no face-free dev
# photo while default makes a two-window group on china and a second one on the astronaut.
CASCADE_FILE = "haarcascade_frontalface_alt2.xml"
SCALE_FACTOR = 1.1  # dev: the astronaut's face gathers 36 hits at 1.1, 17 at 1.2 (a wider margin)
MIN_NEIGHBOUR_CANDIDATES = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32, 48)  # ~log-spaced: a ratio knob

FACES: dict[str, list[Box]] = {
    "astronaut": [(170, 60, 105, 110)],  # Eileen Collins, frontal; drawn by hand on the 512² photo
}
"""True face boxes of the scenes below; every other scene holds no frontal face."""
DEV_SCENES = ("astronaut", "hubble_deep_field", "coffee", "china", "rocket")
TEST_SCENES = ("chelsea", "flower", "immunohistochemistry", "moon", "clock", "coins", "page")
# camera (the cameraman) is left out: his face is in profile, which a frontal cascade should miss.


def load_cascade(filename: str = CASCADE_FILE) -> cv2.CascadeClassifier:
    """A trained cascade from the XML files inside opencv-python (``cv2.data.haarcascades``).

    ``CascadeClassifier`` on a wrong path does not raise: it returns an empty classifier and
    ``detectMultiScale`` fails later with an opaque assertion, hence the two checks here.
    """
    path = Path(cv2.data.haarcascades) / filename
    if not path.is_file():
        raise CheckpointError(
            f"face cascade {path} not found: it ships with opencv-python(-headless) < 5; "
            "reinstall it (uv sync) or pass one of the haarcascade_*.xml files in that folder"
        )
    cascade = cv2.CascadeClassifier(str(path))
    if cascade.empty():
        raise CheckpointError(f"face cascade {path} could not be read (corrupt XML?)")
    return cascade


def detect_faces(
    image: np.ndarray,
    cascade: cv2.CascadeClassifier | None = None,
    min_neighbours: int = 6,
    min_size: int = 40,
    max_size: int = 300,
    scale_factor: float = SCALE_FACTOR,
) -> list[Box]:
    """Boxes (x, y, w, h) of frontal faces between ``min_size`` and ``max_size`` pixels wide,
    sorted (top-left first) so that results compare equal run to run."""
    cascade = cascade or load_cascade()
    found = cascade.detectMultiScale(
        to_gray(image),  # Haar features compare intensities: colour adds nothing
        scaleFactor=scale_factor,
        minNeighbors=min_neighbours,
        minSize=(min_size, min_size),  # faces under 40 px are too blurry to matter here
        maxSize=(max_size, max_size),
    )
    return sorted((int(x), int(y), int(w), int(h)) for x, y, w, h in found)


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
    images: dict[str, np.ndarray],
    names: tuple[str, ...],
    cascade: cv2.CascadeClassifier,
    min_neighbours: int,
) -> list[SceneScore]:
    """Detect and score each named scene."""
    return [score_scene(n, detect_faces(images[n], cascade, min_neighbours)) for n in names]


def errors(scores: list[SceneScore]) -> int:
    """False positives + missed faces: what the dev sweep minimises."""
    return sum(s.false_positives + s.missed for s in scores)


def choose_min_neighbours(
    images: dict[str, np.ndarray],
    cascade: cv2.CascadeClassifier,
    candidates: tuple[int, ...] = MIN_NEIGHBOUR_CANDIDATES,
) -> tuple[int, dict[int, int]]:
    """Sweep ``min_neighbours`` on the dev scenes; returns the choice and errors per candidate.

    The fewest errors win. Ties are the usual case (with a strong face and clean backgrounds,
    a whole band of values makes no dev error), and the band's edges are where dev errors
    begin: too low, texture groups survive; too high, the face is dropped. The (lower) middle
    of the tied candidates leaves the most room on both sides for test photos that differ from
    the five dev ones; the candidates are roughly log-spaced, so that is a geometric middle.
    """
    sweep = {k: errors(score_scenes(images, DEV_SCENES, cascade, k)) for k in candidates}
    best = sorted(k for k in sweep if sweep[k] == min(sweep.values()))
    return best[(len(best) - 1) // 2], sweep


@dataclass(frozen=True)
class CropScore:
    """Face/non-face decisions on LFW crops: recall on faces, false-positive rate on the rest."""

    faces: int
    non_faces: int
    recall: float
    false_positive_rate: float


def score_lfw(
    split: str = "test",
    size: int = 48,
    limit: int | None = None,
    cascade: cv2.CascadeClassifier | None = None,
) -> CropScore:
    """Run the detector on each 25×25 LFW crop, upscaled to ``size`` and padded by a quarter.

    The cascade's window is 20×20, so a crop is enlarged and given a margin to let the window
    find it at a few scales and positions; "face" = at least one detection. A 72-pixel image
    offers few positions and scales, so a face collects few hits: one neighbour suffices
    (a group of two windows), unlike the 512² scenes. Even indices are the dev half, odd the
    test half; the first 100 crops of ``lfw_subset`` are faces.
    """
    from skimage import data
    from skimage.transform import resize

    crops = data.lfw_subset()  # (200, 25, 25) float in [0, 1]
    labels = np.arange(len(crops)) < 100
    index = np.arange(len(crops))[0 if split == "dev" else 1 :: 2]
    if limit is not None:  # a few of each class (smoke runs)
        index = np.concatenate([index[labels[index]][:limit], index[~labels[index]][:limit]])
    cascade, found = cascade or load_cascade(), []
    for i in index:
        big = np.pad(resize(crops[i], (size, size)), size // 4, mode="edge")
        pixels = np.round(big * 255).astype(np.uint8)  # the cascade wants 8-bit gray
        hits = detect_faces(pixels, cascade, min_neighbours=1, min_size=size * 3 // 4,
                            max_size=size * 3 // 2)  # fmt: skip
        found.append(len(hits) > 0)
    found_arr, truth = np.array(found), labels[index]
    return CropScore(
        faces=int(truth.sum()),
        non_faces=int((~truth).sum()),
        recall=float(found_arr[truth].mean()),
        false_positive_rate=float(found_arr[~truth].mean()),
    )

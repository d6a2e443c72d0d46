"""Classical computer vision with OpenCV: the pipeline from before CNNs, still used beside them.

Every step is a small function on a NumPy array, so each stage can be looked at:

    gray → blur → threshold (global Otsu or local adaptive) → morphology (close, fill, open)
         → contours (count, area, bounding boxes);   gray → blur → Canny edges

``count_coins`` strings them together on scikit-image's ``coins`` photo (24 coins, known answer) and
shows why a single global threshold is not enough on unevenly lit pictures: the background at the
top left is brighter than Otsu's level, so three coins there merge with it into one blob, while
a local (adaptive) threshold boxes all 24 coins one by one.

``otsu_threshold`` is Otsu's method written out in NumPy; a test checks it picks the same level as
``cv2.threshold(..., THRESH_OTSU)``. All images used here ship inside installed wheels
(scikit-image's ``skimage.data``, scikit-learn's ``load_sample_images``): nothing is downloaded.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from m3_deep_learning.errors import BadImageError

COIN_CENTRES = (
    (44, 54), (100, 56), (155, 51), (216, 51), (276, 53), (335, 44),
    (45, 125), (103, 126), (154, 127), (206, 125), (271, 120), (337, 125),
    (44, 197), (102, 196), (154, 198), (213, 193), (274, 194), (348, 187),
    (46, 260), (114, 266), (172, 262), (245, 264), (300, 263), (360, 268),
)  # fmt: skip
"""(x, y) centre of each of the 24 coins of ``skimage.data.coins()``, row by row, checked by eye.
A count alone can be right by accident (two merged coins + one speck of background = 2), so
the pipeline is scored on boxes: each should hold exactly one of these centres."""
COINS_TRUE_COUNT = len(COIN_CENTRES)


SCENES = ("astronaut", "camera", "coins", "coffee", "chelsea", "rocket", "hubble_deep_field",
          "immunohistochemistry", "moon", "clock", "page", "text", "china", "flower")  # fmt: skip


def scene_images(names: Sequence[str] = SCENES) -> dict[str, np.ndarray]:
    """Name → RGB or gray uint8 photo, all from files inside the scikit-image/-learn wheels.

    ``skimage.data`` also lists images it fetches with pooch at first use; the ones here are
    stored in the wheel itself, so they load with no network. ``china`` and ``flower`` are
    scikit-learn's two sample photos.
    """
    from skimage import data

    unknown = sorted(set(names) - set(SCENES))
    if unknown:
        raise BadImageError(
            f"unknown scene(s) {', '.join(unknown)}; choose from {', '.join(SCENES)}"
        )
    images = {}
    for name in names:
        if name in ("china", "flower"):
            from sklearn.datasets import load_sample_image

            images[name] = load_sample_image(f"{name}.jpg")
        else:
            images[name] = getattr(data, name)()
    return images


def to_gray(image: np.ndarray) -> np.ndarray:
    """uint8 single-channel image; RGB is weighted 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601).

    OpenCV assumes BGR channel order by default; arrays from scikit-image/PIL are RGB, hence
    ``COLOR_RGB2GRAY`` (the wrong constant swaps the red and blue weights silently).
    """
    image = np.asarray(image)
    if image.dtype == bool:
        image = image.astype(np.uint8) * 255
    if image.dtype != np.uint8:
        raise BadImageError(f"expected a uint8 image, got {image.dtype}")
    if image.ndim == 2:
        return image
    if image.ndim == 3 and image.shape[2] in (3, 4):
        return cv2.cvtColor(image[..., :3], cv2.COLOR_RGB2GRAY)
    raise BadImageError(f"expected an H×W or H×W×3 image, got shape {image.shape}")


def blur(gray: np.ndarray, size: int = 5) -> np.ndarray:
    """Gaussian blur: averages away pixel noise so thresholds and edges follow shapes, not grain."""
    return cv2.GaussianBlur(gray, (size, size), 0)  # sigma 0: OpenCV derives it from the size


def otsu_threshold(gray: np.ndarray) -> int:
    """Otsu's level, from scratch: the t that maximises the between-class variance.

    Split the histogram at t into dark (≤ t) and bright pixels with weights w0, w1 and means
    m0, m1; the best split maximises w0·w1·(m0 − m1)², which is the same as minimising the
    spread inside each class. Cumulative sums evaluate all 256 candidates at once.
    """
    hist = np.bincount(gray.ravel(), minlength=256).astype(np.float64)
    prob = hist / hist.sum()
    w0 = np.cumsum(prob)  # (256,) weight of the dark class for each t
    mu = np.cumsum(prob * np.arange(256))  # dark class's first moment
    w1 = 1.0 - w0
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (mu[-1] * w0 - mu) ** 2 / (w0 * w1)
    return int(np.nanargmax(np.where((w0 > 0) & (w1 > 0), between, np.nan)))


def threshold_otsu(gray: np.ndarray, invert: bool = False) -> tuple[int, np.ndarray]:
    """OpenCV's Otsu: (level, mask of 0/255) where pixels above the level are foreground."""
    kind = cv2.THRESH_BINARY_INV if invert else cv2.THRESH_BINARY
    level, mask = cv2.threshold(gray, 0, 255, kind | cv2.THRESH_OTSU)
    return int(level), mask


def threshold_adaptive(gray: np.ndarray, block: int = 101, offset: int = -5) -> np.ndarray:
    """Local threshold: a pixel is foreground when brighter than its neighbourhood's weighted
    mean (a ``block``×``block`` Gaussian window) minus ``offset``. Uneven lighting only shifts
    the local mean, so the decision stays right where a global level would not."""
    return cv2.adaptiveThreshold(
        gray, 255, cv2.ADAPTIVE_THRESH_GAUSSIAN_C, cv2.THRESH_BINARY, block, offset
    )


def ellipse(size: int) -> np.ndarray:
    """A round structuring element: the "brush" morphology slides over the mask."""
    return cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (size, size))


def opening(mask: np.ndarray, size: int = 5, iterations: int = 1) -> np.ndarray:
    """Erode then dilate: removes specks smaller than the brush, keeps big shapes' size."""
    return cv2.morphologyEx(mask, cv2.MORPH_OPEN, ellipse(size), iterations=iterations)


def closing(mask: np.ndarray, size: int = 5, iterations: int = 1) -> np.ndarray:
    """Dilate then erode: fills gaps and thin cracks smaller than the brush."""
    return cv2.morphologyEx(mask, cv2.MORPH_CLOSE, ellipse(size), iterations=iterations)


def fill_holes(mask: np.ndarray) -> np.ndarray:
    """Paint every outer contour solid: a coin whose bright rim was found but not its face."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    filled = np.zeros_like(mask)
    cv2.drawContours(filled, contours, -1, 255, thickness=cv2.FILLED)
    return filled


def edges(gray: np.ndarray, low: int = 50, high: int = 150) -> np.ndarray:
    """Canny: gradient magnitude, thinned to one pixel, kept where above ``high`` or connected
    to such a pixel through values above ``low`` (hysteresis)."""
    return cv2.Canny(gray, low, high)


@dataclass(frozen=True)
class Blob:
    """One outer contour: its area in pixels and its bounding box (x, y, width, height)."""

    area: float
    box: tuple[int, int, int, int]


def find_blobs(mask: np.ndarray, min_area: float = 0.0) -> list[Blob]:
    """Outer contours of a 0/255 mask with at least ``min_area`` pixels, largest first."""
    contours, _ = cv2.findContours(mask, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    blobs = [Blob(float(cv2.contourArea(c)), tuple(int(v) for v in cv2.boundingRect(c)))
             for c in contours]  # fmt: skip
    return sorted((b for b in blobs if b.area >= min_area), key=lambda b: -b.area)


@dataclass
class Stages:
    """The intermediate images of a pipeline run, in order, for plotting and for tests."""

    images: dict[str, np.ndarray]
    blobs: list[Blob]
    threshold: int | None = None

    @property
    def count(self) -> int:
        return len(self.blobs)


def count_objects(
    image: np.ndarray,
    method: str = "adaptive",
    min_area: float = 200.0,
    close_brush: int = 5,
    open_brush: int = 9,
) -> Stages:
    """Bright objects on a darker background: threshold, clean up with morphology, count contours.

    ``method`` is ``adaptive`` (local threshold) or ``otsu`` (one global level). Closing joins a
    coin's broken rim, filling makes it solid, opening with a bigger brush cuts the thin bridges
    between neighbouring coins and removes specks; contours under ``min_area`` pixels are noise.
    The brushes were chosen on ``coins`` itself (one image: there is no separate test photo).
    """
    thresholds: dict[str, Callable[[np.ndarray], tuple[int | None, np.ndarray]]] = {
        "adaptive": lambda g: (None, threshold_adaptive(g)),
        "otsu": threshold_otsu,
    }
    if method not in thresholds:
        raise BadImageError(f"unknown threshold method {method!r}; choose {', '.join(thresholds)}")
    gray = to_gray(image)
    smooth = blur(gray)
    level, mask = thresholds[method](smooth)
    closed = closing(mask, close_brush, iterations=2)
    filled = fill_holes(closed)
    cleaned = opening(filled, open_brush, iterations=2)
    stages = {"gray": gray, "blur": smooth, f"{method} threshold": mask, "closed": closed,
              "filled": filled, "opened": cleaned, "edges (Canny)": edges(smooth)}  # fmt: skip
    return Stages(stages, find_blobs(cleaned, min_area), level)


def count_coins(method: str = "adaptive") -> Stages:
    """``count_objects`` on ``skimage.data.coins()``; adaptive finds all 24, Otsu fewer."""
    from skimage import data

    return count_objects(data.coins(), method)


@dataclass(frozen=True)
class BoxScore:
    """Boxes against known object centres: one centre each is right, more is a merge."""

    one_each: int
    merged: int
    empty: int
    missed: int


def score_boxes(blobs: Sequence[Blob], centres: Sequence[tuple[int, int]]) -> BoxScore:
    """How many boxes hold exactly one centre, several (merged objects), none (spurious), and
    how many centres no box holds (missed objects)."""

    def inside(box: tuple[int, int, int, int], point: tuple[int, int]) -> bool:
        x, y, w, h = box
        return x <= point[0] < x + w and y <= point[1] < y + h

    held = [sum(inside(b.box, c) for c in centres) for b in blobs]
    missed = sum(not any(inside(b.box, c) for b in blobs) for c in centres)
    return BoxScore(held.count(1), sum(h > 1 for h in held), held.count(0), missed)

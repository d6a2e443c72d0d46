"""The months 2 and 3 models behind a small, thread-safe ``predict`` each, plus image uploads.

Loading reuses the training packages' own safe loaders (a ``train-mnist`` checkpoint read with
``weights_only``; a skops file whose types are checked before anything is built), so a served
model is exactly the file a learner trained, wherever it came from (a path or the registry).
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import pandas as pd
import torch
from PIL import Image, UnidentifiedImageError

from m2_classical_ml.persistence import load_model
from m2_classical_ml.titanic_predict import titanic_model
from m3_deep_learning.errors import BadImageError
from m3_deep_learning.mnist.models import load_trained
from m3_deep_learning.mnist.predict import prepare_grey, read_grey
from m3_deep_learning.mnist.pyfunc import class_probabilities

MAX_IMAGE_BYTES = 4 * 1024 * 1024
"""Largest image file accepted (a phone photo of a digit is well under this)."""
MAX_IMAGE_SIDE = 4096
"""Largest width or height in pixels, checked from the header before any pixel is decoded
(a 100-byte PNG can claim 50,000 × 50,000 pixels: a decompression bomb)."""
MAX_REQUEST_PIXELS = 32_000_000
"""Pixels one request may ask us to decode in all (two phone photos, or 64 scans): a few KB of
flat-colour PNGs can otherwise cost seconds of CPU and gigabytes of memory to decode."""
IMAGE_SIGNATURES = {b"\x89PNG\r\n\x1a\n": "PNG", b"\xff\xd8\xff": "JPEG"}
"""Magic bytes of the accepted formats: the content decides, not the file name or header."""


class MnistPredictor:
    """A ``train-mnist`` checkpoint: uint8 digits (N, 28, 28) → class probabilities (N, 10)."""

    name = "mnist"

    def __init__(self, checkpoint: Path, source: str | None = None) -> None:
        self.model, self.meta = load_trained(checkpoint)
        self.source = source or str(checkpoint)

    @torch.inference_mode()
    def predict(self, images: np.ndarray) -> np.ndarray:
        """Softmax probabilities, one row per image (grey levels 0–255, white digit on black):
        the same function the registered MLflow model runs, so both answer alike."""
        return class_probabilities(self.model, self.meta, images.astype(np.uint8, copy=False))


class TitanicPredictor:
    """A ``titanic`` pipeline (features → model): passenger rows → P(survived)."""

    name = "titanic"

    def __init__(self, path: Path, source: str | None = None) -> None:
        self.pipeline = titanic_model(load_model(path), path)
        self.source = source or str(path)

    def predict(self, passengers: pd.DataFrame) -> np.ndarray:
        """P(survived) per row of ``passengers`` (columns pclass, sex, age, sibsp, parch)."""
        return self.pipeline.predict_proba(passengers)[:, 1]


def image_size(data: bytes, name: str) -> tuple[int, int]:
    """Width and height from the header of a PNG/JPEG upload; ``BadImageError`` for anything else:
    too large, not PNG or JPEG by its first bytes (not its name), undecodable, too many pixels."""
    if len(data) > MAX_IMAGE_BYTES:
        raise BadImageError(f"{name}: {len(data):,} bytes is over the {MAX_IMAGE_BYTES:,} limit")
    if not any(data.startswith(magic) for magic in IMAGE_SIGNATURES):
        raise BadImageError(f"{name}: not a PNG or JPEG image (judged by its content)")
    try:
        with Image.open(io.BytesIO(data)) as image:  # reads the header only
            width, height = image.size
    except Image.DecompressionBombError:  # PIL's own guard, far above ours: same answer
        raise BadImageError(
            f"{name}: too many pixels (over the {MAX_IMAGE_SIDE} px limit)"
        ) from None
    except UnidentifiedImageError:
        raise BadImageError(f"{name}: not a readable image (unknown or corrupt format)") from None
    except (OSError, ValueError) as error:
        raise BadImageError(f"{name}: not a readable image ({error})") from None
    if max(width, height) > MAX_IMAGE_SIDE:
        raise BadImageError(f"{name}: {width}×{height} px is over the {MAX_IMAGE_SIDE} px limit")
    return width, height


def decode_digits(uploads: list[tuple[bytes, str]]) -> np.ndarray:
    """Uploaded ``(bytes, name)`` images → uint8 (N, 28, 28), prepared exactly as ``predict-mnist``
    prepares files. Every header is checked, and the request's pixel budget, before any decoding."""
    pixels = sum(width * height for width, height in (image_size(*up) for up in uploads))
    if pixels > MAX_REQUEST_PIXELS:
        raise BadImageError(f"{pixels:,} pixels in all is over the {MAX_REQUEST_PIXELS:,} limit "
                            "of one request: send smaller images, or fewer")  # fmt: skip
    return np.stack(
        [prepare_grey(read_grey(io.BytesIO(data), name), name) for data, name in uploads]
    )

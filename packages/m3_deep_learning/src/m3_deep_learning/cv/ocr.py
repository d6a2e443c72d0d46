"""OCR with Tesseract, measured: render text lines ourselves, degrade them, read them back, score.

Because we draw the text, the right answer is known exactly, so the character error rate

    CER = (substitutions + deletions + insertions) / characters in the reference

(the edit distance, written out below) can be measured per condition: font, size, noise, blur,
contrast. Tesseract (LSTM engine; ``--psm 7`` "one line of text" or ``--psm 6`` "a block of
lines") is run through pytesseract, which only writes the image to a temp file and calls the
``tesseract`` program, so that program must be installed: ``apt-get install tesseract-ocr``
(macOS: ``brew install tesseract``). Without it, ``require_tesseract`` raises one clear error
naming that command.

Two kinds of text: the Zen of Python (English words: Tesseract's language model helps) and random
codes such as ``K7Q-0381 ZX/42`` (no dictionary help: raw glyph recognition). Each has a dev half,
used to choose the preprocessing, and a test half, used for the reported numbers.
"""

from __future__ import annotations

import ast
import importlib.util
import os
import random
import shutil
import string
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from m3_deep_learning.cv.classical import blur, threshold_otsu
from m3_deep_learning.errors import DeepLearningError

INSTALL_HINT = "apt-get install tesseract-ocr"
FONTS = ("DejaVuSans", "DejaVuSerif", "DejaVuSansMono")
"""TrueType fonts shipped inside matplotlib (mpl-data/fonts/ttf): present wherever m3 installs."""


class TesseractMissingError(DeepLearningError):
    """The ``tesseract`` program that pytesseract calls is not installed."""


def require_tesseract(command: str | None = None) -> str:
    """Full path of the tesseract program (``command``, $TESSERACT_CMD or ``tesseract`` on PATH)."""
    command = command or os.environ.get("TESSERACT_CMD") or "tesseract"
    found = shutil.which(command)
    if found is None:
        raise TesseractMissingError(
            f"the tesseract program ({command!r}) is not installed or not on PATH; "
            f"install it with: {INSTALL_HINT}"
        )
    return found


def edit_distance(reference: str, hypothesis: str) -> int:
    """Levenshtein distance: fewest one-character edits turning ``reference`` into ``hypothesis``.

    Dynamic programming over prefixes: ``row[j]`` is the distance between the first i reference
    characters and the first j hypothesis characters; each cell takes the cheapest of deleting
    a reference character, inserting a hypothesis character, or substituting (free on a match).
    One row is kept at a time: O(len(ref) · len(hyp)) time, O(len(hyp)) memory.
    """
    row = list(range(len(hypothesis) + 1))  # distance from "" to each hypothesis prefix
    for i, ref_char in enumerate(reference, start=1):
        diagonal, row[0] = row[0], i
        for j, hyp_char in enumerate(hypothesis, start=1):
            substitute = diagonal + (ref_char != hyp_char)
            diagonal = row[j]
            row[j] = min(row[j] + 1, row[j - 1] + 1, substitute)  # delete, insert, substitute
    return row[-1]


def normalise(text: str) -> str:
    """Collapse runs of whitespace and trim: line breaks and spacing are layout, not characters."""
    return " ".join(text.split())


def cer(reference: str, hypothesis: str) -> float:
    """Character error rate of ``hypothesis`` against a non-empty ``reference`` (can exceed 1)."""
    reference, hypothesis = normalise(reference), normalise(hypothesis)
    if not reference:
        raise ValueError("the reference text is empty")
    return edit_distance(reference, hypothesis) / len(reference)


def zen_lines() -> list[str]:
    """The 19 aphorisms of ``import this``, read from the module's source without running it
    (importing ``this`` prints the poem); the text is stored ROT13-encoded in ``this.s``."""
    spec = importlib.util.find_spec("this")
    assert spec is not None and spec.origin is not None
    tree = ast.parse(Path(spec.origin).read_text())
    encoded = next(
        node.value.value
        for node in tree.body
        if isinstance(node, ast.Assign)
        and getattr(node.targets[0], "id", None) == "s"
        and isinstance(node.value, ast.Constant)
    )
    table = str.maketrans(
        string.ascii_lowercase + string.ascii_uppercase,
        string.ascii_lowercase[13:] + string.ascii_lowercase[:13]
        + string.ascii_uppercase[13:] + string.ascii_uppercase[:13],
    )  # fmt: skip
    lines = [line.strip() for line in encoded.translate(table).splitlines()]
    return [line for line in lines if line and not line.startswith("The Zen of Python")]


def random_codes(count: int, seed: int) -> list[str]:
    """Seeded lines like ``K7Q-0381 ZX/42``: letters and digits with no word to guess from."""
    rng = random.Random(seed)
    alphabet = string.ascii_uppercase + string.digits

    def chunk(n: int) -> str:
        return "".join(rng.choice(alphabet) for _ in range(n))

    return [f"{chunk(3)}-{chunk(4)} {chunk(2)}/{rng.randint(10, 99)}" for _ in range(count)]


def golden_lines(split: str, per_kind: int | None = None) -> list[str]:
    """Dev or test lines: every other Zen aphorism (10 dev, 9 test) then 8 codes with a
    split-specific seed; ``per_kind`` keeps only the first few of each kind."""
    offset = {"dev": 0, "test": 1}[split]
    return zen_lines()[offset::2][:per_kind] + random_codes(8, seed=1000 + offset)[:per_kind]


@dataclass(frozen=True)
class Condition:
    """How a line is drawn and degraded before OCR."""

    name: str
    size: int = 20
    """Font size in pixels (x-height is about half of it)."""
    noise: float = 0.0
    """Standard deviation of Gaussian pixel noise, in grey levels (0-255)."""
    blur: float = 0.0
    """Gaussian blur radius in pixels (an out-of-focus scan)."""
    ink: int = 0
    """Grey level of the text on a white (255) page; 170 = faded print."""

    def describe(self) -> str:
        """``20 px, noise σ=40, blur r=1.5`` : what the name stands for."""
        parts = [f"{self.size} px"]
        parts += [f"noise σ={self.noise:g}"] if self.noise else []
        parts += [f"blur r={self.blur:g}"] if self.blur else []
        parts += [f"ink {self.ink}/255"] if self.ink else []
        return ", ".join(parts)


CONDITIONS = (
    Condition("clean"),  # 20 px black on white
    Condition("small", size=12),
    Condition("large", size=32),
    Condition("noise", noise=40),
    Condition("blur", blur=1.5),
    Condition("noise+blur", noise=40, blur=1.5),
    Condition("faded", ink=170, noise=10),  # light grey print, a little noise
)
"""Named ``--conditions`` of ocr-eval; each changes the clean 20 px line in one or two ways."""


def font_path(name: str) -> Path:
    """A TrueType file from matplotlib's bundled fonts (DejaVu family)."""
    import matplotlib

    path = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / f"{name}.ttf"
    if not path.exists():
        raise DeepLearningError(f"font {name!r} not found in matplotlib's fonts ({path.parent})")
    return path


def render(lines: Sequence[str], font: str, condition: Condition, seed: int = 0) -> np.ndarray:
    """Draw lines of black text on white, one under another with a margin, then blur and add
    noise: a uint8 gray "scan" whose text we know exactly."""
    face = ImageFont.truetype(str(font_path(font)), condition.size)
    boxes = [face.getbbox(line) for line in lines]  # (left, top, right, bottom) per line
    step = int(condition.size * 1.6)  # line pitch: 1.6 × the font size, like loose print
    margin = max(8, condition.size // 2)  # Tesseract reads poorly when glyphs touch the border
    width = max(right for _, _, right, _ in boxes) + 2 * margin
    image = Image.new("L", (width, step * (len(lines) - 1) + condition.size + 2 * margin), 255)
    draw = ImageDraw.Draw(image)
    for k, line in enumerate(lines):
        draw.text((margin, margin + k * step), line, fill=condition.ink, font=face)
    if condition.blur:
        image = image.filter(ImageFilter.GaussianBlur(condition.blur))
    pixels = np.asarray(image, dtype=np.float64)
    if condition.noise:
        pixels = pixels + np.random.default_rng(seed).normal(0.0, condition.noise, pixels.shape)
    return np.clip(pixels, 0, 255).astype(np.uint8)


PREPROCESSING = ("none", "otsu", "upscale+otsu")


def preprocess(gray: np.ndarray, how: str) -> np.ndarray:
    """Optional clean-up before OCR: binarise (blur + Otsu), or upscale ×2 first for small text."""
    import cv2

    if how == "none":
        return gray
    if how == "upscale+otsu":
        gray = cv2.resize(gray, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
    elif how != "otsu":
        raise DeepLearningError(f"unknown preprocessing {how!r}; choose {', '.join(PREPROCESSING)}")
    return threshold_otsu(blur(gray, 3))[1]


def read_text(gray: np.ndarray, lines: int = 1, tesseract: str | None = None) -> str:
    """Tesseract's reading of an image: ``--psm 7`` (one text line) or ``--psm 6`` (a uniform
    block of lines), English, LSTM engine."""
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = require_tesseract(tesseract)
    psm = 7 if lines == 1 else 6
    return pytesseract.image_to_string(
        Image.fromarray(gray), lang="eng", config=f"--psm {psm} --oem 1"
    )


@dataclass(frozen=True)
class Reading:
    """One page (all lines of a split, one font, one condition) read back, and its score."""

    font: str
    condition: str
    reference: str
    hypothesis: str
    cer: float


def evaluate(
    lines: Sequence[str],
    fonts: Sequence[str],
    conditions: Sequence[Condition],
    how: str = "none",
    tesseract: str | None = None,
    seed: int = 0,
) -> list[Reading]:
    """Render the lines as one page per font and condition, OCR it, score the whole page.

    One Tesseract call per page, not per line: starting the program and loading its English
    model costs about half a second, which would dominate 20 short lines. The page's CER is
    the edit distance over all its characters (line breaks count as one space).
    """
    require_tesseract(tesseract)  # fail before rendering anything
    os.environ.setdefault("OMP_THREAD_LIMIT", "1")  # Tesseract's threads only fight on small pages
    reference = " ".join(lines)
    readings = []
    for font in fonts:
        for k, condition in enumerate(conditions):
            image = preprocess(render(lines, font, condition, seed + k), how)
            text = normalise(read_text(image, len(lines), tesseract))
            readings.append(Reading(font, condition.name, reference, text, cer(reference, text)))
    return readings


def mean_cer(readings: Sequence[Reading], **match: str) -> float:
    """Mean CER over readings whose fields equal ``match`` (e.g. ``condition="blur"``)."""
    chosen = [r.cer for r in readings if all(getattr(r, k) == v for k, v in match.items())]
    return float(np.mean(chosen)) if chosen else float("nan")

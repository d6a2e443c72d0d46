"""OCR: the edit distance, the rendered golden lines, Tesseract's CER, the missing-binary error."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from m3_deep_learning.cv import ocr
from m3_deep_learning.cv.ocr_eval import main


def missing_tesseract() -> str | None:
    """The error message when tesseract is not installed, else None."""
    try:
        ocr.require_tesseract()
    except ocr.TesseractMissingError as error:
        return str(error)
    return None


MISSING = missing_tesseract()
needs_tesseract = pytest.mark.skipif(MISSING is not None, reason=MISSING or "")
CLEAN, NOISY = ocr.CONDITIONS[0], ocr.CONDITIONS[5]


@pytest.mark.parametrize(
    ("reference", "hypothesis", "distance"),
    [("kitten", "sitting", 3), ("flaw", "lawn", 2), ("abc", "abc", 0), ("", "abc", 3),
     ("abc", "", 3), ("intention", "execution", 5), ("O0O", "000", 2)],
)  # fmt: skip
def test_edit_distance_known_pairs(reference: str, hypothesis: str, distance: int) -> None:
    assert ocr.edit_distance(reference, hypothesis) == distance
    assert ocr.edit_distance(hypothesis, reference) == distance  # symmetric


def test_cer_normalises_whitespace_and_divides_by_reference_length() -> None:
    assert ocr.cer("abcd", "abed") == 0.25
    assert ocr.cer("a  b\nc ", " a b c") == 0.0
    assert ocr.cer("ab", "xyzw") == 2.0  # insertions can push CER past 1
    with pytest.raises(ValueError, match="empty"):
        ocr.cer(" ", "x")


def test_golden_lines_are_real_text_with_disjoint_splits() -> None:
    zen = ocr.zen_lines()
    assert len(zen) == 19 and zen[0] == "Beautiful is better than ugly."
    dev, test = ocr.golden_lines("dev"), ocr.golden_lines("test")
    assert (len(dev), len(test)) == (18, 17) and not set(dev) & set(test)
    assert ocr.golden_lines("test", per_kind=2) == test[:2] + test[9:11]


def test_render_draws_dark_text_and_degrades_it_reproducibly() -> None:
    clean = ocr.render(["Hello 42"], "DejaVuSans", CLEAN)
    assert clean.dtype == np.uint8 and clean.min() == 0 and clean.max() == 255
    assert clean[:5].min() == 255  # the margin stays white
    noisy = ocr.render(["Hello 42"], "DejaVuSans", NOISY, seed=3)
    assert noisy.shape == clean.shape and np.array_equal(
        noisy, ocr.render(["Hello 42"], "DejaVuSans", NOISY, seed=3)
    )
    two = ocr.render(["Hello", "World"], "DejaVuSerif", CLEAN)
    assert two.shape[0] > clean.shape[0]


def test_missing_binary_names_the_install_command(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # an empty folder: no tesseract on PATH
    monkeypatch.delenv("TESSERACT_CMD", raising=False)
    with pytest.raises(ocr.TesseractMissingError, match="apt-get install tesseract-ocr"):
        ocr.require_tesseract()
    with pytest.raises(ocr.TesseractMissingError, match="/no/such/tesseract"):
        ocr.evaluate(["x"], ["DejaVuSans"], [CLEAN], tesseract="/no/such/tesseract")
    assert main(["--smoke", "--out", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: the tesseract program") and err.count("\n") == 1
    assert err.rstrip().endswith("install it with: apt-get install tesseract-ocr")


@needs_tesseract
def test_clean_line_reads_back_almost_exactly() -> None:
    line = "Beautiful is better than ugly. 42 cats"
    text = ocr.read_text(ocr.render([line], "DejaVuSans", CLEAN))
    assert ocr.cer(line, text) < 0.05


@needs_tesseract
def test_noise_and_blur_hurt_and_otsu_helps() -> None:
    lines = ocr.golden_lines("dev", per_kind=1)
    clean = ocr.evaluate(lines, ["DejaVuSans"], [CLEAN])
    raw = ocr.evaluate(lines, ["DejaVuSans"], [NOISY], how="none")
    binarised = ocr.evaluate(lines, ["DejaVuSans"], [NOISY], how="otsu")
    assert clean[0].cer < 0.05
    assert raw[0].cer > 0.5 > binarised[0].cer  # seeded: 1.0 vs 0.2 with Tesseract 5.3

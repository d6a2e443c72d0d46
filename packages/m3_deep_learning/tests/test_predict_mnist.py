"""predict-mnist: any image → an MNIST-like 28×28 digit; clear errors for bad input."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageFilter

from m3_deep_learning.mnist.data import load_mnist_tensors
from m3_deep_learning.mnist.predict import PredictConfig, main, prepare_image, run


@pytest.fixture(scope="module")
def digits() -> tuple[np.ndarray, np.ndarray]:
    """20 real test digits (uint8, white on black) and their labels."""
    data = load_mnist_tensors(train_size=0, test_size=20, seed=3)
    return data.raw_test, data.y_test.numpy()


def correlation(a: np.ndarray, b: np.ndarray) -> float:
    """Pixel correlation after a slight blur, so a one-pixel offset of a thin stroke is forgiven."""
    blur = ImageFilter.GaussianBlur(1)
    a, b = (np.asarray(Image.fromarray(x).filter(blur), dtype=float).ravel() for x in (a, b))
    return float(np.corrcoef(a, b)[0, 1])


def test_a_photo_like_version_comes_back_close_to_the_original(tmp_path: Path, digits) -> None:
    """Dark ink on light grey paper, 5× larger, off-centre, in colour → nearly the MNIST digit."""
    images, _ = digits
    for i, digit in enumerate(images[:10]):
        canvas = np.full((200, 260), 230, dtype=np.uint8)  # light paper
        ink = np.asarray(Image.fromarray(digit).resize((140, 140), Image.Resampling.BILINEAR))
        canvas[20:160, 90:230] = np.minimum(canvas[20:160, 90:230], 255 - ink)
        path = tmp_path / f"photo_{i}.jpg"
        Image.fromarray(canvas).convert("RGB").save(path, quality=90)
        prepared = prepare_image(path)
        assert prepared.shape == (28, 28) and prepared.dtype == np.uint8
        assert correlation(prepared, digit) > 0.8, f"digit {i}"


def test_transparent_png_is_drawn_on_white_paper(tmp_path: Path, digits) -> None:
    images, _ = digits
    rgba = np.zeros((112, 112, 4), dtype=np.uint8)  # black ink whose alpha is the digit
    rgba[..., 3] = np.asarray(Image.fromarray(images[0]).resize((112, 112)))
    Image.fromarray(rgba, mode="RGBA").save(tmp_path / "drawn.png")
    assert correlation(prepare_image(tmp_path / "drawn.png"), images[0]) > 0.8


@pytest.mark.slow
def test_predicts_real_digits_with_the_tiny_checkpoint(
    tmp_path: Path, digits, tiny_mnist_run, capsys
) -> None:
    images, labels = digits
    paths = []
    for i, digit in enumerate(images):
        paths.append(tmp_path / f"{i}.png")
        Image.fromarray(255 - digit).resize((84, 84)).save(paths[-1])  # black on white, 3× size
    out = tmp_path / "out"
    code = main(
        [*map(str, paths), "--checkpoint", str(tiny_mnist_run.checkpoint), "--out", str(out)]
    )
    assert code == 0
    rows = json.loads((out / "metrics.json").read_text())["predictions"]
    accuracy = np.mean(
        [row["prediction"] == label for row, label in zip(rows, labels, strict=True)]
    )
    assert accuracy >= 0.8  # 20 digits through the whole pipeline, model trained on 2000 images
    assert (out / "inputs.png").stat().st_size > 0
    assert "predict-mnist" in capsys.readouterr().out


def bad_inputs(tmp_path: Path) -> dict[str, tuple[Path, str]]:
    text = tmp_path / "notes.png"
    text.write_text("this is not an image")
    blank = tmp_path / "blank.png"
    Image.new("L", (64, 64), 255).save(blank)
    tiny = tmp_path / "tiny.png"
    Image.new("L", (4, 4), 0).save(tiny)
    return {
        "missing": (tmp_path / "nope.png", "nope.png: no such file"),
        "text": (text, "notes.png: not a readable image"),
        "blank": (blank, "blank.png: no digit found"),
        "tiny": (tiny, "tiny.png: 4×4 px is too small"),
    }


@pytest.mark.parametrize("case", ["missing", "text", "blank", "tiny"])
def test_bad_images_exit_2_with_the_file_named(
    tmp_path: Path, case: str, capsys, tiny_checkpoint
) -> None:
    path, message = bad_inputs(tmp_path)[case]
    out = tmp_path / "out"
    assert main([str(path), "--checkpoint", str(tiny_checkpoint), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and message in err and err.count("\n") == 1
    assert not out.exists()  # nothing half-written


def test_missing_checkpoint_names_the_training_command(tmp_path: Path, capsys, digits) -> None:
    image = tmp_path / "digit.png"
    Image.fromarray(digits[0][0]).save(image)
    assert main([str(image), "--checkpoint", str(tmp_path / "none.pt")]) == 2
    assert "uv run train-mnist" in capsys.readouterr().err


def test_no_image_is_an_error(capsys) -> None:
    assert main(["--checkpoint", "x.pt"]) == 2
    assert "no image given" in capsys.readouterr().err


@pytest.fixture
def tiny_checkpoint(tmp_path: Path) -> Path:
    """An untrained but valid checkpoint: enough to reach the image checks."""
    from m3_deep_learning.checkpoint import save_checkpoint
    from m3_deep_learning.mnist.models import CNN

    return save_checkpoint(tmp_path / "untrained.pt", "cnn", CNN(), mean=0.1307, std=0.3081)


@pytest.mark.slow
def test_run_returns_a_result_whose_metrics_score_the_demo_digits(tmp_path: Path) -> None:
    """``--smoke`` as a config: ten test digits written as PNGs, a checkpoint trained in seconds."""
    config = PredictConfig.preset("tiny", checkpoint=tmp_path / "none.pt", out=tmp_path)
    result = run(config)
    truth = [int(Path(row["file"]).stem.split("_")[1]) for row in result.predictions]
    assert truth == list(range(10))  # digit_<label>.png, one per class
    correct = sum(row["prediction"] == digit for digit, row in enumerate(result.predictions))
    assert result.metrics()["accuracy"] == pytest.approx(correct / 10)
    assert correct >= 7  # measured 9 and 10 of 10 (seeds 0, 1): a 2-epoch model on 2000 images
    assert result.images.shape == (10, 28, 28)
    assert result.checkpoint == tmp_path / "model" / "best.pt"  # none given: it trained one

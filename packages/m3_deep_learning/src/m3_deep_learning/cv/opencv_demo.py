"""opencv-demo: classical computer vision, measured on photos with known answers.

    uv run opencv-demo              # coins + faces, min_neighbours chosen on the dev scenes
    uv run opencv-demo --smoke      # seconds: coins, the astronaut, 10 LFW crops

1. Count the 24 coins of ``skimage.data.coins()``: blur → threshold → close → fill → open →
   contours. A global Otsu threshold against a local (adaptive) one shows why uneven lighting
   needs the local one. Our NumPy Otsu is checked against OpenCV's on every photo.
2. Find frontal faces with OpenCV's Haar cascade (Viola-Jones, ``cv2.CascadeClassifier`` and the
   XML shipped in ``cv2.data.haarcascades``): ``min_neighbours`` is swept on dev scenes (the
   astronaut + four face-free photos), then reported on test scenes (seven face-free photos:
   false alarms) and on the test half of 100 LFW face / 100 non-face crops.

Writes metrics.json, coins_pipeline.png (every stage) and faces.png (boxes found vs true) to --out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from m3_deep_learning.cv import faces as F
from m3_deep_learning.cv.classical import (
    COIN_CENTRES,
    COINS_TRUE_COUNT,
    SCENES,
    Stages,
    count_coins,
    otsu_threshold,
    scene_images,
    score_boxes,
    threshold_otsu,
    to_gray,
)
from m3_deep_learning.plots import pyplot
from roadmap_data import runs_dir
from roadmap_data.console import friendly_errors, print_table, save_figure, seed_everything
from roadmap_data.runkit import RunConfig, RunParser, require_at_least, save_metrics


@dataclass(frozen=True, kw_only=True)
class DemoConfig(RunConfig):
    """Settings of opencv-demo."""

    PRESETS: ClassVar = {"tiny": {"min_neighbours": 6, "lfw_limit": 5}, "cpu": {}, "full": {}}

    min_neighbours: int | None = None
    """Overlapping hits a face needs; None: swept over 1-48 on the dev scenes."""
    lfw_limit: int | None = None
    """LFW test crops per class (None: all 50 faces and 50 non-faces of the test half)."""

    def validate(self) -> None:
        require_at_least(1, min_neighbours=self.min_neighbours, lfw_limit=self.lfw_limit)


@dataclass
class DemoResult:
    """Coin counts, the face sweep and the face scores; ``metrics()`` goes to metrics.json."""

    config: DemoConfig
    coins: dict[str, Stages]
    otsu_agrees: dict[str, tuple[int, int]]
    min_neighbours: int
    sweep: dict[int, int]
    dev_scenes: list[F.SceneScore]
    test_scenes: list[F.SceneScore]
    lfw: F.CropScore
    out: Path
    plots: list[Path] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        def scenes(scores: list[F.SceneScore]) -> list[dict[str, Any]]:
            return [
                {"image": s.name, "true_faces": s.expected, "found": len(s.boxes),
                 "true_positives": s.true_positives, "boxes": s.boxes}
                for s in scores
            ]  # fmt: skip

        return {
            "coins_true_count": COINS_TRUE_COUNT,
            "coins": {
                m: {"count": s.count, "threshold": s.threshold, "boxes": [b.box for b in s.blobs]}
                | asdict(score_boxes(s.blobs, COIN_CENTRES))
                for m, s in self.coins.items()
            },
            "otsu_numpy_vs_opencv": self.otsu_agrees,
            "faces_min_neighbours": self.min_neighbours,
            "faces_dev_sweep_errors": self.sweep,
            "faces_dev_scenes": scenes(self.dev_scenes),
            "faces_test_scenes": scenes(self.test_scenes),
            "faces_test_false_positives": sum(s.false_positives for s in self.test_scenes),
            "lfw_test": asdict(self.lfw),
            "plots": [str(p) for p in self.plots],
        }


def run(config: DemoConfig) -> DemoResult:
    """Count coins two ways, check Otsu, tune and score the face cascade, save the artefacts."""
    seed_everything(config.seed)  # nothing here is random; kept for the run kit's contract
    out = config.out or runs_dir("opencv-demo")
    tiny = config.min_neighbours is not None and config.lfw_limit is not None  # the smoke preset
    images = scene_images(("coins", "astronaut") if tiny else SCENES)
    coins = {method: count_coins(method) for method in ("adaptive", "otsu")}
    otsu = {
        n: (otsu_threshold(to_gray(im)), threshold_otsu(to_gray(im))[0]) for n, im in images.items()
    }
    cascade = F.load_cascade()
    if config.min_neighbours is None:
        chosen, sweep = F.choose_min_neighbours(images, cascade)
    else:
        chosen, sweep = config.min_neighbours, {}
    dev_names = ("astronaut",) if tiny else F.DEV_SCENES
    test_names = () if tiny else F.TEST_SCENES
    result = DemoResult(
        config=config,
        coins=coins,
        otsu_agrees=otsu,
        min_neighbours=chosen,
        sweep=sweep,
        dev_scenes=F.score_scenes(images, dev_names, cascade, chosen),
        test_scenes=F.score_scenes(images, test_names, cascade, chosen),
        lfw=F.score_lfw("test", limit=config.lfw_limit, cascade=cascade),
        out=out,
    )
    result.plots = [save_coins_figure(coins, out / "coins_pipeline.png"),
                    save_faces_figure(result, images, out / "faces.png")]  # fmt: skip
    save_metrics(result, config, out)
    return result


def save_coins_figure(coins: dict[str, Stages], path: Path) -> Path:
    """Every stage of the adaptive pipeline, then both methods' contours over the photo."""
    import cv2

    plt = pyplot()
    stages = coins["adaptive"].images
    panels = list(stages.items())
    for method, result in coins.items():
        overlay = cv2.cvtColor(stages["gray"], cv2.COLOR_GRAY2RGB)
        for blob in result.blobs:
            x, y, w, h = blob.box
            cv2.rectangle(overlay, (x, y), (x + w, y + h), (255, 40, 40), 2)
        for x, y in COIN_CENTRES:  # the true centres: one green dot per box when all is well
            cv2.circle(overlay, (x, y), 4, (40, 220, 40), -1)
        score = score_boxes(result.blobs, COIN_CENTRES)
        title = f"{method}: {result.count} boxes, {score.one_each} hold one coin"
        panels.append((title + (f", {score.merged} merged" if score.merged else ""), overlay))
    fig, axes = plt.subplots(3, 3, figsize=(12, 9))
    for ax, (title, image) in zip(axes.flat, panels, strict=True):
        ax.imshow(image, cmap="gray")
        ax.set_title(title, fontsize=10)
        ax.axis("off")
    return save_figure(fig, path)


def save_faces_figure(result: DemoResult, images: dict[str, np.ndarray], path: Path) -> Path:
    """Scenes with boxes found (red) and true faces (green dashed)."""
    from matplotlib.patches import Rectangle

    plt = pyplot()
    shown = [*result.dev_scenes, *result.test_scenes][:6]
    fig, axes = plt.subplots(1, len(shown), figsize=(3.2 * len(shown), 3.4), squeeze=False)
    for ax, score in zip(axes.flat, shown, strict=True):
        ax.imshow(images[score.name], cmap="gray")
        for x, y, w, h in F.FACES.get(score.name, []):
            ax.add_patch(Rectangle((x, y), w, h, fill=False, ec="lime", ls="--", lw=2))
        for x, y, w, h in score.boxes:
            ax.add_patch(Rectangle((x, y), w, h, fill=False, ec="red", lw=2))
        ax.set_title(f"{score.name}: {len(score.boxes)} found, {score.expected} true", fontsize=9)
        ax.axis("off")
    return save_figure(fig, path)


def build_parser() -> RunParser:
    return RunParser("opencv-demo", __doc__, DemoConfig, flags=["min_neighbours", "lfw_limit"])


def print_report(result: DemoResult) -> None:
    coins = {m: score_boxes(s.blobs, COIN_CENTRES) for m, s in result.coins.items()}
    level = result.coins["otsu"].threshold
    agree = sum(a == b for a, b in result.otsu_agrees.values())
    test_fp = sum(s.false_positives for s in result.test_scenes)
    dev_hits = sum(s.true_positives for s in result.dev_scenes)
    dev_faces = sum(s.expected for s in result.dev_scenes)
    sweep = f" (dev errors {result.sweep})" if result.sweep else ""
    lfw = result.lfw
    rows = [
        *([f"coins, {m}" + (f" (level {level})" if m == "otsu" else ""),
           f"{c.one_each} of {COINS_TRUE_COUNT} boxed alone; {c.merged} merged, {c.empty} empty, "
           f"{c.missed} missed"] for m, c in coins.items()),
        ["Otsu NumPy = OpenCV", f"{agree} / {len(result.otsu_agrees)} photos"],
        ["faces min_neighbours", f"{result.min_neighbours}{sweep}"],
        ["dev scenes: faces found", f"{dev_hits} / {dev_faces}"],
        ["test scenes: false alarms", f"{test_fp} in {len(result.test_scenes)} face-free photos"],
        ["LFW test crops: recall", f"{lfw.recall:.0%} of {lfw.faces} faces"],
        ["LFW test crops: false positives", f"{lfw.false_positive_rate:.0%} of {lfw.non_faces}"],
        ["artefacts", str(result.out)],
    ]  # fmt: skip
    print_table("opencv-demo", ["", "value"], rows)


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    config = parser.config(parser.parse_args(argv))
    print_report(run(config))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""ocr-eval: how well does Tesseract read, and what breaks it? Character error rate per condition.

    uv run ocr-eval                        # 3 fonts × 7 conditions, dev then test (a few minutes)
    uv run ocr-eval --smoke                # seconds: one font, two conditions, four lines, Otsu
    uv run ocr-eval --preprocessing none   # skip the dev choice, read the raw renders

Needs the tesseract program: ``apt-get install tesseract-ocr`` (macOS: ``brew install tesseract``).

1. Dev: render the dev lines (Zen of Python aphorisms + random codes) in every font and condition,
   read them with each clean-up (none, Otsu binarisation, ×2 upscale + Otsu) and keep, for each
   condition, the one with the lowest mean CER.
2. Test: the test lines, read once with those choices; CER per condition and per font.

Writes metrics.json (every reading, with the text Tesseract returned) and ocr_cer.png (CER per
condition and font, plus a sample render per condition) to --out.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

import numpy as np
from tqdm import tqdm

from m3_deep_learning.cv import ocr
from m3_deep_learning.plots import pyplot
from roadmap_data import runs_dir
from roadmap_data.console import friendly_errors, print_table, save_figure, seed_everything
from roadmap_data.runkit import RunConfig, RunParser, require, require_at_least, save_metrics

CONDITION_NAMES = tuple(c.name for c in ocr.CONDITIONS)


@dataclass(frozen=True, kw_only=True)
class OcrConfig(RunConfig):
    """Settings of ocr-eval."""

    PRESETS: ClassVar = {
        "tiny": {
            "fonts": ("DejaVuSans",),
            "conditions": ("clean", "noise+blur"),
            "lines": 2,
            "preprocessing": "otsu",  # no dev sweep: two pages, two Tesseract calls
        },
        "cpu": {},
        "full": {},
    }

    fonts: tuple[str, ...] = ocr.FONTS
    """TrueType fonts from matplotlib's mpl-data/fonts/ttf (file names without .ttf)."""
    conditions: tuple[str, ...] = CONDITION_NAMES
    """How lines are degraded: clean, small, large, noise, blur, noise+blur, faded."""
    preprocessing: Literal["auto", "none", "otsu", "upscale+otsu"] = "auto"
    """Clean-up before OCR; auto: for each condition, the one with the lowest dev CER."""
    lines: int | None = None
    """Lines of each kind (aphorisms, codes) per split; None: all (9-10 aphorisms + 8 codes)."""
    tesseract: str | None = None
    """The tesseract program (default: $TESSERACT_CMD, else tesseract on PATH)."""

    def validate(self) -> None:
        require_at_least(1, lines=self.lines)
        require(bool(self.fonts) and bool(self.conditions), "give at least one font and condition")
        unknown = sorted(set(self.conditions) - set(CONDITION_NAMES))
        require(not unknown, f"unknown condition(s) {unknown}; choose from {CONDITION_NAMES}")


@dataclass
class OcrResult:
    """Dev CER per preprocessing and condition, the choice per condition, the test readings."""

    config: OcrConfig
    dev_cer: dict[str, dict[str, float]]  # preprocessing → condition → mean CER (auto only)
    preprocessing: dict[str, str]  # condition → the preprocessing used on its test pages
    test: list[ocr.Reading]
    test_characters: int
    out: Path
    plots: list[Path] = field(default_factory=list)

    def metrics(self) -> dict[str, Any]:
        return {
            "tesseract_version": tesseract_version(self.config.tesseract),
            "dev_cer_by_preprocessing_and_condition": self.dev_cer,
            "preprocessing": self.preprocessing,
            "test_mean_cer": ocr.mean_cer(self.test),
            "test_cer_by_condition": by(self.test, "condition", self.config.conditions),
            "test_cer_by_font": by(self.test, "font", self.config.fonts),
            "test_characters_per_page": self.test_characters,
            "test_readings": [asdict(r) for r in self.test],
            "plots": [str(p) for p in self.plots],
        }


def by(readings: list[ocr.Reading], key: str, values: tuple[str, ...]) -> dict[str, float]:
    """Mean CER for each value of one field (``condition`` or ``font``)."""
    return {v: ocr.mean_cer(readings, **{key: v}) for v in values}


def tesseract_version(command: str | None) -> str:
    import pytesseract

    pytesseract.pytesseract.tesseract_cmd = ocr.require_tesseract(command)
    return str(pytesseract.get_tesseract_version())


def run(config: OcrConfig) -> OcrResult:
    """Choose the preprocessing per condition on dev (unless fixed), then read the test pages.

    Why per condition: binarising (Otsu) rescues noisy, blurred scans but costs a little on clean
    or small text, so no single choice is best everywhere. In practice the "condition" is the
    kind of document you receive (a given scanner, phone photos), which you can sample for dev.
    """
    seed_everything(config.seed)
    ocr.require_tesseract(config.tesseract)  # the one clear error, before any work
    out = config.out or runs_dir("ocr-eval")
    conditions = [c for c in ocr.CONDITIONS if c.name in config.conditions]
    choices = ocr.PREPROCESSING if config.preprocessing == "auto" else (config.preprocessing,)
    dev_lines, dev_cer = ocr.golden_lines("dev", config.lines), {}
    if len(choices) > 1:
        for how in tqdm(choices, desc="dev: preprocessing", leave=False):
            readings = ocr.evaluate(dev_lines, config.fonts, conditions, how, config.tesseract,
                                    config.seed)  # fmt: skip
            dev_cer[how] = by(readings, "condition", config.conditions)
    chosen = {c.name: min(choices, key=lambda how: dev_cer[how][c.name]) if dev_cer
              else choices[0] for c in conditions}  # fmt: skip
    test_lines, test = ocr.golden_lines("test", config.lines), []
    for k, condition in enumerate(conditions):  # each condition read with its own clean-up
        test += ocr.evaluate(test_lines, config.fonts, [condition], chosen[condition.name],
                             config.tesseract, config.seed + 1 + 10 * k)  # fmt: skip
    result = OcrResult(config, dev_cer, chosen, test, len(" ".join(test_lines)), out)
    result.plots = [save_plot(result, conditions, test_lines, out / "ocr_cer.png")]
    save_metrics(result, config, out)
    return result


def save_plot(
    result: OcrResult, conditions: list[ocr.Condition], lines: list[str], path: Path
) -> Path:
    """Bars: test CER per condition, one colour per font; beside them a sample render of each."""
    plt = pyplot()
    fonts = result.config.fonts
    fig = plt.figure(figsize=(12, 1.2 + 0.9 * len(conditions)))
    bars = fig.add_subplot(1, 2, 1)
    y, height = np.arange(len(conditions)), 0.8 / len(fonts)
    for k, font in enumerate(fonts):
        cers = [ocr.mean_cer(result.test, font=font, condition=c.name) for c in conditions]
        bars.barh(y + k * height, cers, height, label=font)
    labels = [f"{c.name} → {result.preprocessing[c.name]}\n{c.describe()}" for c in conditions]
    bars.set_yticks(y + 0.4 - height / 2, labels)
    bars.invert_yaxis()
    bars.set(xlabel="character error rate (test)", title="Tesseract, test pages")
    bars.legend(fontsize=8)
    for k, condition in enumerate(conditions):
        ax = fig.add_subplot(len(conditions), 2, 2 * k + 2)
        sample = ocr.render(lines[:1], fonts[0], condition, seed=k)
        shown = ocr.preprocess(sample, result.preprocessing[condition.name])
        ax.imshow(shown, cmap="gray", vmin=0, vmax=255)
        ax.set_title(f"{condition.name} (as Tesseract sees it)", fontsize=8)
        ax.axis("off")
    return save_figure(fig, path)


def build_parser() -> RunParser:
    flags = ["fonts", "conditions", "preprocessing", "lines", "tesseract"]
    return RunParser("ocr-eval", __doc__, OcrConfig, flags=flags)


def print_report(result: OcrResult) -> None:
    rows: list[list[Any]] = []
    for condition in ocr.CONDITIONS:
        if condition.name in result.config.conditions:
            cers = [ocr.mean_cer(result.test, font=f, condition=condition.name)
                    for f in result.config.fonts]  # fmt: skip
            how = result.preprocessing[condition.name]
            rows.append([condition.name, condition.describe(), how, *(f"{c:.1%}" for c in cers)])
    means = [f"{ocr.mean_cer(result.test, font=f):.1%}" for f in result.config.fonts]
    rows.append(["mean", "", "", *means])
    print_table(
        f"ocr-eval: test CER ({result.test_characters} characters per page)",
        ["condition", "render", "clean-up", *result.config.fonts],
        rows,
    )
    if result.dev_cer:
        hows = list(result.dev_cer)
        print_table("dev CER (mean over fonts) by clean-up", ["condition", *hows],
                    [[c, *(f"{result.dev_cer[h][c]:.1%}" for h in hows)]
                     for c in result.config.conditions])  # fmt: skip


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    config = parser.config(parser.parse_args(argv))
    print_report(run(config))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""train-sentiment: an RNN and an LSTM read reviews word by word; are they better than TF-IDF?

The data: 4000 Amazon food reviews for training (10 % held out to choose the epoch), 1000 for test,
each labelled ``great`` or ``other``. Three models, one table:

- month 2's baseline: TF-IDF of words and word pairs → logistic regression (seconds to fit);
- a vanilla RNN and an LSTM: embedding → recurrent layer over the packed sequence → linear.

Run it::

    uv run train-sentiment                      # amazon reviews, RNN and LSTM, 5-20 min on 2 cores
    uv run train-sentiment --dataset tweets     # 38k tweets, 3 classes (positive/neutral/negative)
    uv run train-sentiment --dataset csv --train-csv mine.csv --test-csv mine_test.csv \\
        --text-column review --label-column score

With 4000 short reviews, word order adds little over which words appear, and a network that
learns its embeddings from scratch has little data to learn them from: the baseline usually wins
here. That is an honest, common result, not a bug. Writes ``metrics.json`` and ``sentiment.png``.
"""

from __future__ import annotations

import argparse
import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from m3_deep_learning.config import field_docs, from_dict
from m3_deep_learning.errors import DeepLearningError
from m3_deep_learning.sentiment_data import DATASETS, load_frames, make_splits
from m3_deep_learning.sentiment_models import CELLS
from m3_deep_learning.sentiment_train import ModelScore, score_baseline, train_recurrent
from m3_deep_learning.text_vocab import Vocabulary
from m3_deep_learning.training import pick_device
from roadmap_data import runs_dir
from roadmap_data.console import (
    friendly_errors,
    print_table,
    save_figure,
    save_json,
    seed_everything,
)


@dataclass(frozen=True)
class SentimentConfig:
    """Everything ``run`` needs; see ``PRESETS``."""

    dataset: str = "amazon"
    """amazon (4000/1000 reviews), tweets (38k, 3 classes) or csv (your files)."""
    models: tuple[str, ...] = ("rnn", "lstm")
    """Recurrent cells to train, each compared with the TF-IDF baseline."""
    n_train: int | None = None
    """Use a seeded sample of this many training texts (None: all)."""
    n_test: int | None = None
    """Use a seeded sample of this many test texts (None: all)."""
    val_fraction: float = 0.1
    """Share of the training texts held out to pick the best epoch."""
    min_freq: int = 2
    """A word enters the vocabulary if it appears at least this often in training."""
    max_len: int = 200
    """Tokens read per text; longer texts are truncated (95 % of reviews are shorter)."""
    embed_dim: int = 64
    """Size of each word vector."""
    hidden_size: int = 64
    """Size of the recurrent state h (and c for the LSTM)."""
    dropout: float = 0.3
    """Dropout on the final state before the linear layer."""
    epochs: int = 8
    """Passes over the training texts."""
    batch_size: int = 32
    """Texts per optimisation step."""
    lr: float = 2e-3
    """Adam learning rate."""
    seed: int = 0
    """Seeds the splits, the initial weights and the shuffles."""
    device: str = "auto"
    """auto | cpu | cuda."""
    threads: int | None = None
    """CPU threads for torch (None: torch's default, one per core). The tiny preset uses 1: its
    tensors are too small to be worth splitting, and on a busy machine waiting threads cost more."""


PRESETS: dict[str, SentimentConfig] = {
    "full": SentimentConfig(embed_dim=128, hidden_size=128, epochs=15),
    "cpu": SentimentConfig(),
    "tiny": SentimentConfig(
        n_train=400, n_test=200, max_len=50, embed_dim=16, hidden_size=16, epochs=2, threads=1
    ),
}


# Config fields the command line can override, with their types.
CLI_FIELDS = {"epochs": int, "max_len": int, "embed_dim": int, "hidden_size": int, "lr": float,
              "n_train": int, "n_test": int}  # fmt: skip


def make_config(preset: str = "cpu", **overrides: Any) -> SentimentConfig:
    """A preset with some fields replaced; unknown fields and bad values are DeepLearningErrors."""
    if preset not in PRESETS:
        raise DeepLearningError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    config = from_dict(SentimentConfig, overrides, base=PRESETS[preset])
    if bad := [m for m in config.models if m not in CELLS]:
        raise DeepLearningError(
            f"unknown model(s) {', '.join(bad)}; choose from {', '.join(CELLS)}"
        )
    for name in ("epochs", "max_len", "embed_dim", "hidden_size", "batch_size", "min_freq"):
        if getattr(config, name) < 1:
            raise DeepLearningError(f"{name} must be ≥ 1 (got {getattr(config, name)})")
    return config


@dataclass
class SentimentResult:
    config: SentimentConfig
    classes: list[str]
    vocab_size: int
    majority_accuracy: float  # always predicting the most common training label
    scores: list[ModelScore]

    def accuracy(self, model: str) -> float:
        return next(s.test_accuracy for s in self.scores if s.model == model)

    def metrics(self) -> dict[str, Any]:
        return {
            "config": dataclasses.asdict(self.config),
            "classes": self.classes,
            "vocab_size": self.vocab_size,
            "majority_class_accuracy": self.majority_accuracy,
            "test_accuracy": {s.model: s.test_accuracy for s in self.scores},
            "models": [dataclasses.asdict(s) for s in self.scores],
        }


def run(
    config: SentimentConfig, train_csv: Path | None = None, test_csv: Path | None = None,
    text_column: str = "review", label_column: str = "score",
) -> SentimentResult:  # fmt: skip
    """Load and split the texts, fit the baseline, then train each recurrent model."""
    seed_everything(config.seed)
    if config.threads:
        torch.set_num_threads(config.threads)
    train, test = load_frames(
        config.dataset, train_csv, test_csv, text_column, label_column, config.seed
    )
    splits = make_splits(
        train, test, val_fraction=config.val_fraction, seed=config.seed,
        n_train=config.n_train, n_test=config.n_test,
    )  # fmt: skip
    vocab = Vocabulary.build(splits.train[0], min_freq=config.min_freq)  # training texts only
    majority = max(splits.classes, key=splits.train[1].count)
    majority_acc = sum(label == majority for label in splits.test[1]) / len(splits.test[1])
    scores = [score_baseline(splits)]
    device = pick_device(config.device)
    scores += [train_recurrent(cell, splits, vocab, config, device) for cell in config.models]
    return SentimentResult(config, splits.classes, len(vocab), majority_acc, scores)


def save_plot(result: SentimentResult, path: Path) -> Path:
    """Validation accuracy per epoch of each recurrent model, the baseline as a dashed line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4))
    for score in result.scores:
        if score.val_curve:
            ax.plot(
                range(1, len(score.val_curve) + 1), score.val_curve, marker=".", label=score.model
            )
        else:
            ax.axhline(score.val_accuracy, linestyle="--", color="grey", label=score.model)
    ax.set(
        xlabel="epoch", ylabel="validation accuracy", title=f"Sentiment ({result.config.dataset})"
    )
    ax.legend()
    return save_figure(fig, path)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="train-sentiment",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--preset", choices=sorted(PRESETS), default="cpu",
                        help="full: wider models, more epochs; cpu: the default; tiny: seconds")  # fmt: skip
    parser.add_argument(
        "--smoke", action="store_true", help="the tiny preset on 400 reviews: seconds"
    )
    parser.add_argument("--dataset", choices=DATASETS, help="amazon (default), tweets or csv")
    parser.add_argument(
        "--model",
        choices=[*CELLS, "all"],
        default="all",
        help="which recurrent model(s) (default all)",
    )
    parser.add_argument("--train-csv", type=Path, help="training CSV (with --dataset csv)")
    parser.add_argument("--test-csv", type=Path, help="test CSV (with --dataset csv)")
    parser.add_argument(
        "--text-column", default="review", help="CSV column holding the text (default review)"
    )
    parser.add_argument(
        "--label-column", default="score", help="CSV column holding the label (default score)"
    )
    docs = field_docs(SentimentConfig)
    for name, kind in CLI_FIELDS.items():
        default = getattr(PRESETS["cpu"], name)
        text = f"{docs[name]} (cpu preset: {default})".replace("%", "%%")  # argparse formats %
        parser.add_argument(f"--{name.replace('_', '-')}", type=kind, help=text)
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--device", choices=["auto", "cpu", "cuda"], default="auto",
                        help="auto: CUDA when available (default)")  # fmt: skip
    parser.add_argument(
        "--out", type=Path, help="output folder (default data/runs/train-sentiment)"
    )
    return parser


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    names = ("dataset", *CLI_FIELDS)
    overrides = {n: getattr(args, n) for n in names if getattr(args, n) is not None}
    if args.model != "all":
        overrides["models"] = (args.model,)
    config = make_config(
        "tiny" if args.smoke else args.preset, seed=args.seed, device=args.device, **overrides
    )
    out = args.out or runs_dir("train-sentiment")
    result = run(config, args.train_csv, args.test_csv, args.text_column, args.label_column)
    out.mkdir(parents=True, exist_ok=True)
    save_plot(result, out / "sentiment.png")
    save_json(out / "metrics.json", result.metrics())
    rows = [("majority class", 0, "-", "-", result.majority_accuracy, "-")]
    rows += [
        (
            s.model,
            f"{s.params:,}",
            s.best_epoch or "-",
            s.val_accuracy,
            s.test_accuracy,
            f"{s.seconds:.1f}",
        )
        for s in result.scores
    ]
    title = f"{config.dataset}: {', '.join(result.classes)} (vocabulary {result.vocab_size:,})"
    print_table(title, ["model", "params", "best epoch", "val acc", "test acc", "seconds"], rows)
    print(f"wrote {out / 'metrics.json'} and {out / 'sentiment.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

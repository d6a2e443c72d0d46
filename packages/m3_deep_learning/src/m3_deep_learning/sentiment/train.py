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

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from m3_deep_learning.plots import pyplot
from m3_deep_learning.sentiment.config import SentimentConfig
from m3_deep_learning.sentiment.data import load_frames, make_splits
from m3_deep_learning.sentiment.fit import ModelScore, score_baseline, train_recurrent
from m3_deep_learning.sentiment.vocab import Vocabulary
from roadmap_data.console import friendly_errors, print_table, save_figure, seed_everything
from roadmap_data.runkit import RunParser, save_metrics


@dataclass
class SentimentResult:
    """The comparison: every model's scores beside always answering the majority class."""

    config: SentimentConfig
    classes: list[str]
    vocab_size: int
    majority_accuracy: float  # always predicting the most common training label
    scores: list[ModelScore]

    def accuracy(self, model: str) -> float:
        return next(s.test_accuracy for s in self.scores if s.model == model)

    def metrics(self) -> dict[str, Any]:
        return {
            "classes": self.classes,
            "vocab_size": self.vocab_size,
            "majority_class_accuracy": self.majority_accuracy,
            "test_accuracy": {s.model: s.test_accuracy for s in self.scores},
            "models": [dataclasses.asdict(s) for s in self.scores],
        }


def run(config: SentimentConfig) -> SentimentResult:
    """Load and split the texts, fit the baseline, then train each recurrent model."""
    seed_everything(config.seed)
    device = config.setup_torch()
    train, test = load_frames(
        config.dataset, config.train_csv, config.test_csv, config.text_column,
        config.label_column, config.seed,
    )  # fmt: skip
    splits = make_splits(
        train, test, val_fraction=config.val_fraction, seed=config.seed,
        n_train=config.n_train, n_test=config.n_test,
    )  # fmt: skip
    vocab = Vocabulary.build(splits.train[0], min_freq=config.min_freq)  # training texts only
    majority = max(splits.classes, key=splits.train[1].count)
    majority_acc = sum(label == majority for label in splits.test[1]) / len(splits.test[1])
    scores = [score_baseline(splits)]
    scores += [train_recurrent(cell, splits, vocab, config, device) for cell in config.models]
    return SentimentResult(config, splits.classes, len(vocab), majority_acc, scores)


def save_plot(result: SentimentResult, path: Path) -> Path:
    """Validation accuracy per epoch of each recurrent model, the baseline as a dashed line."""
    plt = pyplot()
    fig, ax = plt.subplots(figsize=(6, 4))
    for score in result.scores:
        if score.val_curve:
            epochs = range(1, len(score.val_curve) + 1)
            ax.plot(epochs, score.val_curve, marker=".", label=score.model)
        else:
            ax.axhline(score.val_accuracy, linestyle="--", color="grey", label=score.model)
    title = f"Sentiment ({result.config.dataset})"
    ax.set(xlabel="epoch", ylabel="validation accuracy", title=title)
    ax.legend()
    return save_figure(fig, path)


def build_parser() -> RunParser:
    flags = ["dataset", "train_csv", "test_csv", "text_column", "label_column", "epochs",
             "max_len", "embed_dim", "hidden_size", "lr", "n_train", "n_test", "device", "threads"]  # fmt: skip
    parser = RunParser("train-sentiment", __doc__, SentimentConfig, flags=flags,
                       preset_help="cpu (default); full: wider models, more epochs; "
                                   "tiny: 400 reviews, seconds")  # fmt: skip
    parser.add_field("models", "--model")  # one or both of rnn, lstm (default both)
    return parser


def print_report(result: SentimentResult, written: list[Path]) -> None:
    rows: list[tuple[Any, ...]] = [("majority class", 0, "-", "-", result.majority_accuracy, "-")]
    rows += [(s.model, f"{s.params:,}", s.best_epoch or "-", s.val_accuracy, s.test_accuracy,
              f"{s.seconds:.1f}") for s in result.scores]  # fmt: skip
    title = (f"{result.config.dataset}: {', '.join(result.classes)} "
             f"(vocabulary {result.vocab_size:,})")  # fmt: skip
    print_table(title, ["model", "params", "best epoch", "val acc", "test acc", "seconds"], rows)
    print("wrote " + " and ".join(map(str, written)))


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    config = parser.config(parser.parse_args(argv))
    result = run(config)
    plot = save_plot(result, config.out / "sentiment.png")
    print_report(result, [save_metrics(result, config, config.out), plot])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

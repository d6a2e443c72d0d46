"""finetune-sentiment: fine-tune a pretrained transformer (MiniLM) to tell great reviews from others.

The data are month 2's and 3's: 4000 Amazon food reviews (10 % held out, stratified, to choose the
checkpoint) and 1000 test reviews, labelled great/other. The model: all-MiniLM-L6-v2, a 6-layer
BERT, with a linear head on its mean-pooled token vectors; AdamW with linear warmup and decay.
Then one table beside month 2's TF-IDF + logistic regression and month 3's LSTM, trained by their
own code on the same split and scored on the same test reviews.

    uv run finetune-sentiment                          # top 2 layers + head, 1 epoch (minutes)
    uv run finetune-sentiment --trainable-layers 6     # full fine-tuning (about twice as slow)
    uv run finetune-sentiment --preset full            # all layers, 2 epochs
    uv run finetune-sentiment --pooling cls --no-compare

Writes metrics.json, finetune_sentiment.png (training curve + confusion matrix) and the
fine-tuned model (model/: reload it with ``FineTunedClassifier.load``) under --out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from m4_genai.nlp.sentiment import FinetuneConfig, SentimentResult, run
from roadmap_data.console import friendly_errors, print_table, save_figure
from roadmap_data.runkit import RunParser, save_metrics

PROG = "finetune-sentiment"
FLAGS = ["n_train", "n_test", "max_len", "pooling", "trainable_layers", "epochs", "max_steps",
         "batch_size", "lr", "head_lr", "warmup_fraction", "evals_per_epoch", "patience",
         "threads", "compare", "lstm_preset", "save_model"]  # fmt: skip


def save_plot(result: SentimentResult, path: Path) -> Path:
    """Training loss per step with validation accuracy, and the test confusion matrix."""
    import matplotlib

    matplotlib.use("Agg")  # files only: no window, no display needed
    import matplotlib.pyplot as plt

    fig, (curve, cells) = plt.subplots(1, 2, figsize=(10, 4))
    losses = result.log.losses
    curve.plot(range(1, len(losses) + 1), losses, color="tab:blue", alpha=0.5, label="train loss")
    curve.set(xlabel="step", ylabel="cross-entropy", title="Fine-tuning MiniLM")
    val = curve.twinx()
    if result.log.evals:
        steps, accuracies, _ = zip(*result.log.evals, strict=True)
        val.plot(steps, accuracies, "o-", color="tab:orange", label="validation accuracy")
    val.set_ylabel("validation accuracy")
    curve.legend(loc="upper left")
    val.legend(loc="lower right")
    matrix, classes = result.test.confusion, result.splits.classes
    cells.imshow(matrix, cmap="Blues")
    darkest = max(max(row) for row in matrix)
    for i, row in enumerate(matrix):
        for j, count in enumerate(row):
            colour = "white" if count > darkest / 2 else "black"  # readable on any shade
            cells.text(j, i, str(count), ha="center", va="center", color=colour)
    cells.set_xticks(range(len(classes)), classes)
    cells.set_yticks(range(len(classes)), classes)
    title = f"Test: accuracy {result.test.accuracy:.3f}, macro F1 {result.test.macro_f1:.3f}"
    cells.set(xlabel="predicted", ylabel="true", title=title)
    return save_figure(fig, path)


def print_report(result: SentimentResult) -> None:
    """One table: majority class, the fine-tuned MiniLM and the baselines, on the same test set."""
    s, c = result.splits, result.config
    rows: list[list[Any]] = [["majority class", s.majority_rate("test"), "-", "-", "-"]]
    label = f"MiniLM, top {c.trainable_layers} layers + head ({c.pooling})"
    rows.append([label, result.test.accuracy, result.test.macro_f1,
                 f"{result.log.seconds:.1f}", f"{result.trainable_params:,}"])  # fmt: skip
    for b in result.baselines:
        f1 = "n/a" if b.test_macro_f1 is None else b.test_macro_f1
        rows.append([b.model, b.test_accuracy, f1, f"{b.train_seconds:.1f}", f"{b.params:,}"])
    sizes = f"{len(s.train[0])} train / {len(s.val[0])} val / {len(s.test[0])} test reviews"
    print_table(f"Sentiment, {sizes}", ["model", "test accuracy", "test macro F1",
                "train seconds", "trained params"], rows)  # fmt: skip
    print(f"best validation step {result.log.best_step} of {result.log.steps}"
          + (" (stopped early)" if result.log.stopped_early else ""))  # fmt: skip


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(PROG, __doc__, FinetuneConfig, flags=FLAGS,
                       preset_help="cpu (default): top 2 layers, 1 epoch; full: all layers, "
                                   "2 epochs; tiny: 48 reviews, 1 step")  # fmt: skip
    config = parser.config(parser.parse_args(argv))
    result = run(config)
    print_report(result)
    written = [save_metrics(result, config, config.out)]
    written.append(save_plot(result, config.out / "finetune_sentiment.png"))
    written += [result.model_dir] if result.model_dir else []
    print("wrote " + ", ".join(map(str, written)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

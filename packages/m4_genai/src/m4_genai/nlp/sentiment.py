"""``run(config)``: fine-tune MiniLM on the Amazon reviews, score it on test, compare with months 2-3.

The presets trade accuracy for time on two CPU cores:

- ``cpu`` (default): the top 2 of 6 layers + the head train, 1 epoch, 128 tokens. Frozen lower
  layers need no backward pass and no gradient memory: a step costs about half of full
  fine-tuning, and the lower layers' general features are what 4000 reviews could least improve.
- ``full``: every layer, embeddings included, 2 epochs at a BERT-sized learning rate (3e-5).
- ``tiny``: a handful of reviews, 1 step: checks that everything runs, not that it learns.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

import torch

from m4_genai.nlp.finetune import (
    Scores,
    TrainLog,
    TrainSettings,
    classification_scores,
    fine_tune,
    predict_logits,
)
from m4_genai.nlp.sentiment_baselines import BaselineScore, lstm_baseline, tfidf_baseline
from m4_genai.nlp.sentiment_data import ReviewSplits, load_review_splits, tokenize
from m4_genai.nlp.sentiment_model import FineTunedClassifier, SentimentClassifier, load_encoder
from roadmap_data.runkit import RunConfig, require, require_at_least


@dataclass(frozen=True, kw_only=True)
class FinetuneConfig(RunConfig, TrainSettings):
    """One ``finetune-sentiment`` run: the data, the model, and (inherited) ``TrainSettings``."""

    PRESETS: ClassVar = {
        "tiny": {"n_train": 48, "n_test": 16, "val_fraction": 0.25, "max_len": 32,
                 "batch_size": 8, "max_steps": 1, "threads": 1, "lstm_preset": "tiny",
                 "save_model": False},
        "cpu": {},
        "full": {"trainable_layers": 6, "epochs": 2, "lr": 3e-5, "evals_per_epoch": 4},
    }  # fmt: skip

    n_train: int | None = None
    """Use a seeded sample of this many training reviews (None: all 4000, before the validation split)."""
    n_test: int | None = None
    """Use a seeded sample of this many test reviews (None: all 1000)."""
    val_fraction: float = 0.1
    """Share of the training reviews held out (stratified) to choose the checkpoint."""
    pooling: Literal["mean", "cls"] = "mean"
    """One vector per review: mean of the token vectors (how MiniLM was trained) or [CLS]'s."""
    trainable_layers: int = 2
    """Top encoder layers to fine-tune (6: all, embeddings included; 0: the head alone)."""
    threads: int | None = None
    """CPU threads for torch (None: its default, one per core)."""
    compare: bool = True
    """Also train month 2's TF-IDF baseline and month 3's LSTM on the same split."""
    lstm_preset: Literal["tiny", "cpu", "full"] = "cpu"
    """Preset of month 3's LSTM in the comparison."""
    save_model: bool = True
    """Save the fine-tuned classifier under <out>/model (reload with FineTunedClassifier.load)."""

    def validate(self) -> None:
        require(
            0 < self.val_fraction < 1, f"val_fraction must be in (0, 1), not {self.val_fraction}"
        )
        require(0 <= self.trainable_layers <= 6, "trainable_layers must be 0..6 (MiniLM has 6)")
        require(0 <= self.warmup_fraction < 1, "warmup_fraction must be in [0, 1)")
        require(self.lr > 0 and self.head_lr > 0, "learning rates must be positive")
        require_at_least(1, n_train=self.n_train, n_test=self.n_test, epochs=self.epochs,
                         max_steps=self.max_steps, batch_size=self.batch_size,
                         evals_per_epoch=self.evals_per_epoch, patience=self.patience,
                         threads=self.threads)  # fmt: skip
        require_at_least(3, max_len=self.max_len)  # [CLS] + one word + [SEP]


@dataclass
class SentimentResult:
    """The fine-tuned classifier, how it trained, its test scores and the baselines'."""

    config: FinetuneConfig
    classifier: FineTunedClassifier
    splits: ReviewSplits
    log: TrainLog
    test: Scores
    trainable_params: int
    total_params: int
    baselines: list[BaselineScore]
    model_dir: Path | None = None

    def metrics(self) -> dict[str, Any]:
        s = self.splits
        return {
            "classes": s.classes,
            "sizes": {"train": len(s.train[0]), "val": len(s.val[0]), "test": len(s.test[0])},
            "majority_class_test_accuracy": s.majority_rate("test"),
            "test_accuracy": self.test.accuracy,
            "test_macro_f1": self.test.macro_f1,
            "test_confusion": self.test.confusion,
            "val_accuracy_best": max((e[1] for e in self.log.evals), default=None),
            "best_step": self.log.best_step,
            "steps": self.log.steps,
            "stopped_early": self.log.stopped_early,
            "train_seconds": round(self.log.seconds, 2),
            "trainable_params": self.trainable_params,
            "total_params": self.total_params,
            "evals": self.log.evals,
            "losses": [round(x, 4) for x in self.log.losses],
            "baselines": [dataclasses.asdict(b) for b in self.baselines],
            "model_dir": str(self.model_dir) if self.model_dir else None,
        }


def run(
    config: FinetuneConfig, splits: ReviewSplits | None = None, progress: bool = True
) -> SentimentResult:
    """Load (or take) the splits, fine-tune, score the test set once, train the baselines."""
    if config.threads:
        torch.set_num_threads(config.threads)
    if splits is None:
        splits = load_review_splits(config.val_fraction, config.seed, config.n_train, config.n_test)
    encoder, tokenizer = load_encoder()
    torch.manual_seed(config.seed)  # the head's initial weights
    model = SentimentClassifier(encoder, len(splits.classes), config.pooling)
    trainable = model.freeze_lower_layers(config.trainable_layers)
    log = fine_tune(model, tokenizer, splits, config, progress=progress)
    test_ids = tokenize(tokenizer, splits.test[0], config.max_len)
    logits = predict_logits(model, test_ids, tokenizer.pad_token_id)
    test = classification_scores(splits.test[1], logits.argmax(axis=1), len(splits.classes))
    classifier = FineTunedClassifier(model, tokenizer, splits.classes, config.max_len)
    model_dir = None
    if config.save_model and config.out is not None:
        model_dir = classifier.save(Path(config.out) / "model")
    baselines = []
    if config.compare:
        baselines = [tfidf_baseline(splits), lstm_baseline(splits, config.seed, config.lstm_preset)]
    total = sum(p.numel() for p in model.parameters())
    return SentimentResult(
        config, classifier, splits, log, test, trainable, total, baselines, model_dir
    )

"""Fitting one sentiment model: month 2's TF-IDF baseline, or a recurrent net with early stopping.

The recurrent models use the month's shared five-step loop (``training.train_one_epoch``); after
each epoch they are scored on the validation texts and the best epoch's weights are kept, so the
number of epochs is chosen without looking at the test set.
"""

from __future__ import annotations

import dataclasses
import time
from dataclasses import dataclass

import torch

from m2_classical_ml.text_baseline import fit_text_baseline
from m3_deep_learning.sentiment.config import SentimentConfig
from m3_deep_learning.sentiment.data import TextSplits
from m3_deep_learning.sentiment.models import SequenceClassifier
from m3_deep_learning.sentiment.vocab import Vocabulary, encode_labels, text_batches
from m3_deep_learning.training import evaluate, train_one_epoch


@dataclass
class ModelScore:
    """One row of the comparison table."""

    model: str
    params: int
    best_epoch: int
    val_accuracy: float
    test_accuracy: float
    seconds: float
    val_curve: list[float] = dataclasses.field(default_factory=list)


def score_baseline(splits: TextSplits) -> ModelScore:
    """Month 2's TF-IDF + logistic regression on the same training texts."""
    start = time.perf_counter()
    model = fit_text_baseline(*splits.train)
    params = model[-1].coef_.size + model[-1].intercept_.size
    val, test = model.score(*splits.val), model.score(*splits.test)
    return ModelScore("tfidf+logreg", params, 0, val, test, time.perf_counter() - start)


def train_recurrent(
    cell: str, splits: TextSplits, vocab: Vocabulary, config: SentimentConfig, device: torch.device
) -> ModelScore:
    """Train one recurrent classifier; keep the weights of its best validation epoch."""
    start = time.perf_counter()
    encode = lambda texts: [vocab.encode(t) for t in texts]  # noqa: E731
    x_train, x_val, x_test = (encode(s[0]) for s in (splits.train, splits.val, splits.test))
    y_train, y_val, y_test = (
        encode_labels(s[1], splits.classes) for s in (splits.train, splits.val, splits.test)
    )
    torch.manual_seed(config.seed)
    model = SequenceClassifier(
        len(vocab), len(splits.classes), cell, config.embed_dim, config.hidden_size, config.dropout
    ).to(device)
    optimizer = torch.optim.Adam(model.parameters(), lr=config.lr)
    generator = torch.Generator().manual_seed(config.seed)
    val_batches = lambda: text_batches(x_val, y_val, 256, config.max_len)  # noqa: E731
    curve, best_state, best_epoch = [], None, 0
    for epoch in range(1, config.epochs + 1):
        train_one_epoch(
            model, text_batches(x_train, y_train, config.batch_size, config.max_len, generator),
            optimizer, device=device,
        )  # fmt: skip
        curve.append(evaluate(model, val_batches(), device=device).accuracy)
        if curve[-1] > max(curve[:-1], default=-1.0):  # keep the first best epoch
            best_epoch = epoch
            best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}
        print(f"  {cell} epoch {epoch}/{config.epochs}: val accuracy {curve[-1]:.3f}", flush=True)
    model.load_state_dict(best_state)
    test = evaluate(model, text_batches(x_test, y_test, 256, config.max_len), device=device)
    params = sum(p.numel() for p in model.parameters())
    return ModelScore(cell, params, best_epoch, curve[best_epoch - 1], test.accuracy,
                      time.perf_counter() - start, curve)  # fmt: skip

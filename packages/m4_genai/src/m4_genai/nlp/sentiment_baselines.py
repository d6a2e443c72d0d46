"""The models fine-tuning must beat, trained by their own months' code on the very same split.

- month 2: TF-IDF of words and word pairs → logistic regression, C chosen by 5-fold CV
  (``m2_classical_ml.text_baseline.fit_text_baseline``);
- month 3: an LSTM that learns its word embeddings from scratch, best epoch chosen on the same
  validation reviews (``m3_deep_learning.sentiment.fit.train_recurrent``, its ``cpu`` preset).

Nothing is re-implemented here: the splits are handed to those functions as they are. Months 2
and 3 are imported only when a comparison is asked for (``--no-compare`` skips their start-up).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from m4_genai.nlp.sentiment_data import ReviewSplits


@dataclass(frozen=True)
class BaselineScore:
    """One row of the comparison table."""

    model: str
    test_accuracy: float
    test_macro_f1: float | None
    """None where the month's function reports accuracy only (month 3's ``train_recurrent``)."""
    train_seconds: float
    params: int


def tfidf_baseline(splits: ReviewSplits) -> BaselineScore:
    """Month 2's TF-IDF + logistic regression, fitted on the training reviews only."""
    from m2_classical_ml.text_baseline import fit_text_baseline
    from m4_genai.nlp.finetune import classification_scores  # scores computed as for MiniLM

    start = time.perf_counter()
    model = fit_text_baseline(*splits.train)
    seconds = time.perf_counter() - start
    scores = classification_scores(
        splits.test[1], model.predict(splits.test[0]), len(splits.classes)
    )
    params = model[-1].coef_.size + model[-1].intercept_.size
    return BaselineScore("TF-IDF + logistic reg. (m2)", scores.accuracy,
                         scores.macro_f1, seconds, int(params))  # fmt: skip


def lstm_baseline(splits: ReviewSplits, seed: int = 0, preset: str = "cpu") -> BaselineScore:
    """Month 3's LSTM (its ``preset``: cpu = 64-d embeddings and state, 8 epochs) on this split."""
    import torch

    from m3_deep_learning.sentiment.config import SentimentConfig
    from m3_deep_learning.sentiment.data import TextSplits
    from m3_deep_learning.sentiment.fit import train_recurrent
    from m3_deep_learning.sentiment.vocab import Vocabulary

    def named(part: tuple[list[str], list[int]]) -> tuple[list[str], list[str]]:
        return part[0], [splits.classes[i] for i in part[1]]

    text_splits = TextSplits(named(splits.train), named(splits.val), named(splits.test),
                             splits.classes)  # fmt: skip
    config = SentimentConfig.preset(preset, seed=seed, models=("lstm",))
    vocab = Vocabulary.build(text_splits.train[0], min_freq=config.min_freq)  # training texts only
    score = train_recurrent("lstm", text_splits, vocab, config, torch.device("cpu"))
    return BaselineScore("LSTM (m3)", score.test_accuracy, None, score.seconds, score.params)

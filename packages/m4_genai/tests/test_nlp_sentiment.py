"""Fine-tuning MiniLM for sentiment: tokenisation and padding, shapes, the schedule, the scores,
a real (tiny) fine-tune on real reviews, and a saved model that predicts exactly as before."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch

from m4_genai.cli.finetune_sentiment import main
from m4_genai.errors import GenAIError
from m4_genai.nlp.finetune import TrainSettings, classification_scores, fine_tune, linear_warmup
from m4_genai.nlp.sentiment_data import (
    ReviewSplits,
    length_batches,
    load_review_splits,
    pad_batch,
    split_reviews,
    tokenize,
)
from m4_genai.nlp.sentiment_model import (
    FineTunedClassifier,
    SentimentClassifier,
    load_encoder,
    mean_pool,
)

REVIEWS = [
    "Great coffee, I buy it every month.",
    "Stale. The bag arrived open and the chips tasted of cardboard; I will not order again.",
    "ok",
]


@pytest.fixture(scope="module")
def encoder_and_tokenizer() -> tuple[SentimentClassifier, object]:
    encoder, tokenizer = load_encoder()
    torch.manual_seed(0)
    return SentimentClassifier(encoder, num_classes=2), tokenizer


def test_pad_batch_matches_the_tokenizer_padding(encoder_and_tokenizer) -> None:
    _, tokenizer = encoder_and_tokenizer
    ids = tokenize(tokenizer, REVIEWS, max_len=12)
    assert max(map(len, ids)) == 12  # the long review was truncated ...
    assert ids[1][-1] == tokenizer.sep_token_id  # ... and still ends with [SEP]
    assert ids[0][0] == tokenizer.cls_token_id
    ours = pad_batch(ids, tokenizer.pad_token_id)
    theirs = tokenizer(REVIEWS, truncation=True, max_length=12, padding=True, return_tensors="pt")
    assert torch.equal(ours["input_ids"], theirs["input_ids"])
    assert torch.equal(ours["attention_mask"], theirs["attention_mask"])
    assert ours["attention_mask"][2].tolist() == [1, 1, 1] + [0] * 9  # [CLS] ok [SEP] + padding


def test_forward_shapes_and_padding_changes_nothing(encoder_and_tokenizer) -> None:
    model, tokenizer = encoder_and_tokenizer
    model.eval()
    batch = pad_batch(tokenize(tokenizer, REVIEWS, 32), tokenizer.pad_token_id)
    with torch.no_grad():
        logits = model(**batch)
        alone = model(**pad_batch(tokenize(tokenizer, REVIEWS[2:], 32), tokenizer.pad_token_id))
    assert logits.shape == (3, 2)
    # "ok" padded to the longest review gives the logits it gets alone: the mask hides padding.
    torch.testing.assert_close(logits[2:], alone, atol=1e-5, rtol=1e-4)
    hidden = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [100.0, 100.0]]])  # (B=1, T=3, D=2)
    assert mean_pool(hidden, torch.tensor([[1, 1, 0]])).tolist() == [[2.0, 3.0]]


def test_freezing_counts_the_trainable_weights(encoder_and_tokenizer) -> None:
    model, _ = encoder_and_tokenizer
    assert model.freeze_lower_layers(0) == 384 * 2 + 2  # the head alone
    per_layer = sum(p.numel() for p in model.encoder.encoder.layer[0].parameters())
    assert model.freeze_lower_layers(2) == 2 * per_layer + 770
    assert not any(p.requires_grad for p in model.encoder.embeddings.parameters())
    everything = model.freeze_lower_layers(6)
    pooler = sum(p.numel() for p in model.encoder.pooler.parameters())  # unused, stays frozen
    assert everything == sum(p.numel() for p in model.parameters()) - pooler
    with pytest.raises(GenAIError, match="trainable_layers"):
        model.freeze_lower_layers(7)


def test_split_is_stratified_disjoint_and_seeded() -> None:
    splits = load_review_splits(val_fraction=0.1, seed=0)
    assert (len(splits.train[0]), len(splits.val[0]), len(splits.test[0])) == (3600, 400, 1000)
    assert splits.classes == ["great", "other"]
    assert np.mean(splits.val[1]) == pytest.approx(np.mean(splits.train[1]), abs=0.01)
    assert not set(splits.val[0]) & set(splits.train[0][:500])
    assert splits.majority_rate("test") == pytest.approx(0.658)
    assert load_review_splits(seed=0).val[0] == splits.val[0] != load_review_splits(seed=1).val[0]
    with pytest.raises(GenAIError, match="n_train"):
        split_reviews(["a"], ["x"], ["b"], ["x"], n_train=5)


def test_length_batches_cover_every_review_once() -> None:
    lengths = np.random.default_rng(0).integers(3, 100, size=103)
    train = list(length_batches(lengths, 8, np.random.default_rng(1)))
    assert sorted(np.concatenate(train).tolist()) == list(range(103))
    evaluation = np.concatenate(list(length_batches(lengths, 8)))
    assert np.all(np.diff(lengths[evaluation]) >= 0)  # sorted: minimal padding


def test_linear_warmup_is_transformers_schedule() -> None:
    from transformers import get_linear_schedule_with_warmup

    optimizer = torch.optim.SGD([torch.nn.Parameter(torch.zeros(1))], lr=1.0)
    theirs = get_linear_schedule_with_warmup(optimizer, num_warmup_steps=3, num_training_steps=10)
    for step in range(12):
        assert optimizer.param_groups[0]["lr"] == pytest.approx(linear_warmup(step, 3, 10))
        optimizer.step()
        theirs.step()


def test_scores_by_hand() -> None:
    scores = classification_scores([0, 0, 0, 1, 1], [0, 0, 1, 1, 0], num_classes=2)
    assert scores.confusion == [[2, 1], [1, 1]]
    assert scores.accuracy == pytest.approx(0.6)
    # class 0: P = R = 2/3 -> F1 2/3; class 1: P = R = 1/2 -> F1 1/2
    assert scores.macro_f1 == pytest.approx((2 / 3 + 1 / 2) / 2)


def test_bad_flag_is_one_error_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--max-len", "2", "--no-compare"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: max_len")


@pytest.fixture(scope="module")
def linear_probe(encoder_and_tokenizer) -> tuple[FineTunedClassifier, ReviewSplits]:
    """The head alone on the frozen encoder (``trainable_layers=0``): 240 real reviews, 64 tokens.

    ``fine_tune`` computes the frozen encoder's pooled vectors once, then trains only the head on
    them (20 epochs of 15 steps): seconds, where the top-2-layer fine-tune below takes minutes.
    """
    shared, tokenizer = encoder_and_tokenizer
    splits = load_review_splits(val_fraction=0.2, seed=0, n_train=300, n_test=200)
    torch.manual_seed(0)
    model = SentimentClassifier(shared.encoder, len(splits.classes))  # the encoder stays untouched
    assert model.freeze_lower_layers(0) == 384 * 2 + 2
    settings = TrainSettings(epochs=20, batch_size=16, head_lr=3e-3, max_len=64, warmup_fraction=0,
                             evals_per_epoch=1, patience=100, seed=0)  # fmt: skip
    fine_tune(model, tokenizer, splits, settings, progress=False)
    return FineTunedClassifier(model, tokenizer, splits.classes, 64), splits


def test_linear_probe_clearly_beats_the_majority_class(linear_probe) -> None:
    """Measured (seed 0): test accuracy 0.725 vs 0.680 for always "great"; macro F1 0.649 vs 0.405.

    Both are scored on 200 held-out test reviews the head never saw (nor chose its checkpoint on).
    """
    classifier, splits = linear_probe
    predicted = classifier.predict_ids(splits.test[0])
    scores = classification_scores(splits.test[1], predicted, 2)
    majority = classification_scores(splits.test[1], np.zeros_like(predicted), 2)
    assert majority.accuracy == splits.majority_rate("test")
    assert scores.accuracy >= majority.accuracy + 0.03, scores
    assert scores.macro_f1 >= 0.6, scores  # it finds "other" reviews too (majority: 0.40)


def test_saved_model_predicts_the_same(linear_probe, tmp_path: Path) -> None:
    classifier, splits = linear_probe
    texts = splits.test[0][:16]
    before = classifier.predict_ids(texts)
    loaded = FineTunedClassifier.load(classifier.save(tmp_path / "model"))
    assert loaded.classes == classifier.classes and loaded.max_len == 64
    assert np.array_equal(loaded.predict_ids(texts), before)
    assert loaded.predict(texts[:3]) == [classifier.classes[i] for i in before[:3]]
    with pytest.raises(GenAIError, match="not a saved classifier"):
        FineTunedClassifier.load(tmp_path)


@pytest.fixture(scope="module")
def tiny_fine_tune() -> tuple[FineTunedClassifier, ReviewSplits]:
    """Top 2 layers + head, 3 epochs over 160 real reviews, 32 tokens each (seeded; 60 steps)."""
    splits = load_review_splits(val_fraction=0.2, seed=0, n_train=200, n_test=120)
    encoder, tokenizer = load_encoder()  # a fresh copy: the shared fixture stays untrained
    torch.manual_seed(0)
    model = SentimentClassifier(encoder, len(splits.classes))
    model.freeze_lower_layers(2)
    settings = TrainSettings(epochs=3, batch_size=8, lr=2e-4, head_lr=3e-3, max_len=32,
                             evals_per_epoch=1, patience=3, seed=0)  # fmt: skip
    fine_tune(model, tokenizer, splits, settings, progress=False)
    return FineTunedClassifier(model, tokenizer, splits.classes, 32), splits


@pytest.mark.extended
def test_top_layers_fine_tune_beats_the_majority_class(tiny_fine_tune) -> None:
    """Measured (seed 0): accuracy 0.667 vs 0.633 for always "great", macro F1 0.545 vs 0.388.

    So little data (160 reviews, 32 tokens) learns slowly: the full run reaches 0.83 on validation.
    """
    classifier, splits = tiny_fine_tune
    predicted = classifier.predict_ids(splits.test[0])
    scores = classification_scores(splits.test[1], predicted, 2)
    majority = classification_scores(splits.test[1], np.zeros_like(predicted), 2)
    assert scores.accuracy > majority.accuracy == splits.majority_rate("test"), scores
    assert scores.macro_f1 >= majority.macro_f1 + 0.1, scores  # it finds "other" reviews too


@pytest.mark.extended
def test_fine_tuned_encoder_is_saved_too(tiny_fine_tune, tmp_path: Path) -> None:
    """After training encoder layers, the reloaded encoder (not just the head) predicts the same."""
    classifier, splits = tiny_fine_tune
    texts = splits.test[0][:40]
    before = classifier.predict_ids(texts)
    loaded = FineTunedClassifier.load(classifier.save(tmp_path / "model"))
    assert np.array_equal(loaded.predict_ids(texts), before)

"""Fine-tuning MiniLM for sentiment: AdamW, linear warmup then decay, checkpoint chosen on validation.

The recipe of BERT's paper (Devlin et al., 2019), scaled to two CPU cores:

- AdamW: Adam with weight decay applied to the weights directly (not through the gradient), so
  decay does not fight Adam's per-weight step sizes (Loshchilov & Hutter). Biases and LayerNorm
  weights are not decayed.
- learning rate ``lr * min(step / warmup, (total - step) / (total - warmup))``: a short warmup
  (the fresh head's first gradients are large and random, and Adam's moment estimates are still
  poor), then a linear decay to 0. ``linear_warmup`` is the formula; transformers'
  ``get_linear_schedule_with_warmup`` is the same (a test checks it).
- two learning rates: the head starts from random numbers and takes larger steps (``head_lr``)
  than the pretrained layers, which only need nudging (``lr``).
- evaluate on the validation reviews a few times per epoch, keep the best weights, stop when
  ``patience`` evaluations in a row brought no improvement. The test set is scored once, after.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from tqdm.auto import tqdm

from m4_genai.nlp.sentiment_data import ReviewSplits, length_batches, pad_batch, tokenize
from m4_genai.nlp.sentiment_model import SentimentClassifier, pooled_features, predict_logits


def linear_warmup(step: int, warmup: int, total: int) -> float:
    """Learning-rate multiplier at ``step``: 0 → 1 over ``warmup`` steps, then 1 → 0 at ``total``."""
    if step < warmup:
        return step / max(1, warmup)
    return max(0.0, (total - step) / max(1, total - warmup))


@dataclass(frozen=True)
class Scores:
    """Accuracy, macro F1 and the confusion matrix of some predictions."""

    accuracy: float
    macro_f1: float
    """Mean over classes of F1 = 2PR/(P+R): unlike accuracy, the minority class counts as much."""
    confusion: list[list[int]]
    """``confusion[true][predicted]`` counts."""


def classification_scores(labels: Any, predictions: Any, num_classes: int) -> Scores:
    """Accuracy, macro F1 and confusion matrix, from the counts (no library needed)."""
    labels, predictions = np.asarray(labels), np.asarray(predictions)
    matrix = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(matrix, (labels, predictions), 1)
    true_pos = np.diag(matrix).astype(float)
    precision = true_pos / np.maximum(matrix.sum(axis=0), 1)  # of those predicted c, right
    recall = true_pos / np.maximum(matrix.sum(axis=1), 1)  # of those truly c, found
    f1 = np.where(precision + recall > 0, 2 * precision * recall / (precision + recall + 1e-12), 0)
    accuracy = float(true_pos.sum() / max(1, matrix.sum()))
    return Scores(accuracy, float(f1.mean()), matrix.tolist())


@dataclass(frozen=True, kw_only=True)
class TrainSettings:
    """How to fine-tune: the fields that shape the loop (``FinetuneConfig`` inherits them)."""

    epochs: int = 1
    """Passes over the training reviews."""
    max_steps: int | None = None
    """Stop after this many optimizer steps (None: the epochs decide)."""
    batch_size: int = 16
    """Reviews per optimizer step."""
    lr: float = 1e-4
    """Peak AdamW learning rate of the encoder layers."""
    head_lr: float = 1e-3
    """Peak AdamW learning rate of the new classification head (it starts from random weights)."""
    weight_decay: float = 0.01
    """AdamW's decoupled weight decay (matrices only; not biases or LayerNorm)."""
    warmup_fraction: float = 0.1
    """Share of the steps over which the learning rate climbs from 0 to its peak."""
    evals_per_epoch: int = 2
    """Validation evaluations per epoch; the best one's weights are kept."""
    patience: int = 2
    """Stop after this many evaluations without a better validation accuracy."""
    max_len: int = 128
    """Tokens read per review, [CLS] and [SEP] included; longer reviews are truncated."""
    seed: int = 0
    """Seed of the shuffling and of the dropout masks."""


@dataclass
class TrainLog:
    """What happened during fine-tuning (the training curve of the plot)."""

    steps: int = 0
    losses: list[float] = field(default_factory=list)
    """Training loss of every step."""
    evals: list[tuple[int, float, float]] = field(default_factory=list)
    """``(step, validation accuracy, validation macro F1)`` at every evaluation."""
    best_step: int = 0
    stopped_early: bool = False
    seconds: float = 0.0


def optimizer_for(model: SentimentClassifier, s: TrainSettings) -> torch.optim.AdamW:
    """AdamW over the trainable weights: head at ``head_lr``; no decay on biases and LayerNorms."""
    groups: dict[tuple[bool, bool], list[torch.nn.Parameter]] = {}
    for name, param in model.named_parameters():
        if param.requires_grad:
            is_head = name.startswith("head.")
            decays = param.ndim >= 2  # matrices decay; biases and LayerNorm vectors do not
            groups.setdefault((is_head, decays), []).append(param)
    return torch.optim.AdamW(
        [
            {"params": params, "lr": s.head_lr if head else s.lr,
             "weight_decay": s.weight_decay if decays else 0.0}
            for (head, decays), params in groups.items()
        ]
    )  # fmt: skip


def evaluate(
    model: SentimentClassifier, ids: list[list[int]], labels: list[int], pad_id: int
) -> Scores:
    """Scores of ``model`` on tokenised texts (dropout off, no gradients)."""
    logits = predict_logits(model, ids, pad_id)
    return classification_scores(labels, logits.argmax(axis=1), model.head.out_features)


def fine_tune(
    model: SentimentClassifier, tokenizer: Any, splits: ReviewSplits, s: TrainSettings,
    progress: bool = True,
) -> TrainLog:  # fmt: skip
    """Train ``model`` in place on ``splits.train``; it ends holding its best validation weights."""
    start = time.perf_counter()
    torch.manual_seed(s.seed)  # the head's initial weights were drawn before: dropout masks here
    rng = np.random.default_rng(s.seed)
    pad_id = tokenizer.pad_token_id
    train_ids = tokenize(tokenizer, splits.train[0], s.max_len)
    val_ids = tokenize(tokenizer, splits.val[0], s.max_len)
    labels = torch.as_tensor(splits.train[1])
    per_epoch = -(-len(train_ids) // s.batch_size)  # ceil
    total = min(s.epochs * per_epoch, s.max_steps or s.epochs * per_epoch)
    eval_at = {round(per_epoch * (k + 1) / s.evals_per_epoch) for k in range(s.evals_per_epoch)}
    optimizer = optimizer_for(model, s)
    warmup = round(s.warmup_fraction * total)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda t: linear_warmup(t, warmup, total)
    )
    trainable = [p for p in model.parameters() if p.requires_grad]
    # The encoder frozen entirely (trainable_layers=0): its pooled vectors never change, so
    # compute them once (dropout off) and train the head on them, a linear probe in seconds.
    frozen = not any(p.requires_grad for p in model.encoder.parameters())
    if frozen:
        train_x = pooled_features(model, train_ids, pad_id)  # (N, D)
        val_x = pooled_features(model, val_ids, pad_id)

    def validate() -> Scores:
        if not frozen:
            return evaluate(model, val_ids, splits.val[1], pad_id)
        model.eval()
        with torch.no_grad():
            predicted = model.head(val_x).argmax(dim=1).numpy()
        return classification_scores(splits.val[1], predicted, model.head.out_features)

    log, best, best_state, waited = TrainLog(), -1.0, None, 0
    bar = tqdm(total=total, desc="fine-tune", unit="step", disable=not progress)
    while log.steps < total and not log.stopped_early:
        for index in length_batches([len(x) for x in train_ids], s.batch_size, rng):
            model.train()
            if frozen:
                logits = model.head(model.dropout(train_x[torch.as_tensor(index)]))
            else:
                logits = model(**pad_batch([train_ids[i] for i in index], pad_id))
            loss = torch.nn.functional.cross_entropy(logits, labels[index])
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)  # BERT's recipe: no wild first steps
            optimizer.step()
            schedule.step()
            log.steps += 1
            log.losses.append(loss.item())
            bar.update(1)
            bar.set_postfix(loss=f"{log.losses[-1]:.3f}")
            if (log.steps - 1) % per_epoch + 1 in eval_at or log.steps == total:
                scores = validate()
                log.evals.append((log.steps, scores.accuracy, scores.macro_f1))
                bar.write(f"  step {log.steps}: validation accuracy {scores.accuracy:.3f}, "
                          f"macro F1 {scores.macro_f1:.3f}")  # fmt: skip
                if scores.accuracy > best:  # keep the first best (ties: fewer steps)
                    best, waited, log.best_step = scores.accuracy, 0, log.steps
                    best_state = {k: v.detach().clone() for k, v in _trainable_state(model).items()}
                else:
                    waited += 1
                    log.stopped_early = waited >= s.patience
            if log.steps >= total or log.stopped_early:
                break
    bar.close()
    if best_state is not None:
        model.load_state_dict(best_state, strict=False)  # only the trained tensors changed
    model.eval()
    log.seconds = time.perf_counter() - start
    return log


def _trainable_state(model: SentimentClassifier) -> dict[str, torch.Tensor]:
    """The state-dict entries that training can change (frozen ones need no copy)."""
    names = {name for name, p in model.named_parameters() if p.requires_grad}
    return {k: v for k, v in model.state_dict().items() if k in names}

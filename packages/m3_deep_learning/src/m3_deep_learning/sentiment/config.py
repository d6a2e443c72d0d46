"""What ``train-sentiment`` can be told: which texts, which recurrent models, how big, how long."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal

from m3_deep_learning.training import TorchRunConfig
from roadmap_data.runkit import require, require_at_least


@dataclass(frozen=True, kw_only=True)
class SentimentConfig(TorchRunConfig):
    """One ``train-sentiment`` run: ``cpu`` (the default), ``full`` (wider, longer) or ``tiny``."""

    PRESETS: ClassVar = {
        "tiny": {"n_train": 400, "n_test": 200, "max_len": 50, "embed_dim": 16, "hidden_size": 16,
                 "epochs": 2, "threads": 1},
        "cpu": {},
        "full": {"embed_dim": 128, "hidden_size": 128, "epochs": 15},
    }  # fmt: skip

    dataset: Literal["amazon", "tweets", "csv"] = "amazon"
    """amazon (4000/1000 reviews), tweets (38k, 3 classes) or csv (your files)."""
    models: tuple[Literal["rnn", "lstm"], ...] = ("rnn", "lstm")
    """Recurrent cells to train, each compared with the TF-IDF baseline."""
    train_csv: Path | None = None
    """Training CSV (with dataset csv)."""
    test_csv: Path | None = None
    """Test CSV (with dataset csv)."""
    text_column: str = "review"
    """CSV column holding the text."""
    label_column: str = "score"
    """CSV column holding the label."""
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

    def validate(self) -> None:
        super().validate()
        require(self.dataset != "csv" or None not in (self.train_csv, self.test_csv),
                "dataset csv needs both --train-csv and --test-csv")  # fmt: skip
        require(bool(self.models), "models: name at least one of rnn, lstm")
        fraction = self.val_fraction
        require(0 < fraction < 1, f"val_fraction must be in (0, 1), not {fraction}")
        require(0 <= self.dropout < 1, f"dropout must be in [0, 1), not {self.dropout}")
        require_at_least(1, n_train=self.n_train, n_test=self.n_test, min_freq=self.min_freq,
                         max_len=self.max_len, embed_dim=self.embed_dim,
                         hidden_size=self.hidden_size, epochs=self.epochs,
                         batch_size=self.batch_size)  # fmt: skip

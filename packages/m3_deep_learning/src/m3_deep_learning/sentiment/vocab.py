"""From review text to the integer tensors a recurrent network reads: tokenise, index, pad.

    "Not good at all!"  ─tokenise─►  ["not", "good", "at", "all"]
                        ─index───►   [57, 12, 40, 33]            (ids from the TRAINING vocabulary)
                        ─pad─────►   [57, 12, 40, 33, 0, 0, 0]   + length 4

A batch of reviews of different lengths becomes one rectangular (B, T) tensor by padding with id 0
up to the longest review; the true lengths travel alongside so the network can skip the padding
(``pack_padded_sequence`` in ``sentiment.models``). Words never seen in training map to id 1
(``<unk>``): the vocabulary is built on the training set only, as the model will meet new words
in real use too.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import torch

from m3_deep_learning.errors import DeepLearningError

PAD, UNK = "<pad>", "<unk>"
# Words with inner apostrophes ("didn't") stay whole; other punctuation is dropped.
_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def tokenize(text: str) -> list[str]:
    """Lower-case word tokens: ``"Didn't LOVE it!!"`` → ``["didn't", "love", "it"]``."""
    return _TOKEN.findall(text.lower())


@dataclass
class Vocabulary:
    """A two-way map between tokens and ids; id 0 is padding, id 1 unknown words."""

    itos: list[str]  # id → token

    def __post_init__(self) -> None:
        self.stoi = {token: i for i, token in enumerate(self.itos)}  # token → id

    @classmethod
    def build(cls, texts: Iterable[str], min_freq: int = 2, max_size: int = 20_000) -> Vocabulary:
        """The ``max_size`` most frequent tokens that occur at least ``min_freq`` times.

        Rare words are dropped: a word seen once cannot teach the model anything general, and
        every entry costs an embedding row of parameters.
        """
        counts = Counter(token for text in texts for token in tokenize(text))
        # Sort by (-count, token) so that ties break alphabetically: the same ids on every run.
        common = sorted(
            (t for t, c in counts.items() if c >= min_freq), key=lambda t: (-counts[t], t)
        )
        return cls([PAD, UNK, *common[: max_size - 2]])

    def __len__(self) -> int:
        return len(self.itos)

    def encode(self, text: str) -> list[int]:
        """Token ids of ``text``; unknown words become ``<unk>`` (1)."""
        unk = self.stoi[UNK]
        return [self.stoi.get(token, unk) for token in tokenize(text)]

    def decode(self, ids: Iterable[int]) -> str:
        return " ".join(self.itos[i] for i in ids if i != 0)


def pad_batch(
    sequences: Sequence[Sequence[int]], max_len: int
) -> tuple[torch.Tensor, torch.Tensor]:
    """Right-pad id lists with 0 into ``(B, T)``, truncating each to its first ``max_len`` tokens.

    Returns ``(ids (B, T), lengths (B,))`` with T = the longest (truncated) sequence of the batch.
    An empty review keeps one ``<unk>`` token: a packed sequence cannot have length 0.
    """
    if max_len < 1:
        raise DeepLearningError(f"max_len must be ≥ 1 (got {max_len})")
    clipped = [list(seq[:max_len]) or [1] for seq in sequences]
    lengths = torch.tensor([len(seq) for seq in clipped])  # (B,)
    ids = torch.zeros(len(clipped), int(lengths.max()), dtype=torch.long)  # (B, T), 0 = <pad>
    for row, seq in enumerate(clipped):
        ids[row, : len(seq)] = torch.tensor(seq)
    return ids, lengths


def encode_labels(labels: Iterable[str], classes: Sequence[str]) -> torch.Tensor:
    """Class names → ids in ``classes`` order; an unknown label names itself and its row."""
    index = {name: i for i, name in enumerate(classes)}
    ids = []
    for row, label in enumerate(labels):
        if label not in index:
            raise DeepLearningError(f"row {row}: label {label!r} is not one of {list(classes)}")
        ids.append(index[label])
    return torch.tensor(ids)


def text_batches(
    encoded: Sequence[Sequence[int]],
    labels: torch.Tensor,
    batch_size: int,
    max_len: int,
    generator: torch.Generator | None = None,
) -> Iterator[tuple[torch.Tensor, torch.Tensor]]:
    """Mini-batches ``(ids (B, T), labels (B,))``, each padded to its own longest review.

    Shuffled when a ``generator`` is given. Padding per batch rather than to the longest review
    of the whole set keeps T small: most batches are far shorter than the longest review.
    """
    order = (
        torch.randperm(len(encoded), generator=generator)
        if generator
        else torch.arange(len(encoded))
    )
    for start in range(0, len(encoded), batch_size):
        index = order[start : start + batch_size]
        ids, _ = pad_batch([encoded[i] for i in index.tolist()], max_len)
        yield ids, labels[index]

"""The memory stream of Generative Agents (Park et al. 2023, §4.1): everything an agent lived
through, as a list of timestamped memories, and the retrieval function that picks the few worth
putting in a prompt.

A memory is a sentence ("Maya fixed the pagination bug") with its creation time, the last time it
was retrieved, an importance from 1 to 10 and an embedding. Given a query and the current time,
every memory gets three scores, each min-max normalised to [0, 1] over the candidates:

    recency    = decay ** (hours since the memory was last accessed)     decay = 0.995 per hour
    importance = the 1-10 rating (``importance.py``)
    relevance  = cosine(embedding(memory), embedding(query))

    score = α_recency · recency + α_importance · importance + α_relevance · relevance

and the top k are returned. Retrieving a memory *refreshes* it (its last-access time becomes now),
so what was recalled recently stays easy to recall, as in the paper. All three α are 1 in the
paper's text (the authors' released code weighs them 0.5 / 2 / 3: pass ``RetrievalWeights``).

Time is never read from the system clock here: every call takes ``now``, so a simulated day can
be replayed and tests can compute the scores by hand.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

import numpy as np

from m4_genai.retrieval.embedder import Embedder, l2_normalise
from m6_advanced.errors import AdvancedError

DECAY_PER_HOUR = 0.995
"""The paper's recency decay: a memory untouched for 24 h keeps 0.995**24 ≈ 0.89 of its recency."""

Kind = Literal["observation", "reflection"]


class MemoryStreamError(AdvancedError):
    """Bad memory-stream input: a negative weight, an importance outside 1-10, time going back."""


@dataclass(frozen=True)
class RetrievalWeights:
    """The α of each normalised component in the retrieval score (the paper: all 1)."""

    recency: float = 1.0
    importance: float = 1.0
    relevance: float = 1.0

    def __post_init__(self) -> None:
        values = {
            "recency": self.recency,
            "importance": self.importance,
            "relevance": self.relevance,
        }
        for name, value in values.items():
            if not math.isfinite(value) or value < 0:
                raise MemoryStreamError(f"retrieval weight {name} must be >= 0, not {value}")
        if sum(values.values()) == 0:
            raise MemoryStreamError("at least one retrieval weight must be positive")


@dataclass
class Memory:
    """One record of the stream. ``evidence`` (reflections only) lists the ids it was drawn from."""

    id: int
    text: str
    created: datetime
    last_accessed: datetime
    importance: int
    embedding: np.ndarray = field(repr=False)
    kind: Kind = "observation"
    evidence: tuple[int, ...] = ()


@dataclass(frozen=True)
class ScoredMemory:
    """A memory with its three normalised components and the weighted total, for one query."""

    memory: Memory
    recency: float
    importance: float
    relevance: float
    score: float


def hours_between(earlier: datetime, later: datetime) -> float:
    """Hours from ``earlier`` to ``later`` (the paper counts recency in game hours)."""
    return (later - earlier).total_seconds() / 3600.0


def recency(last_accessed: datetime, now: datetime, decay: float = DECAY_PER_HOUR) -> float:
    """``decay ** hours since last access``: 1.0 for a memory touched just now."""
    return decay ** max(hours_between(last_accessed, now), 0.0)


def min_max(values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Scale to [0, 1]: the smallest value becomes 0, the largest 1.

    When all values are equal the component cannot rank anything; every candidate gets 0.5, as in
    the authors' code (their ``normalize_dict_floats`` maps a zero range to the middle).
    """
    array = np.asarray(values, dtype=np.float64)
    if array.size == 0:
        return array
    low, high = float(array.min()), float(array.max())
    if high - low == 0:
        return np.full_like(array, 0.5)
    return (array - low) / (high - low)


class MemoryStream:
    """The agent's memories and the paper's retrieval function over them.

    >>> stream = MemoryStream(HashingEmbedder())                            # doctest: +SKIP
    >>> stream.add("Tom was promoted", now=datetime(2026, 3, 10, 16, 30), importance=6)
    >>> stream.retrieve("who should I congratulate?", now=datetime(2026, 3, 10, 17), k=3)
    """

    def __init__(
        self,
        embedder: Embedder,
        weights: RetrievalWeights | None = None,
        decay: float = DECAY_PER_HOUR,
    ) -> None:
        if not 0 < decay <= 1:
            raise MemoryStreamError(f"recency decay must be in (0, 1], not {decay}")
        self.embedder = embedder
        self.weights = weights or RetrievalWeights()
        self.decay = decay
        self.memories: list[Memory] = []

    def __len__(self) -> int:
        return len(self.memories)

    def get(self, memory_id: int) -> Memory:
        """The memory with this id (ids are positions: the stream only grows)."""
        if not 0 <= memory_id < len(self.memories):
            raise MemoryStreamError(f"no memory with id {memory_id} (the stream has {len(self)})")
        return self.memories[memory_id]

    def add(
        self,
        text: str,
        now: datetime,
        importance: int,
        kind: Kind = "observation",
        evidence: Sequence[int] = (),
    ) -> Memory:
        """Append a memory created (and last accessed) at ``now``; returns it with its new id."""
        if not text.strip():
            raise MemoryStreamError("a memory needs some text")
        if (
            isinstance(importance, bool)
            or not isinstance(importance, int)
            or not 1 <= importance <= 10
        ):
            raise MemoryStreamError(
                f"importance must be an integer from 1 to 10, not {importance!r}"
            )
        if self.memories and now < self.memories[-1].created:
            raise MemoryStreamError(
                f"time went backwards: {now} is before the last memory ({self.memories[-1].created})"
            )
        vector = l2_normalise(self.embedder.embed([text]))[0]  # unit length once, at storage
        memory = Memory(
            len(self.memories), text, now, now, importance, vector, kind, tuple(evidence)
        )
        self.memories.append(memory)
        return memory

    def recent(self, n: int) -> list[Memory]:
        """The ``n`` most recently created memories, oldest first (what reflection reads)."""
        return self.memories[-n:] if n > 0 else []

    def score(self, query: str, now: datetime) -> list[ScoredMemory]:
        """Every memory created by ``now``, scored for ``query`` (unsorted; nothing is refreshed)."""
        candidates = [m for m in self.memories if m.created <= now]
        if not candidates:
            return []
        query_vector = l2_normalise(self.embedder.embed([query]))[0]
        # Stored embeddings and the query are unit rows: the dot product is the cosine.
        similarity = np.stack([m.embedding for m in candidates]) @ query_vector
        components = {
            "recency": min_max([recency(m.last_accessed, now, self.decay) for m in candidates]),
            "importance": min_max([m.importance for m in candidates]),
            "relevance": min_max(similarity),
        }
        w = self.weights
        total = (
            w.recency * components["recency"]
            + w.importance * components["importance"]
            + w.relevance * components["relevance"]
        )
        return [
            ScoredMemory(
                memory,
                float(components["recency"][i]),
                float(components["importance"][i]),
                float(components["relevance"][i]),
                float(total[i]),
            )
            for i, memory in enumerate(candidates)
        ]

    def retrieve(
        self, query: str, now: datetime, k: int = 5, refresh: bool = True
    ) -> list[ScoredMemory]:
        """The top ``k`` memories for ``query`` at ``now``, best first (ties: the newer first).

        ``refresh`` sets the returned memories' last access to ``now``, as the paper does; pass
        False to look without touching (the CLI's plot probes the scores that way).
        """
        if k < 1:
            raise MemoryStreamError(f"k must be at least 1, not {k}")
        ranked = sorted(self.score(query, now), key=lambda s: (-s.score, -s.memory.id))[:k]
        if refresh:
            for scored in ranked:
                scored.memory.last_accessed = now
        return ranked

"""Scoring retrieval against golden questions.

**hit@k** = share of questions with a correct source among the top k chunks;
**MRR@10** = mean of 1 / (rank of the first correct chunk), 0 when none is in the top 10.

Sixty questions measure a share only to within several points: ``bootstrap_ci`` gives the range
(resample the questions with replacement, recompute, take the middle 95 %), so a difference
smaller than the intervals is not a difference.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from m4_genai.golden.sets import GoldenQuestion
from m4_genai.retrieval.search import Searcher


@dataclass
class RetrievalScores:
    """hit@1, hit@3, MRR@10 over a golden set, and the rank of each question's first hit."""

    hit_at_1: float
    hit_at_3: float
    mrr: float
    ranks: dict[str, int | None]

    def interval(self, k: int) -> tuple[float, float]:
        """95 % bootstrap interval of hit@k."""
        return bootstrap_ci([r is not None and r <= k for r in self.ranks.values()])


def bootstrap_ci(
    values: Sequence[float], resamples: int = 2000, level: float = 0.95, seed: int = 0
) -> tuple[float, float]:
    """Percentile bootstrap interval of the mean of per-question ``values`` (e.g. 0/1 hits).

    >>> bootstrap_ci([1.0] * 10)
    (1.0, 1.0)
    """
    data = np.asarray(values, dtype=float)
    if data.size == 0:
        return (float("nan"), float("nan"))
    rng = np.random.default_rng(seed)
    means = data[rng.integers(0, data.size, (resamples, data.size))].mean(axis=1)
    tail = (1 - level) / 2 * 100
    return (float(np.percentile(means, tail)), float(np.percentile(means, 100 - tail)))


def score_rankings(
    questions: list[GoldenQuestion], rankings: dict[str, list[str]]
) -> RetrievalScores:
    """Score ranked source lists (``question id → sources of the retrieved chunks, best first``)."""
    ranks: dict[str, int | None] = {}
    for q in questions:
        retrieved = rankings[q.id][:10]
        ranks[q.id] = next((i + 1 for i, s in enumerate(retrieved) if s in q.sources), None)
    n = max(len(questions), 1)
    return RetrievalScores(
        hit_at_1=sum(r == 1 for r in ranks.values()) / n,
        hit_at_3=sum(r is not None and r <= 3 for r in ranks.values()) / n,
        mrr=sum(1 / r for r in ranks.values() if r) / n,
        ranks=ranks,
    )


def rankings(
    searcher: Searcher, questions: list[GoldenQuestion], k: int = 10
) -> dict[str, list[str]]:
    """``question id → sources of the top k chunks``, what ``score_rankings`` reads."""
    return {q.id: [hit.chunk.source for hit in searcher.search(q.question, k)] for q in questions}

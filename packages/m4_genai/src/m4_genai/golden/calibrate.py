"""Calibrating the "I don't know" rule: how similar is the best source, for questions the corpus
answers and for questions it does not?

``rag.answer`` refuses without calling the model when the best retrieved chunk's cosine to the
question is below ``RagConfig.min_similarity``. A good threshold sits in the gap between the two
groups: above (almost) every answerable question's best cosine, below the off-topic ones'. This
module measures both groups for a searcher and reports what a threshold keeps and refuses;
``scripts/bench_rag.py`` prints it. Choose the threshold on one set of questions and report it on
another: a threshold tuned on the questions that score it looks better than it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from m4_genai.golden.sets import GoldenQuestion
from m4_genai.retrieval.search import Searcher


def best_similarity(searcher: Searcher, question: str, k: int = 3) -> float:
    """Cosine of the most similar retrieved chunk (−1 when nothing is retrieved)."""
    return max((hit.similarity for hit in searcher.search(question, k)), default=-1.0)


@dataclass(frozen=True)
class Calibration:
    """Best cosines of answerable and off-topic questions, and what ``threshold`` does with them."""

    answerable: tuple[float, ...]
    off_topic: tuple[float, ...]
    threshold: float

    @property
    def answerable_kept(self) -> float:
        """Share of answerable questions that reach the model (best cosine ≥ threshold)."""
        return float(np.mean([s >= self.threshold for s in self.answerable]))

    @property
    def off_topic_refused(self) -> float:
        """Share of off-topic questions answered "I don't know" (best cosine < threshold)."""
        return float(np.mean([s < self.threshold for s in self.off_topic]))

    def summary(self) -> dict[str, float]:
        """The figures the README and metrics.json report."""
        return {
            "threshold": self.threshold,
            "answerable_min": min(self.answerable),
            "answerable_p5": float(np.percentile(self.answerable, 5)),
            "off_topic_max": max(self.off_topic),
            "off_topic_median": float(np.median(self.off_topic)),
            "answerable_kept": self.answerable_kept,
            "off_topic_refused": self.off_topic_refused,
        }


def calibrate(
    searcher: Searcher,
    answerable: Sequence[GoldenQuestion],
    off_topic: Sequence[GoldenQuestion],
    threshold: float,
) -> Calibration:
    """Measure both groups' best cosines under ``searcher`` and judge ``threshold`` on them."""
    return Calibration(
        answerable=tuple(best_similarity(searcher, q.question) for q in answerable),
        off_topic=tuple(best_similarity(searcher, q.question) for q in off_topic),
        threshold=threshold,
    )

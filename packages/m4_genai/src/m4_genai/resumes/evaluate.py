"""NDCG@k on hand-labelled rankings: how good is the top of the list a recruiter reads?

Each sample job has a grade 0–3 for every sample resume (``samples/labels.json``, written before
any tuning). For a ranking r_1, r_2, ... of the resumes:

    DCG@k  = Σ_{i=1..k} gain(r_i) / log2(i + 1)        (the top place counts fully, later less)
    NDCG@k = DCG@k / IDCG@k                             (IDCG: the DCG of the best possible order)

so 1.0 means the k best-graded resumes came first in the right order, whatever their number. The
gain is the grade itself ("linear", as ``sklearn.metrics.ndcg_score``); ``2**grade - 1``
("exponential", as in web search) rewards putting the 3s first even more.

The jobs are split by *job*, not by resume: dev jobs are for choosing the fusion and its
parameters, test jobs for the figures in the README.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from m4_genai.resumes.rank import Job, ResumeRanker

METHODS = ("dense", "bm25", "fused", "fused+must-have")


def dcg_at_k(gains: Sequence[float], k: int) -> float:
    """Σ gain_i / log2(i + 1) over the first ``k`` places (i counted from 1)."""
    return sum(g / math.log2(i + 2) for i, g in enumerate(gains[:k]))


def ndcg_at_k(
    ranking: Sequence[str],
    grades: Mapping[str, int],
    k: int = 5,
    gain: Literal["linear", "exponential"] = "linear",
) -> float:
    """NDCG@k of ``ranking`` (ids, best first) against ``grades`` (id → 0..3; missing = 0).

    >>> ndcg_at_k(["a", "b", "c"], {"a": 3, "b": 2, "c": 0}, k=2)
    1.0
    >>> round(ndcg_at_k(["c", "b", "a"], {"a": 3, "b": 2, "c": 0}, k=2), 3)
    0.296
    """
    value = (lambda g: 2**g - 1) if gain == "exponential" else (lambda g: g)
    gains = [value(grades.get(doc, 0)) for doc in ranking]
    ideal = sorted((value(g) for g in grades.values()), reverse=True)
    best = dcg_at_k(ideal, k)
    return dcg_at_k(gains, k) / best if best > 0 else 0.0


@dataclass
class JobScore:
    """NDCG@k of every method on one labelled job, and who each method put first."""

    job: str
    split: str
    ndcg: dict[str, float]
    first: dict[str, str]
    best: list[str]
    """The resumes graded highest for this job."""


def evaluate(
    ranker: ResumeRanker, jobs: Sequence[Job], labels: Mapping[str, object], k: int = 5
) -> list[JobScore]:
    """NDCG@k of dense-only, BM25-only, fused and fused + must-have filter on each labelled job."""
    ids = [r.source for r in ranker.resumes]
    results = []
    for job in jobs:
        entry = labels["jobs"][job.name]  # type: ignore[index]
        grades = entry["grades"]
        scores = ranker.scores(job)
        rankings = {
            name: [ids[i] for i in np.argsort(-scores[name], kind="stable")]
            for name in ("dense", "bm25", "fused")
        }
        rankings["fused+must-have"] = [r.resume.source for r in ranker.rank(job)]
        top = max(grades.values())
        results.append(
            JobScore(
                job=job.name,
                split=entry["split"],
                ndcg={m: ndcg_at_k(rankings[m], grades, k) for m in METHODS},
                first={m: rankings[m][0] for m in METHODS},
                best=sorted(i for i, g in grades.items() if g == top),
            )
        )
    return results


def mean_by_split(scores: Sequence[JobScore]) -> dict[str, dict[str, float]]:
    """split → method → mean NDCG over that split's jobs."""
    table: dict[str, dict[str, float]] = {}
    for split in sorted({s.split for s in scores}):
        rows = [s for s in scores if s.split == split]
        table[split] = {m: float(np.mean([s.ndcg[m] for s in rows])) for m in METHODS}
    return table

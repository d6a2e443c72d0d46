"""The four RAGAS metrics: how faithful, relevant and well-retrieved one RAG answer is.

A RAG answer can fail in two places: retrieval brought the wrong chunks, or generation wrote
something the chunks do not say. RAGAS (Es et al., 2023, arXiv:2309.15217; the ``ragas``
package) scores both with a *judge* (an LLM asked small yes/no questions) instead of a
reference string match, so the scores work on free-form answers:

=================  ====================================================  ==================
metric             definition                                            judges
=================  ====================================================  ==================
faithfulness       claims of the answer supported by the contexts        generation
                   / all claims of the answer
answer_relevancy   mean cosine(question, q_i) over questions q_i          generation
                   generated back from the answer; 0 if non-committal
context_precision  mean over relevant ranks k of precision@k             retrieval (ranking)
                   (relevance judged against the reference answer)
context_recall     claims of the reference supported by the contexts     retrieval (coverage)
                   / all claims of the reference
=================  ====================================================  ==================

Every metric returns a float in [0, 1] or ``nan`` where it is undefined. NaN is not a zero: an
answer that makes no claim ("I don't know.") is neither faithful nor unfaithful, so
``faithfulness`` is NaN and ``aggregate`` averages over the defined values only and counts the
NaNs. A zero is returned only where the definition gives zero (no chunk relevant, a
non-committal answer, claims but nothing retrieved to support them).

Abstention ("I don't know."): faithfulness NaN (no claims), answer_relevancy 0 (non-committal),
context_precision and context_recall scored as usual (they judge retrieval, not the answer).

The judge is anything with the four methods of ``Judge`` (``judges.LLMJudge`` over any ChatModel;
``judges.EmbeddingJudge``, a cheaper fallback that is *not* RAGAS).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

import numpy as np

from m6_advanced.errors import AdvancedError

METRICS = ("faithfulness", "answer_relevancy", "context_precision", "context_recall")
NAN = float("nan")


@dataclass(frozen=True)
class Sample:
    """One RAG interaction to score."""

    question: str
    """What the user asked."""
    answer: str
    """What the RAG system answered."""
    contexts: tuple[str, ...]
    """The retrieved chunk texts, in rank order (best first)."""
    reference: str = ""
    """A reference (ground-truth) answer; "" makes context_recall and context_precision NaN."""


@dataclass(frozen=True)
class GeneratedQuestions:
    """What a judge reads back from an answer: the questions it answers, and whether it dodges."""

    questions: tuple[str, ...]
    noncommittal: bool
    """True for an evasive answer ("I don't know", "it depends"): answer_relevancy is then 0."""


@runtime_checkable
class Judge(Protocol):
    """The four judgements the metrics need. ``label`` says what kind of judge it is."""

    label: str
    """Shown next to every score: e.g. "LLM judge (RAGAS prompts)", "embedding fallback, not RAGAS"."""

    def extract_claims(self, question: str, text: str) -> list[str]:
        """The atomic, self-contained factual statements ``text`` makes ([] for none)."""
        ...

    def verify_claims(self, claims: Sequence[str], contexts: Sequence[str]) -> list[bool]:
        """For each claim: can it be inferred from the contexts (all of them together)?"""
        ...

    def chunk_relevant(self, question: str, reference: str, chunk: str) -> bool:
        """Was ``chunk`` useful for arriving at the reference answer to ``question``?"""
        ...

    def generate_questions(self, answer: str, n: int) -> GeneratedQuestions:
        """Up to ``n`` questions that ``answer`` answers, and the non-committal flag."""
        ...


def _blank(text: str) -> bool:
    return not text or not text.strip()


def _usable(contexts: Sequence[str]) -> list[str]:
    """The non-blank contexts: an empty chunk can support nothing."""
    return [chunk for chunk in contexts if not _blank(chunk)]


def supported_fraction(claims: Sequence[str], contexts: Sequence[str], judge: Judge) -> float:
    """``supported claims / all claims``; NaN for no claims, 0 for claims but no context."""
    if not claims:
        return NAN
    usable = _usable(contexts)
    if not usable:
        return 0.0  # nothing retrieved, so nothing can be inferred from it: zero by definition
    verdicts = judge.verify_claims(list(claims), usable)
    if len(verdicts) != len(claims):
        raise AdvancedError(f"judge gave {len(verdicts)} verdicts for {len(claims)} claims")
    return sum(bool(v) for v in verdicts) / len(claims)


def faithfulness(sample: Sample, judge: Judge) -> float:
    """Faithfulness = |claims of the answer supported by the contexts| / |claims of the answer|.

    Step 1: the judge breaks the answer into atomic claims. Step 2: for each claim, it decides
    whether the retrieved contexts support it (RAGAS: "can be directly inferred"). A claim that is
    true but not in the contexts counts as unfaithful: the metric measures grounding, not truth.
    NaN when the answer makes no claim (empty, or an abstention like "I don't know.").
    """
    if _blank(sample.answer):
        return NAN
    claims = judge.extract_claims(sample.question, sample.answer)
    return supported_fraction(claims, sample.contexts, judge)


def context_recall(sample: Sample, judge: Judge) -> float:
    """Context recall = |claims of the reference supported by the contexts| / |claims of the reference|.

    Did retrieval find everything a correct answer needs? The reference answer is broken into
    claims, and each claim is attributed (or not) to the retrieved contexts. NaN without a
    reference (or a reference with no claim); 0 when nothing was retrieved.
    """
    if _blank(sample.reference):
        return NAN
    claims = judge.extract_claims(sample.question, sample.reference)
    return supported_fraction(claims, sample.contexts, judge)


def average_precision(relevance: Sequence[bool]) -> float:
    """Rank-weighted precision of the relevant chunks (RAGAS' context precision formula):

        AP = Σ_k precision@k · v_k / Σ_k v_k,    precision@k = (Σ_{i≤k} v_i) / k

    with v_k ∈ {0, 1} the relevance of the chunk at rank k. One relevant chunk scores 1 at rank 1,
    1/2 at rank 2, 1/3 at rank 3. 0 when no chunk is relevant; NaN for an empty ranking.
    """
    if not relevance:
        return NAN
    hits, total = 0, 0.0
    for rank, relevant in enumerate(relevance, start=1):
        if relevant:
            hits += 1
            total += hits / rank  # precision@rank, counted only at the relevant ranks
    return total / hits if hits else 0.0


def context_precision(sample: Sample, judge: Judge) -> float:
    """Context precision = average precision of the ranking, relevance judged against the reference.

    Are the useful chunks ranked first? For each retrieved chunk, in rank order, the judge decides
    whether it was useful for arriving at the reference answer (RAGAS'
    LLMContextPrecisionWithReference); ``average_precision`` turns the verdicts into one number.
    A duplicated relevant chunk counts at both ranks: the metric does not penalise redundancy.
    NaN without a reference or without contexts; a blank chunk is irrelevant without asking.
    """
    if _blank(sample.reference) or not sample.contexts:
        return NAN
    relevance = [
        (not _blank(chunk)) and bool(judge.chunk_relevant(sample.question, sample.reference, chunk))
        for chunk in sample.contexts
    ]
    return average_precision(relevance)


def cosine_rows(vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Cosine of ``vector`` with each row (normalising again, so any embedder works)."""
    vector = np.asarray(vector, dtype=np.float64).reshape(-1)
    rows = np.asarray(rows, dtype=np.float64).reshape(len(rows), -1)
    norms = np.linalg.norm(rows, axis=1) * np.linalg.norm(vector)
    return rows @ vector / np.maximum(norms, 1e-12)


def answer_relevancy(sample: Sample, judge: Judge, embedder: Any, n: int = 3) -> float:
    """Answer relevancy = (1/n) Σ_i cos(E(question), E(q_i)) × (0 if non-committal else 1).

    The judge writes ``n`` questions that the answer would answer (RAGAS "strictness", 3). An
    answer on topic regenerates the user's question, so the cosines are high; an answer that
    drifts or pads gives other questions. An evasive answer ("I don't know") scores 0 however
    close its questions are (even with no question at all). NaN for an empty answer, or a
    committal answer from which the judge writes no question.
    Faithfulness is not checked here: a confident wrong answer can be perfectly relevant.
    """
    if _blank(sample.answer) or _blank(sample.question):
        return NAN
    generated = judge.generate_questions(sample.answer, n)
    if generated.noncommittal:
        # RAGAS multiplies by 0. Checked first: "I don't know." may yield no question at all,
        # and an abstention must score 0 here, not NaN.
        return 0.0
    questions = [q for q in generated.questions if not _blank(q)]
    if not questions:
        return NAN
    vectors = embedder.embed([sample.question, *questions])
    return float(np.clip(cosine_rows(vectors[0], vectors[1:]).mean(), -1.0, 1.0))


def score_sample(
    sample: Sample, judge: Judge, embedder: Any = None, metrics: Sequence[str] = METRICS
) -> dict[str, float]:
    """``{metric: value}`` for the requested metrics, NaN where undefined.

    ``embedder`` is only needed for answer_relevancy; None uses the shared MiniLM embedder.
    """
    unknown = [name for name in metrics if name not in METRICS]
    if unknown:
        raise AdvancedError(f"unknown metric(s) {unknown}; choose from {list(METRICS)}")
    scores: dict[str, float] = {}
    for name in metrics:
        if name == "faithfulness":
            scores[name] = faithfulness(sample, judge)
        elif name == "context_recall":
            scores[name] = context_recall(sample, judge)
        elif name == "context_precision":
            scores[name] = context_precision(sample, judge)
        else:
            if embedder is None:
                from m4_genai.retrieval.embedder import default_embedder  # loads MiniLM once

                embedder = default_embedder()
            scores[name] = answer_relevancy(sample, judge, embedder)
    return scores


def aggregate(scores: list[dict[str, float]]) -> dict[str, dict[str, float]]:
    """Per metric: ``mean`` over the defined (non-NaN) values, ``n`` defined, ``n_nan`` undefined.

    Averaging NaN as 0 would punish an honest "I don't know"; dropping it silently would hide
    how many answers could not be scored. So both numbers are kept. ``mean`` is NaN when no
    value is defined.
    """
    names = [name for name in METRICS if any(name in row for row in scores)]
    names += sorted({name for row in scores for name in row} - set(names))
    summary: dict[str, dict[str, float]] = {}
    for name in names:
        values = [row[name] for row in scores if name in row]
        defined = [v for v in values if not math.isnan(v)]
        summary[name] = {
            "mean": float(np.mean(defined)) if defined else NAN,
            "n": len(defined),
            "n_nan": len(values) - len(defined),
        }
    return summary

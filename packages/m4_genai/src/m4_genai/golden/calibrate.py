"""Calibrating "I don't know": choose the refusal rule on dev questions, report it on test ones.

``rag.answer`` refuses without calling the model when retrieval's evidence says the documents
cannot answer (``abstention.py``). This module gathers that evidence for golden questions, fits
the rule on the *dev* split, and tabulates what a rule does on any split:

- ``fit_answerability``: the default rule, a logistic regression of answerable vs unanswerable
  dev questions on (best cosine, unknown-word share, keyword match), written out in NumPy: plain
  gradient descent on the mean log-loss with a small L2 penalty, on standardised features. Its
  bias is then moved so that ≥ ``min_answered`` of the answerable dev questions pass: a wrong
  "I don't know" costs a user more than a weak answer to an odd question;
- ``choose_rule``: the two-threshold rule (cosine bar, unknown-word share) that refuses the most
  near-topic questions while answering ≥ ``min_answered`` of the answerable ones (ties: the
  highest unknown-word share, and the cosine bar in the middle of the tied range);
- ``confusion``: answered / refused for answerable questions and for each kind of unanswerable
  one (near, adversarial, far), the table the README prints for the test split.

A threshold tuned on the questions that score it looks better than it is: the previous cosine
threshold, set by eye on far-off questions, passed a third of near-topic ones to the model.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from m4_genai.abstention import AnswerabilityScore, Evidence, Rule, gather_evidence
from m4_genai.golden.sets import GoldenQuestion
from m4_genai.retrieval.search import Searcher

SIMILARITY_GRID = tuple(round(x, 2) for x in np.arange(0.20, 0.51, 0.01))
UNKNOWN_SHARE_GRID = (0.10, 0.15, 0.20, 0.25, 0.30, 0.35, 0.40, 0.50, 1.0)


def gather(searcher: Searcher, questions: Sequence[GoldenQuestion], k: int = 3) -> list[Evidence]:
    """Each question's evidence under ``searcher`` (the chain's top ``k`` chunks)."""
    return [
        gather_evidence(q.question, searcher.search(q.question, k), searcher) for q in questions
    ]


def refused_share(rule: Rule, evidence: Sequence[Evidence]) -> float:
    return float(np.mean([rule.refuses(e) for e in evidence])) if evidence else float("nan")


def choose_rule(
    answerable: Sequence[Evidence], near_topic: Sequence[Evidence], min_answered: float = 0.97
) -> Rule:
    """The rule refusing most ``near_topic`` questions while answering ≥ ``min_answered`` of
    ``answerable`` ones (then: answering the most). Of the rules that tie, the one with the
    highest unknown-word share and, for it, the cosine bar in the middle of the tied range:
    as far as the data allow from both groups, since new questions will not fall where these did.
    """
    scored = []
    for min_similarity in SIMILARITY_GRID:
        for max_unknown in UNKNOWN_SHARE_GRID:
            rule = Rule(float(min_similarity), max_unknown)
            answered = 1 - refused_share(rule, answerable)
            if answered >= min_answered:
                scored.append(((refused_share(rule, near_topic), answered), rule))
    if not scored:
        return Rule(min(SIMILARITY_GRID), 1.0)
    best = max(key for key, _ in scored)
    tied = [rule for key, rule in scored if key == best]
    loosest = max(rule.max_unknown_share for rule in tied)
    bars = sorted(rule.min_similarity for rule in tied if rule.max_unknown_share == loosest)
    return Rule(bars[len(bars) // 2], loosest)


def features(evidence: Sequence[Evidence]) -> np.ndarray:
    """``(n, 3)``: each question's ``Evidence.features()``, what the score weighs."""
    return np.array([e.features() for e in evidence], float).reshape(-1, 3)


def fit_answerability(
    answerable: Sequence[Evidence],
    unanswerable: Sequence[Evidence],
    min_answered: float = 0.97,
    l2: float = 0.01,
    steps: int = 3000,
) -> AnswerabilityScore:
    """The logistic answerability score, fitted on dev evidence (see the module docstring).

    Deterministic: full-batch gradient descent from zero weights. Evidence without a keyword
    match (a tiny corpus) is left out: the score is never applied to it.
    """
    if not 0 < min_answered <= 1:
        raise ValueError(f"min_answered is a share in (0, 1], not {min_answered}")
    answerable = [e for e in answerable if e.keyword_match is not None]
    unanswerable = [e for e in unanswerable if e.keyword_match is not None]
    if not answerable or not unanswerable:
        raise ValueError(
            "fitting needs answerable and unanswerable questions with keyword evidence"
        )
    x = np.concatenate([features(answerable), features(unanswerable)])  # (n, 3)
    y = np.concatenate([np.ones(len(answerable)), np.zeros(len(unanswerable))])  # (n,)
    mean, std = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mean) / std  # standardised, so one step size suits every feature
    w, b = np.zeros(3), 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(z @ w + b)))  # (n,) predicted P(answerable)
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * w)  # gradient of log-loss + (l2/2)·|w|²
        b -= 0.5 * float(np.mean(p - y))
    # Back to raw features: w·(x − mean)/std + b = (w/std)·x + (b − w·mean/std); 4 decimals.
    weights = np.round(w / std, 4)
    # The bias puts the bar (score 0) at the answerable question ranked min_answered from the top,
    # rounded up so that question still passes.
    scores = np.sort(features(answerable) @ weights)
    bar = float(scores[int(np.floor((1 - min_answered) * len(scores)))])
    return AnswerabilityScore(*(float(v) for v in weights), math.ceil(-bar * 1e4) / 1e4)


def confusion(
    rule: Rule, answerable: Sequence[Evidence], unanswerable: dict[str, Sequence[Evidence]]
) -> list[dict[str, float | int | str]]:
    """One row per group: how many questions, and the share answered vs refused."""
    groups = {"answerable": answerable, **unanswerable}
    rows: list[dict[str, float | int | str]] = []
    for group, evidence in groups.items():
        refused = refused_share(rule, evidence)
        rows.append(
            {"group": group, "n": len(evidence), "answered": 1 - refused, "refused": refused}
        )
    return rows

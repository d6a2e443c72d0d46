"""The summarisation set and its evaluation: tune on dev, report on test, with an interval.

``summaries.jsonl`` holds 16 reference summaries written by hand, each of one section of Python's
language reference as shipped offline in ``pydoc_data.topics`` (the corpus month 4's RAG golden
set also uses). Each line names its ``split``: 6 ``dev`` sections to choose settings on (how many
sentences to extract, how many to ask the model for) and 10 ``test`` sections that only report.
The texts come from the running Python, so figures move a little between Python versions.

A 10-document test set is small: ``golden.scoring.bootstrap_ci`` gives a 95 % interval of the mean by
resampling documents, so two methods whose intervals overlap widely are not told apart by it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from importlib import resources

import numpy as np

from m4_genai.errors import GenAIError
from m4_genai.nlp.summarise import ROUGE_TYPES, prose_sentences, rouge

SPLITS = ("dev", "test")
Summariser = Callable[["SummaryDoc", int], str]
"""``(document, size) -> summary``: how a method is called (size: sentences to keep or ask for)."""


@dataclass(frozen=True)
class SummaryDoc:
    """One document of the set: a reference section, its hand-written summary and its split."""

    topic: str
    split: str
    text: str
    reference: str

    @cached_property
    def sentences(self) -> list[str]:
        """The prose sentences extractive methods choose from (``prose_sentences``)."""
        return prose_sentences(self.text)


def load_summary_set(split: str | None = None, limit: int = 0) -> list[SummaryDoc]:
    """The documents of ``split`` (both when None), at most ``limit`` of each (0: all)."""
    if split is not None and split not in SPLITS:
        raise GenAIError(f"unknown split {split!r}; choose from {SPLITS}")
    from pydoc_data.topics import topics

    path = resources.files("m4_genai.nlp").joinpath("summaries.jsonl")
    rows = [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]
    docs: list[SummaryDoc] = []
    for row in rows:
        if split not in (None, row["split"]) or row["topic"] not in topics:
            continue  # a section missing from this Python's manual is skipped, not invented
        if limit and sum(doc.split == row["split"] for doc in docs) >= limit:
            continue
        docs.append(SummaryDoc(row["topic"], row["split"], topics[row["topic"]], row["summary"]))
    return docs


def mean_scores(rows: Sequence[dict[str, float]]) -> dict[str, float]:
    """Mean ROUGE-1/2/L over documents."""
    return {
        name: float(np.mean([row[name] for row in rows])) if rows else 0.0 for name in ROUGE_TYPES
    }


@dataclass
class Evaluation:
    """One method at one size on a list of documents: what it wrote and how it scored."""

    method: str
    size: int
    summaries: list[str]
    scores: list[dict[str, float]]

    @property
    def mean(self) -> dict[str, float]:
        return mean_scores(self.scores)


def evaluate(
    method: str, summarise: Summariser, docs: Sequence[SummaryDoc], size: int
) -> Evaluation:
    """Summarise every document at ``size`` and score it against its reference."""
    summaries = [summarise(doc, size) for doc in docs]
    scores = [rouge(summary, doc.reference) for summary, doc in zip(summaries, docs, strict=True)]
    return Evaluation(method, size, summaries, scores)


def tune(
    method: str,
    summarise: Summariser,
    dev: Sequence[SummaryDoc],
    sizes: Sequence[int],
    metric: str = "rougeL",
) -> tuple[int, dict[int, float]]:
    """The size with the best mean ``metric`` on ``dev`` (ties: the shorter summary), and all
    sizes' means. Only dev documents are read here: the test set stays unseen until the report."""
    if len(sizes) == 1:  # nothing to choose: spare the (slow, for a model) dev run
        return sizes[0], {}
    means = {size: evaluate(method, summarise, dev, size).mean[metric] for size in sizes}
    best = max(sizes, key=lambda size: (round(means[size], 6), -size))
    return best, means

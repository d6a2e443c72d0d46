"""Our metrics beside the ``ragas`` package's: same samples, same judge, how close are the values?

ragas (0.4) talks to a model through LangChain. Month 5's ``RoadmapChatModel`` already adapts any
of our ``ChatModel`` objects to LangChain, so ragas can be driven by exactly the judge our code
uses: the local GGUF, or a ``ScriptedChatModel`` whose replies come from the hand labels
(``labelled.LabelOracle`` answers ragas' prompts too). With the scripted judge both sides get the
same verdicts, so any difference is a difference in the *metric code* (edge-case conventions);
with a real model, ragas' prompts (long, with worked examples) differ from ours, and the
agreement also measures how much a metric depends on its prompts.

The ragas classes used are the ones the RAGAS definitions in ``metrics`` follow:
``Faithfulness``, ``ResponseRelevancy`` (strictness 3), ``LLMContextPrecisionWithReference``,
``LLMContextRecall``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from m6_advanced.errors import AdvancedError
from m6_advanced.evaluation.metrics import METRICS, Sample

RAGAS_NAMES = {
    "faithfulness": "Faithfulness",
    "answer_relevancy": "ResponseRelevancy",
    "context_precision": "LLMContextPrecisionWithReference",
    "context_recall": "LLMContextRecall",
}
"""Our metric name -> the ragas class that computes the same definition."""


def _langchain_embeddings(embedder: Any) -> Any:
    """Our ``Embedder`` as a LangChain ``Embeddings`` (what ragas' wrapper expects)."""
    from langchain_core.embeddings import Embeddings

    class RoadmapEmbeddings(Embeddings):
        def embed_documents(self, texts: list[str]) -> list[list[float]]:
            return embedder.embed(list(texts)).astype(float).tolist()

        def embed_query(self, text: str) -> list[float]:
            return embedder.embed([text])[0].astype(float).tolist()

    return RoadmapEmbeddings()


class RagasScorer:
    """ragas' four metrics over one of our ChatModels and Embedders."""

    def __init__(self, model: Any, embedder: Any) -> None:
        with warnings.catch_warnings():
            # ragas 0.4 marks its LangChain wrappers and legacy metric imports deprecated; they are
            # still the documented way to plug in a custom model, so the warnings are noise here.
            warnings.simplefilter("ignore", DeprecationWarning)
            from ragas.embeddings import LangchainEmbeddingsWrapper
            from ragas.llms import LangchainLLMWrapper
            from ragas.metrics import (
                Faithfulness,
                LLMContextPrecisionWithReference,
                LLMContextRecall,
                ResponseRelevancy,
            )

            from m5_agents_mlops.frameworks.langchain_model import RoadmapChatModel

            llm = LangchainLLMWrapper(RoadmapChatModel(model))
            embeddings = LangchainEmbeddingsWrapper(_langchain_embeddings(embedder))
            self.metrics = {
                "faithfulness": Faithfulness(llm=llm),
                "answer_relevancy": ResponseRelevancy(llm=llm, embeddings=embeddings),
                "context_precision": LLMContextPrecisionWithReference(llm=llm),
                "context_recall": LLMContextRecall(llm=llm),
            }

    def score(self, sample: Sample, metrics: Sequence[str] = METRICS) -> dict[str, float]:
        """``{metric: ragas' value}``; an exception inside ragas becomes NaN (and is counted)."""
        from ragas.dataset_schema import SingleTurnSample

        row = SingleTurnSample(
            user_input=sample.question,
            response=sample.answer,
            retrieved_contexts=list(sample.contexts),
            reference=sample.reference,
        )
        scores: dict[str, float] = {}
        self.errors: dict[str, str] = {}
        for name in metrics:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    scores[name] = float(self.metrics[name].single_turn_score(row))
            except Exception as error:  # ragas raises on inputs it does not handle
                scores[name] = math.nan
                self.errors[name] = f"{type(error).__name__}: {error}"[:200]
        return scores


def agreement(
    ours: Sequence[dict[str, float]], theirs: Sequence[dict[str, float]], tolerance: float = 0.1
) -> dict[str, dict[str, float]]:
    """Per metric, over paired samples:

    - ``n_both``: both values defined; ``mad``: mean |ours − theirs| over those;
      ``within``: share of those with |ours − theirs| ≤ ``tolerance``;
    - ``nan_agree``: both NaN; ``nan_disagree``: exactly one NaN (an edge-case convention differs).
    """
    if len(ours) != len(theirs):
        raise AdvancedError(f"{len(ours)} scores of ours but {len(theirs)} of theirs")
    table: dict[str, dict[str, float]] = {}
    names = [m for m in METRICS if any(m in row for row in ours)]
    for name in names:
        pairs = [
            (a.get(name, math.nan), b.get(name, math.nan))
            for a, b in zip(ours, theirs, strict=True)
        ]
        both = [(a, b) for a, b in pairs if not (math.isnan(a) or math.isnan(b))]
        gaps = np.array([abs(a - b) for a, b in both])
        table[name] = {
            "n_both": len(both),
            "mad": float(gaps.mean()) if len(both) else math.nan,
            "within": float((gaps <= tolerance + 1e-9).mean()) if len(both) else math.nan,
            "nan_agree": sum(math.isnan(a) and math.isnan(b) for a, b in pairs),
            "nan_disagree": sum(math.isnan(a) != math.isnan(b) for a, b in pairs),
        }
    return table

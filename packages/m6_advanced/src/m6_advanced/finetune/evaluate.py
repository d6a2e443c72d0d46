"""Before and after: the same test prompts answered by the base and the tuned model, scored alike.

Per answer (month 4's citation format, month 6's metrics):

- **citation**: the answer cites at least one source ``[n]`` (``m4_genai.golden.answers.cited_numbers``);
- **correct citation**: it cites the passage that answers the question, and no number that is
  not in the prompt (a made-up ``[7]`` is worse than no citation);
- **faithfulness**: month 6's RAGAS faithfulness (``evaluation.metrics.faithfulness``: claims of the
  answer supported by the passages / all claims), judged by the judge given, by default the
  embedding fallback, **not RAGAS** (labelled so in every table);
- **ROUGE-L F1** against the reference answer (citations removed from both): did it say what a
  careful reader says;
- and, without generating, the **answer loss**: mean cross-entropy per token of the reference
  answers under the model (``lora.answer_loss``), the quantity training lowers.

Rates come with a 95 % bootstrap interval (month 4's ``bootstrap_ci``): the test split is small.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from tqdm.auto import tqdm

from m4_genai.golden.answers import cited_numbers
from m4_genai.golden.scoring import bootstrap_ci
from m4_genai.llm.base import ChatModel
from m6_advanced.evaluation.metrics import Judge, Sample, aggregate, faithfulness
from m6_advanced.finetune.data import Example

METRICS = ("citation_rate", "correct_citation_rate", "faithfulness", "rouge_l")
_CITE = re.compile(r"\s*\[\d+(?:\s*[,;]\s*\d+)*\]")


def strip_citations(text: str) -> str:
    """``"It is lazy [2]."`` → ``"It is lazy."``."""
    return _CITE.sub("", text).strip()


@dataclass(frozen=True)
class Scored:
    """One answer and its scores."""

    id: str
    answer: str
    cited: tuple[int, ...]
    citation: bool
    correct_citation: bool
    faithfulness: float
    rouge_l: float


def rouge_l(answer: str, reference: str) -> float:
    """ROUGE-L F1 (longest common subsequence of words, stemmed) without the citations."""
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    return float(
        scorer.score(strip_citations(reference), strip_citations(answer))["rougeL"].fmeasure
    )


def score_answer(example: Example, answer: str, judge: Judge) -> Scored:
    """All per-answer scores of ``answer`` to ``example``."""
    cited = tuple(cited_numbers(answer))
    valid = all(1 <= n <= len(example.passages) for n in cited)
    sample = Sample(example.question, answer, example.passages, reference=example.reference)
    return Scored(
        id=example.id,
        answer=answer,
        cited=cited,
        citation=bool(cited),
        correct_citation=bool(cited) and valid and example.gold in cited,
        faithfulness=faithfulness(sample, judge),
        rouge_l=rouge_l(answer, example.reference),
    )


def answer_all(
    chat: ChatModel, examples: Sequence[Example], max_tokens: int, label: str = "answers"
) -> list[str]:
    """Greedy answers to every example's prompt through the ``ChatModel`` interface."""
    return [
        chat.chat(example.messages(), max_tokens=max_tokens, temperature=0.0).text
        for example in tqdm(examples, desc=label, unit="answer")
    ]


def summarise(rows: Sequence[Scored], loss: float | None = None) -> dict[str, Any]:
    """Means (with a 95 % interval) of every metric; faithfulness also counts its NaNs."""
    summary: dict[str, Any] = {"n": len(rows)}
    for name in ("citation", "correct_citation"):
        values = [float(getattr(row, name)) for row in rows]
        mean = sum(values) / len(values) if values else math.nan
        summary[f"{name}_rate"] = {"mean": mean, "ci95": list(bootstrap_ci(values))}
    faith = aggregate([{"faithfulness": row.faithfulness} for row in rows])["faithfulness"]
    defined = [row.faithfulness for row in rows if not math.isnan(row.faithfulness)]
    summary["faithfulness"] = {**faith, "ci95": list(bootstrap_ci(defined))}
    values = [row.rouge_l for row in rows]
    summary["rouge_l"] = {
        "mean": sum(values) / len(values) if values else math.nan,
        "ci95": list(bootstrap_ci(values)),
    }
    if loss is not None:
        summary["answer_loss"] = {"mean": loss, "perplexity": math.exp(loss)}
    return summary

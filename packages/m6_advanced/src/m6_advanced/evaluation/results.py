"""What an eval-rag run produces: one ``Row`` per (split, setup, question), and the ``EvalResult``
that the reports, the printed table and metrics.json read."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from m6_advanced.evaluation.gate import GateResult, gate_block
from m6_advanced.evaluation.golden import GoldenItem
from m6_advanced.evaluation.setups import RagSetup

if TYPE_CHECKING:
    from m6_advanced.evaluation.runner import EvalRagConfig

ABSTENTION = "abstention_accuracy"
"""Not a RAGAS metric: 1 when the chain answered an answerable question or said "I don't know" to
an unanswerable one, else 0. RAGAS scores what an answer says, not whether it should exist."""


@dataclass
class Row:
    """One setup's answer to one golden question, with its scores."""

    split: str
    config: str
    item: GoldenItem
    answer: str
    sources: list[str]
    contexts: list[str]
    scores: dict[str, float]
    seconds: float

    def to_json(self) -> dict[str, Any]:
        return {"split": self.split, "config": self.config, "id": self.item.id,
                "question": self.item.question, "reference": self.item.reference,
                "answer": self.answer, "sources": self.sources,
                "scores": {k: _plain(v) for k, v in self.scores.items()},
                "seconds": round(self.seconds, 3)}  # fmt: skip


@dataclass
class EvalResult:
    """Everything the reports and metrics.json show."""

    config: EvalRagConfig
    setups: list[RagSetup]
    rows: list[Row]
    summaries: dict[str, dict[str, dict[str, dict[str, float]]]]
    """split → setup name → metric → {mean, n, n_nan}."""
    chosen: str
    chosen_on: str
    """The split the choice read ("dev"), or a sentence saying no choice was made."""
    reader: str
    judge: str
    seconds: float
    gate: GateResult | None = None
    index_chunks: dict[str, int] = field(default_factory=dict)

    @property
    def report_split(self) -> str:
        """The split the headline figures come from: test when it was run."""
        return "test" if "test" in self.summaries else "dev"

    def means(self, split: str, setup: str) -> dict[str, float]:
        return {name: agg["mean"] for name, agg in self.summaries[split][setup].items()}

    def metrics(self) -> dict[str, Any]:
        split = self.report_split
        return {
            "golden": self.config.golden, "reader": self.reader, "judge": self.judge,
            "primary": self.config.primary, "chosen": self.chosen, "chosen_on": self.chosen_on,
            "setups": {s.name: s.to_dict() for s in self.setups},
            "questions": {s: len({r.item.id for r in self.rows if r.split == s})
                          for s in self.summaries},
            "summary": _plain(self.summaries), "index_chunks": self.index_chunks,
            "seconds": round(self.seconds, 2),
            "gate": gate_block(self.chosen, split, self.means(split, self.chosen),
                               golden=self.config.golden, limit=self.config.limit,
                               judge=self.judge),
            "gate_result": self.gate.to_json() if self.gate else None,
        }  # fmt: skip


def _plain(value: Any) -> Any:
    """NaN → None (JSON has no NaN), recursively; tuples become lists."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, float) and math.isnan(value):
        return None
    return value

"""The regression gate: fail (exit 1) when a RAG metric drops more than a tolerance.

    eval-rag --golden pydoc --config hybrid-k3 --baseline baseline.json --tolerance 0.05

A baseline is a previous run's ``metrics.json`` (its ``"gate"`` block: the setup, the split and
each metric's mean) or a small hand-written file of the same shape::

    {"config": "hybrid-k3", "split": "test",
     "metrics": {"faithfulness": 0.91, "context_recall": 0.62}}

Each metric *in the baseline* is compared with the same setup's mean on the same split now; a
drop of more than ``tolerance`` (absolute, metrics are in [0, 1]) is a regression. A rise never
fails. A metric the baseline names but the run lacks (or that is undefined now) is an error, not a
pass: a gate that silently checks nothing would guard nothing. Exit codes stay distinct: 1 = the
gate found a regression, 2 = the user's input is wrong (``friendly_errors``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from m6_advanced.errors import BaselineError

DEFAULT_TOLERANCE = 0.05


@dataclass(frozen=True)
class Baseline:
    """What the gate compares against: one setup's metric means on one split."""

    config: str | None
    split: str
    metrics: dict[str, float]


@dataclass
class GateResult:
    """Per metric: baseline, now, change and verdict; ``failed`` when any metric regressed."""

    config: str
    split: str
    tolerance: float
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def regressions(self) -> list[dict[str, Any]]:
        return [row for row in self.rows if row["regressed"]]

    @property
    def failed(self) -> bool:
        return bool(self.regressions)

    def to_json(self) -> dict[str, Any]:
        return {"config": self.config, "split": self.split, "tolerance": self.tolerance,
                "failed": self.failed, "rows": self.rows}  # fmt: skip


def read_baseline(path: Path) -> Baseline:
    """A baseline from an eval-rag ``metrics.json`` (its ``gate`` block) or a hand-written file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} not found") from None
    except json.JSONDecodeError as error:
        raise BaselineError(f"baseline {path}: not valid JSON ({error.msg})") from None
    block = data.get("gate", data) if isinstance(data, dict) else None
    metrics = block.get("metrics") if isinstance(block, dict) else None
    if not isinstance(metrics, dict) or not metrics:
        raise BaselineError(
            f'baseline {path}: expected {{"metrics": {{"faithfulness": 0.9, ...}}}} '
            "or an eval-rag metrics.json"
        )
    bad = [name for name, value in metrics.items() if not isinstance(value, int | float)]
    if bad:
        raise BaselineError(f"baseline {path}: metric(s) {', '.join(bad)} must be numbers")
    config = block.get("config")
    return Baseline(config if isinstance(config, str) else None, str(block.get("split", "test")),
                    {name: float(value) for name, value in metrics.items()})  # fmt: skip


def compare(
    current: dict[str, float], baseline: Baseline, config: str, tolerance: float = DEFAULT_TOLERANCE
) -> GateResult:
    """Check every baseline metric against ``current`` (the same setup and split, now)."""
    if tolerance < 0:
        raise BaselineError(f"tolerance must be >= 0, not {tolerance}")
    missing = [
        name
        for name in baseline.metrics
        if name not in current or current[name] is None or math.isnan(current[name])
    ]
    if missing:
        raise BaselineError(
            f"baseline metric(s) {', '.join(missing)} missing or undefined in this run of "
            f"{config!r} on {baseline.split} (have: {', '.join(sorted(current)) or 'none'})"
        )
    result = GateResult(config, baseline.split, tolerance)
    for name, before in baseline.metrics.items():
        now = current[name]
        change = now - before
        # a small epsilon: 0.70 → 0.65 with tolerance 0.05 is "within", whatever float rounding says
        result.rows.append({"metric": name, "baseline": round(before, 4), "now": round(now, 4),
                            "change": round(change, 4), "regressed": change < -tolerance - 1e-9})  # fmt: skip
    return result


def gate_block(config: str, split: str, means: dict[str, float]) -> dict[str, Any]:
    """The ``gate`` block of metrics.json: what a later run's ``--baseline`` reads."""
    defined = {
        name: round(v, 4) for name, v in means.items() if v is not None and not math.isnan(v)
    }
    return {"config": config, "split": split, "metrics": defined}

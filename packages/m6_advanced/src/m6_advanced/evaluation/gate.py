"""The regression gate: fail (exit 1) when a RAG metric drops more than a tolerance.

    eval-rag --golden pydoc --config hybrid-k3 --baseline baseline.json --tolerance 0.05

A baseline is a previous run's ``metrics.json`` (its ``"gate"`` block: the setup, the split, the
golden set, the ``--limit``, the judge and each metric's mean) or a small hand-written file of
the same shape, where only ``metrics`` is required::

    {"config": "hybrid-k3", "split": "test",
     "metrics": {"faithfulness": 0.91, "context_recall": 0.62}}

Each metric *in the baseline* is compared with the same setup's mean on the same split now (no
``split``: the run's headline split); a drop of more than ``tolerance`` (absolute, metrics are in
[0, 1]) is a regression. A rise never fails. A baseline whose split was not run, whose golden set
differs, or a metric the baseline names but the run lacks (or that is undefined now) is an error,
not a pass: a gate that silently checks nothing would guard nothing. Exit codes stay distinct:
1 = the gate found a regression, 2 = the user's input is wrong (``friendly_errors``).
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
    """What the gate compares against: one setup's metric means on one split (None: the run's
    headline split) of one golden set (None: not recorded, any)."""

    config: str | None
    split: str | None
    metrics: dict[str, float]
    golden: str | None = None
    limit: int | None = None
    judge: str | None = None


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
    except UnicodeDecodeError as error:
        raise BaselineError(f"baseline {path}: not UTF-8 text (byte {error.start})") from None
    except json.JSONDecodeError as error:
        raise BaselineError(f"baseline {path}: not valid JSON ({error.msg})") from None
    block = data.get("gate", data) if isinstance(data, dict) else None
    metrics = block.get("metrics") if isinstance(block, dict) else None
    if not isinstance(metrics, dict) or not metrics:
        raise BaselineError(
            f'baseline {path}: expected {{"metrics": {{"faithfulness": 0.9, ...}}}} '
            "or an eval-rag metrics.json"
        )
    # NaN, Infinity or true would make every comparison False: a gate that checks nothing
    bad = [name for name, value in metrics.items() if not _score(value)]
    if bad:
        raise BaselineError(
            f"baseline {path}: metric(s) {', '.join(bad)} must be finite numbers in [0, 1]"
        )
    split = block.get("split")
    if split not in (None, "dev", "test"):
        raise BaselineError(f"baseline {path}: split must be 'dev' or 'test', not {split!r}")
    config, golden, judge = (block.get(key) for key in ("config", "golden", "judge"))
    limit = block.get("limit")
    return Baseline(config if isinstance(config, str) else None, split,
                    {name: float(value) for name, value in metrics.items()},
                    golden if isinstance(golden, str) else None,
                    limit if isinstance(limit, int) and not isinstance(limit, bool) else None,
                    judge if isinstance(judge, str) else None)  # fmt: skip


def _score(value: Any) -> bool:
    """A metric mean: a finite int or float (not a bool) in [0, 1]."""
    number = isinstance(value, int | float) and not isinstance(value, bool)
    return number and math.isfinite(value) and 0 <= value <= 1


def check_run(baseline: Baseline, setups: list[str], splits: list[str], golden: str) -> None:
    """Refuse, before any work, a baseline this run cannot be compared with: its setup or its
    split not run, or another golden set (compared by name: ``pydoc`` = ``x/pydoc.jsonl``)."""
    if baseline.config and baseline.config not in setups:
        raise BaselineError(f"the baseline is for setup {baseline.config!r}: run it too "
                            f"(--config {baseline.config}, same definition)")  # fmt: skip
    if baseline.split and baseline.split not in splits:
        raise BaselineError(f"the baseline is for the {baseline.split} split, this run has "
                            f"only {' and '.join(splits)}: use --split {baseline.split} or "
                            "held-out")  # fmt: skip
    if baseline.golden and Path(baseline.golden).stem != Path(golden).stem:
        raise BaselineError(f"the baseline is for golden set {baseline.golden!r}, this run "
                            f"uses {golden!r}: scores of other questions are not comparable")  # fmt: skip


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


def gate_block(
    config: str, split: str, means: dict[str, float], **context: str | int | None
) -> dict[str, Any]:
    """The ``gate`` block of metrics.json: what a later run's ``--baseline`` reads. ``context``
    (golden, limit, judge) records what the numbers were measured on."""
    defined = {
        name: round(v, 4) for name, v in means.items() if v is not None and not math.isnan(v)
    }
    return {"config": config, "split": split, **context, "metrics": defined}

"""The Markdown table of the tool-use benchmark for the README, from bench_agents.py's JSON.

    uv run scripts/bench_agents_tables.py data/runs/bench_agents/metrics.json [more.json ...]

One row per model (and channel) of every file given; the figures are pasted, not retyped. Each
stored answer is scored again with the current scorer (``harness.is_correct``), so a fix to the
scorer reaches the table without re-running the models.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from m4_genai.golden import bootstrap_ci
from m5_agents_mlops.bench.harness import KINDS, is_correct, load_tasks, success_rates


def rescore(result: dict[str, Any]) -> dict[str, Any]:
    """``result`` with correctness, success rate, per-kind rates and the interval recomputed."""
    tasks = {task.id: task for task in load_tasks()}
    runs = [
        {**run, "correct": is_correct(tasks[run["id"]], run["answer"])} for run in result["runs"]
    ]
    rates = success_rates([(run["kind"], run["correct"]) for run in runs])
    flags = [float(run["correct"]) for run in runs]
    return {**result, "runs": runs, **rates, "success_ci95": bootstrap_ci(flags)}


def row(result: dict[str, Any], tasks: int) -> str:
    result = rescore(result)
    low, high = result["success_ci95"]
    kinds = " | ".join(f"{result['by_kind'].get(kind, float('nan')):.0%}" for kind in KINDS)
    channel = result.get("channel", "native")
    return (
        f"| {result['model']} | {channel} | {result['success_rate']:.0%} "
        f"({round(result['success_rate'] * tasks)}/{tasks}) | {low:.0%}–{high:.0%} | {kinds} | "
        f"{result['mean_steps']:.1f} | {result['mean_tokens']:,.0f} | {result['mean_seconds']:.1f} |"
    )


def table(paths: list[Path]) -> str:
    lines = [
        "| model | channel | success (test) | 95 % CI | calculator | SQL | documents | two tools "
        "| steps | tokens | seconds |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    seen = set()
    for path in paths:
        payload = json.loads(path.read_text())
        for result in payload["results"]:
            key = (result["model"], result.get("channel", "native"))
            if key not in seen:
                seen.add(key)
                lines.append(row(result, payload["tasks"]))
    return "\n".join(lines)


if __name__ == "__main__":
    print(table([Path(arg) for arg in sys.argv[1:]]))

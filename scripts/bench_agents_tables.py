"""The Markdown table of the tool-use benchmark for the README, from bench_agents.py's JSON.

    uv run scripts/bench_agents_tables.py data/runs/bench_agents/metrics.json [more.json ...]

One row per model (and channel) of every file given; the figures are pasted, not retyped.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

KINDS = ("calculator", "sql", "documents", "multi")


def row(result: dict[str, Any], tasks: int) -> str:
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

"""The README tables of the local chat models, written from bench_llm.py's JSON.

    uv run scripts/bench_llm_tables.py                   # data/runs/bench_llm/metrics.json
    uv run scripts/bench_llm_tables.py RESULTS.json

``scripts/bench_llm.py`` measures and writes the JSON (and prints these tables too); paste this
script's Markdown into ``packages/m4_genai/README.md`` as it is. The speed table names the load
average it was measured under: timings depend on it, quality figures do not.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from bench_rag_tables import table  # scripts/ is on sys.path when run as a script

from m4_genai.golden.llm_suite import KINDS
from roadmap_data import runs_dir


def speed_table(results: dict[str, Any]) -> list[str]:
    """Load time, prompt and decode speed, peak memory per model and runtime."""
    rows = []
    for r in results["speed"]:
        load = f"{r['load_s']:.1f}"
        if "first_load_s" in r:  # transformers converted the GGUF on its first load
            load += f" (first: {r['first_load_s']:.0f})"
        rows.append([r["model"], r["runtime"], r["threads"], load, r["prompt_tokens_per_s"],
                     r["decode_tokens_per_s"], f"{r['peak_rss_mb']:,.0f}"])  # fmt: skip
    sizes = sorted({r["prompt_tokens"] for r in results["speed"]})
    prompt = f"{sizes[0]}" if len(sizes) == 1 else f"{sizes[0]}–{sizes[-1]}"
    return [
        f"Speed ({results['cpus']} cores, load average {results['load_average']:.1f} at the start "
        f"and {results['load_average_end']:.1f} at the end; "
        f"a {prompt}-token prompt, then {results['speed'][0]['new_tokens']} tokens greedily, "
        f"median of {results['repetitions']}; load in seconds, memory = peak resident MB):",
        "",
        *table(
            ["model", "runtime", "threads", "load s", "prompt tok/s", "decode tok/s", "peak MB"],
            rows,
        ),
        "",
    ]


def right_of(results: list[dict[str, Any]], kind: str) -> str:
    """``right/items`` of one kind, ``–`` when the run had none of it."""
    marks = [r["right"] for r in results if r["kind"] == kind]
    return f"{sum(marks)}/{len(marks)}" if marks else "–"


def quality_table(results: dict[str, Any]) -> list[str]:
    """Items right per kind and overall (with its 95% interval) per model and runtime."""
    rows = []
    for q in results["quality"]:
        low, high = q["accuracy_interval_95"]
        per_kind = [right_of(q["results"], kind) for kind in KINDS]
        overall = f"{q['right']}/{q['items']} ({low:.2f}–{high:.2f})"
        rows.append([q["model"], q["runtime"], *per_kind, overall, q["seconds"] / q["items"]])
    items = results["quality"][0]["items"] if results["quality"] else 0
    return [
        f"Quality on the LLM suite's test part ({items} items, {items // len(KINDS)} per kind, "
        "scored exactly: `m4_genai.golden.llm_suite`; items right per kind, overall with a 95% "
        "Wilson interval, seconds per item):",
        "",
        *table(["model", "runtime", *KINDS, "right (95% CI)", "s/item"], rows),
        "",
    ]


def markdown(results: dict[str, Any]) -> str:
    """Both tables, and a line for each catalogue model that was not installed."""
    lines = []
    if results["speed"]:
        lines += speed_table(results)
    if results["quality"]:
        lines += quality_table(results)
    lines += [
        f"Not measured (not installed): {s['model']}: {s['install']}." for s in results["skipped"]
    ]
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("results", nargs="?", type=Path, help="bench_llm.py's metrics.json")
    args = parser.parse_args(argv)
    path = args.results or runs_dir("bench_llm") / "metrics.json"
    print(markdown(json.loads(path.read_text())), end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

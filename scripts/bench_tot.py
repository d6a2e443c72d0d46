"""Benchmark Tree of Thoughts on Game of 24 and word ladders: solved rate against what it cost.

    uv run scripts/bench_tot.py --quick              # code-only methods, full test splits, seconds
    uv run scripts/bench_tot.py --llm-limit 10       # + the local model: IO, CoT, ToT-BFS (slow)
    uv run scripts/bench_tot.py --model qwen2.5-coder-1.5b --llm-limit 5

Every figure is on the *test* split (Game of 24: 100 of the hardest puzzles; ladders: 40) with a
95 % bootstrap interval. Rows:

- programmatic BFS/DFS with the exact evaluator (an oracle: shows the search is sound) and with
  the heuristic one (a weak judge: shows what breadth and backtracking buy);
- the model, one attempt (IO: answer only; CoT: steps then answer) and inside ToT-BFS (LLM
  proposer + LLM evaluator), on the first ``--llm-limit`` test puzzles (a CPU budget, stated);
- on ladders: the model as proposer with the heuristic evaluator.

Writes ``data/runs/bench_tot/metrics.json`` (or ``--out``), every puzzle's outcome included.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from m4_genai.llm import load_chat_model
from m6_advanced.planning.game24_puzzles import load_puzzles
from m6_advanced.planning.tot_experiment import COLUMNS, STOP, Method, Outcome, evaluate_method
from m6_advanced.planning.tot_ladder import ladder_puzzles
from roadmap_data import runs_dir
from roadmap_data.console import console, print_table, save_json

PROGRAMMATIC = [
    Method("game24", "bfs", "exact", "exact", breadth=1),
    Method("game24", "bfs", "exact", "exact", breadth=5),
    Method("game24", "bfs", "exact", "heuristic", breadth=1),
    Method("game24", "bfs", "exact", "heuristic", breadth=5),
    Method("game24", "bfs", "exact", "heuristic", breadth=20),
    Method("game24", "dfs", "exact", "exact", max_nodes=30),
    Method("game24", "dfs", "exact", "heuristic", max_nodes=30),
    Method("game24", "dfs", "exact", "heuristic", max_nodes=100),
    Method("ladder", "bfs", "exact", "exact", breadth=5),
    Method("ladder", "bfs", "exact", "heuristic", breadth=1),
    Method("ladder", "bfs", "exact", "heuristic", breadth=5),
    Method("ladder", "dfs", "exact", "heuristic", max_nodes=30),
]
ONE_ATTEMPT = [Method("game24", "io"), Method("game24", "cot")]
TOT_WITH_MODEL = [Method("game24", "bfs", "llm", "llm", breadth=2)]
LADDER_WITH_MODEL = [Method("ladder", "bfs", "llm", "heuristic", breadth=1)]


def show(outcome: Outcome) -> None:
    """One line per puzzle: a model run is slow enough to want progress."""
    mark = "solved" if outcome.solved else "unsolved"
    console.print(f"  {outcome.puzzle:>14} {mark} {outcome.answer or ''} [dim]({outcome.expanded} "
                  f"nodes, {outcome.model_calls} calls, {outcome.seconds:.0f} s)[/dim]")  # fmt: skip


def run_methods(methods: list[Method], limit: int | None, model: Any = None) -> list[dict]:
    """Each method on the test split (first ``limit`` puzzles); prints one line per method."""
    rows = []
    for method in methods:
        puzzles = (load_puzzles("test", limit) if method.task == "game24"
                   else ladder_puzzles("test", limit))  # fmt: skip
        start = time.perf_counter()
        summary = evaluate_method(method, puzzles, model, on_outcome=show if model else None)
        console.print(f"{method.task:7} {summary.row()} ({time.perf_counter() - start:.0f} s)")
        rows.append({"task": method.task, **summary.to_dict()})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="code-only methods, no model")
    parser.add_argument("--llm-limit", type=int, default=10, help="test puzzles for IO and CoT")
    parser.add_argument(
        "--tot-limit", type=int, default=3, help="test puzzles for ToT with the model"
    )
    parser.add_argument(
        "--ladder-limit", type=int, default=2, help="ladders for the model proposer"
    )
    parser.add_argument("--model", default="qwen2.5-coder-0.5b", help="catalogue chat model")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--groups",
        default="one_attempt,tot,ladder",
        help="model groups to run (comma-separated): one_attempt, tot, ladder",
    )
    parser.add_argument("--out", type=Path, default=runs_dir("bench_tot"))
    args = parser.parse_args()
    started = time.perf_counter()
    rows = run_methods(PROGRAMMATIC, None)
    model_name = None
    if not args.quick:
        model = load_chat_model("local", model=args.model, threads=args.threads, seed=0,
                                reuse_prompt_cache=True, stop=STOP)  # fmt: skip
        model_name = args.model
        groups = {"one_attempt": (ONE_ATTEMPT, args.llm_limit), "tot": (TOT_WITH_MODEL,
                  args.tot_limit), "ladder": (LADDER_WITH_MODEL, args.ladder_limit)}  # fmt: skip
        for name in args.groups.split(","):
            methods, limit = groups[name.strip()]
            rows += [{**row, "model": args.model} for row in run_methods(methods, limit, model)]
            save_json(args.out / "partial.json", {"rows": rows})  # a crash keeps what was measured
    for task in ("game24", "ladder"):
        print_table(f"Tree of Thoughts, {task}, test split", ["model", *COLUMNS],
                    [[row.get("model", "-"), row["method"], row["n"],
                      f"{row['solved_rate']:.0%} [{row['interval'][0]:.0%}, {row['interval'][1]:.0%}]",
                      row["mean_expanded"], row["mean_model_calls"], row["seconds_per_puzzle"]]
                     for row in rows if row["task"] == task])  # fmt: skip
    payload = {"model": model_name, "threads": args.threads, "limits": [args.llm_limit,
               args.tot_limit, args.ladder_limit],
               "wall_seconds": round(time.perf_counter() - started, 1), "rows": rows}  # fmt: skip
    console.print(f"[dim]wrote {save_json(args.out / 'metrics.json', payload)}[/dim]")


if __name__ == "__main__":
    main()

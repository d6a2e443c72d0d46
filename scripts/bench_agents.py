"""Benchmark tool use: the agent loop on the project's tasks, per model.

    uv run scripts/bench_agents.py                         # test split, every installed local model
    uv run scripts/bench_agents.py --split dev --models qwen2.5-coder-1.5b      # while tuning
    uv run scripts/bench_agents.py --llm openai --base-url http://localhost:11434/v1 --models qwen2.5:7b
    uv run scripts/bench_agents.py --oracle-only          # seconds: proves the harness

The tasks (``m5_agents_mlops/bench/tasks.jsonl``) have exact answers: arithmetic that needs the
calculator, questions about the bundled SQLite database (Titanic, MovieLens), look-ups in the
Python reference, and tasks that need two tools in turn. Each has a split: prompts were tuned on
``dev`` only; ``test`` is what the README reports. The scripted oracle plays each task's tool plan
through the same loop and tools and must score 100 %: it proves the harness. Then each model
answers every task within the budget; an answer is right if it contains the exact number (within
the task's tolerance) or word. Prints one table and writes ``data/runs/bench_agents/metrics.json``.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from m4_genai.golden import bootstrap_ci
from m4_genai.llm import ChatModel, load_chat_model
from m5_agents_mlops.agent import Budget
from m5_agents_mlops.bench.harness import KINDS, OracleModel, load_tasks, run_tasks, summarise
from m5_agents_mlops.cli.common import resolve_channel
from m5_agents_mlops.tools import roadmap_tools
from roadmap_data import models, runs_dir
from roadmap_data.console import console, print_table, save_json


def evaluate(
    name: str, model: ChatModel, tasks: list, tools: list, budget: Budget, channel: str
) -> dict[str, Any]:
    """One model on every task: the summary, an interval on the success rate, each run."""
    bar = tqdm(total=len(tasks), desc=name, unit="task")
    runs = run_tasks(model, tools, tasks, budget, channel, on_task=lambda run: bar.update())
    bar.close()
    summary = summarise(runs)
    summary["success_ci95"] = bootstrap_ci([float(run.correct) for run in runs])
    return {"model": name, **summary, "runs": [run.to_dict() for run in runs]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test")
    parser.add_argument("--llm", default="local", help="backend of the models: local or openai")
    parser.add_argument("--models", nargs="*", default=None,
                        help="model names (default: every installed local chat model)")  # fmt: skip
    parser.add_argument("--base-url", default=None, help="openai: the server's URL")
    parser.add_argument("--api-key", default=None, help="openai: the key")
    parser.add_argument("--max-steps", type=int, default=8)
    parser.add_argument("--channel", choices=["auto", "native", "text"], default="auto",
                        help="how tool calls travel (auto: text for local models)")  # fmt: skip
    parser.add_argument("--max-seconds", type=float, default=300.0, help="per task")
    parser.add_argument("--kind", default=None, help="only tasks of this kind (sql, multi...)")
    parser.add_argument("--oracle-only", action="store_true")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)

    tasks = load_tasks(None if args.split == "all" else args.split)
    tasks = [task for task in tasks if args.kind in (None, task.kind)]
    tools = roadmap_tools(progress=True)
    budget = Budget(max_steps=args.max_steps, max_seconds=args.max_seconds)
    results = [evaluate("oracle", OracleModel(tasks), tasks, tools, budget, "native")]
    names = [] if args.oracle_only else args.models
    if names is None and args.llm != "local":
        parser.error("--llm openai needs --models: the server's model names")
    if names is None:
        names = [card.name for card in models.installed_chat_models()]
    out = args.out or runs_dir("bench_agents")
    payload = {"split": args.split, "tasks": len(tasks), "max_steps": args.max_steps,
               "channel": args.channel, "results": results}  # fmt: skip
    for name in names:
        options: dict[str, Any] = {"model": name, "max_tokens": 512, "seed": 0}
        if args.llm == "openai":
            options |= {"base_url": args.base_url, "api_key": args.api_key}
        start = time.perf_counter()
        model = load_chat_model(args.llm, **options)
        channel = resolve_channel(args.channel, args.llm)
        result = evaluate(name, model, tasks, tools, budget, channel)
        result["channel"] = channel
        result["wall_seconds"] = round(time.perf_counter() - start, 1)
        results.append(result)
        save_json(out / "metrics.json", payload)  # after each model: a long run keeps its part

    rows = [
        [r["model"], f"{r['success_rate']:.0%}",
         "{:.0%}–{:.0%}".format(*r["success_ci95"]),
         *(f"{r['by_kind'].get(kind, float('nan')):.0%}"
           for kind in KINDS),
         f"{r['mean_steps']:.1f}", f"{r['mean_tokens']:.0f}", f"{r['mean_seconds']:.1f}"]
        for r in results
    ]  # fmt: skip
    print_table(
        f"tool-use benchmark: {len(tasks)} {args.split} tasks, ≤ {args.max_steps} steps each",
        ["model", "success", "95% CI", "calc", "sql", "docs", "multi", "steps", "tokens", "s/task"],
        rows,
    )
    console.print(f"wrote {save_json(out / 'metrics.json', payload)}")
    return 0 if results[0]["success_rate"] == 1.0 else 1


if __name__ == "__main__":
    raise SystemExit(main())

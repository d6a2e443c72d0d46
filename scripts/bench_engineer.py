"""Benchmark the Autonomous Engineer on bug-fix tasks: the agent loop against the one-shot baseline.

    uv run scripts/bench_engineer.py --smoke                    # the oracle on 2 tasks: the harness
    uv run scripts/bench_engineer.py --models oracle            # the oracle on every task (100 %)
    uv run scripts/bench_engineer.py --models qwen2.5-coder-1.5b --split test
    uv run scripts/bench_engineer.py --models qwen2.5-coder-0.5b --methods one-shot --split all
    uv run scripts/bench_engineer.py --models my-model --llm openai --base-url http://host:8000/v1
    uv run scripts/bench_engineer.py --tasks path/to/my_tasks --models oracle    # an external set

Each task (``m6_advanced/engineer/tasks/``: a tiny repository, an issue, hidden tests, a
reference fix) is solved by each method with each model on a fresh working copy; then the
repository's own tests are restored, the hidden tests copied in, and the whole suite runs in the
sandbox: *resolved* means it passes. ``agent`` is the loop (search, read, edit, run tests,
submit; budgets below), ``one-shot`` the agentless baseline (the issue and the files in one
prompt, whole files back, no test run). ``oracle`` is a scripted model answering with the
reference fix through the same interfaces: it must resolve 100 % and measures no model.

Prints a summary table (resolved, mean steps, tokens, seconds per task) and one row per task,
and writes ``<out>/results.json``, each agent run's trajectory and each one-shot answer under
``<out>/trajectories/`` (default out: data/runs/bench_engineer). Greedy decoding; on a 2-core CPU a 1.5B model's agent run takes
minutes per task: use ``--split``, ``--ids`` and ``--max-steps`` to bound it.
"""

from __future__ import annotations

import argparse
import platform
import time
from pathlib import Path

from tqdm import tqdm

from m4_genai.llm import load_chat_model
from m4_genai.retrieval import default_embedder
from m5_agents_mlops.house.sandbox import Limits
from m6_advanced.engineer.benchmark import (
    METHODS,
    TaskResult,
    oracle_agent,
    oracle_one_shot,
    run_task,
    save_results,
    summarise,
)
from m6_advanced.engineer.loop import Budget
from m6_advanced.engineer.sandbox import Sandbox
from m6_advanced.engineer.taskset import Task, load_tasks
from m6_advanced.hashing_embedder import HashingEmbedder
from roadmap_data import runs_dir
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.errors import RoadmapError

ORACLE = "oracle"
SMOKE_IDS = 2


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=[ORACLE], help="oracle and/or model names")
    parser.add_argument("--llm", default="local", help="backend of the named models (local, openai...)")  # fmt: skip
    parser.add_argument("--base-url", help="openai: the server's URL")
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    parser.add_argument("--tasks", type=Path, help="a task folder in the bundled format")
    parser.add_argument("--split", choices=["dev", "test", "all"], default="test")
    parser.add_argument("--ids", nargs="+", default=[], help="only these task ids")
    parser.add_argument("--max-steps", type=int, default=20)
    parser.add_argument("--max-seconds", type=float, default=900.0, help="per agent run")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--search", action=argparse.BooleanOptionalAction, default=True,
                        help="offer search_code (MiniLM code index) to real models")  # fmt: skip
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=runs_dir("bench_engineer"))
    parser.add_argument("--smoke", action="store_true", help=f"the oracle on {SMOKE_IDS} tasks")
    args = parser.parse_args(argv)
    split = None if args.split == "all" else args.split
    tasks = load_tasks(args.tasks, split=split, ids=args.ids)
    if args.smoke:
        args.models, tasks = [ORACLE], tasks[:SMOKE_IDS]
    sandbox = Sandbox(Limits(timeout_s=60, cpu_seconds=60))
    budget = Budget(max_steps=args.max_steps, max_seconds=args.max_seconds)
    results: list[TaskResult] = []
    started = time.perf_counter()
    for name in args.models:
        model = None
        if name != ORACLE:
            # The loop re-sends a growing conversation: let llama.cpp keep its prefix cached.
            options = {"threads": args.threads, "reuse_prompt_cache": True} if args.llm == "local" else {}  # fmt: skip
            if args.base_url:
                options["base_url"] = args.base_url
            model = load_chat_model(args.llm, model=name, seed=args.seed, **options)
        embedder = HashingEmbedder() if name == ORACLE or not args.search else default_embedder()
        runs = [(task, method) for task in tasks for method in args.methods]
        for task, method in tqdm(runs, desc=name, unit="run"):
            solver = model
            if solver is None:
                solver = (
                    oracle_agent(task) if method == "agent" else oracle_one_shot(task, args.out)
                )
            trajectory = (
                args.out
                / "trajectories"
                / f"{name}-{task.id}-{method}.{'json' if method == 'agent' else 'md'}"
            )
            try:
                result = run_task(task, method, solver, sandbox, budget, trajectory, embedder)
            except RoadmapError as error:  # one broken run is a row, not the end of the benchmark
                result = failed_run(task, method, name, error)
            results.append(result)
            save_results(args.out / "results.json", results, meta(args, started))
    table = [[r["method"], r["model"], f"{r['resolved']}/{r['n']}", f"{100 * r['resolved_rate']:.0f} %",
              f"{r['mean_steps']:.1f}", f"{r['mean_tokens']:.0f}", f"{r['mean_seconds']:.1f}"]
             for r in summarise(results)]  # fmt: skip
    print_table(f"engineer benchmark ({args.split} split, {len(tasks)} tasks)",
                ["method", "model", "resolved", "rate", "steps", "tokens", "s/task"], table)  # fmt: skip
    print_table("per task", ["task", "kind", "method", "model", "resolved", "status", "hidden tests"],
                [[r.task, r.kind, r.method, r.model, "yes" if r.resolved else "no", r.status,
                  r.hidden_tests] for r in results])  # fmt: skip
    console.print(f"[dim]results and trajectories under {args.out}[/dim]")
    return 0


def failed_run(task: Task, method: str, model: str, error: Exception) -> TaskResult:
    """The row of a run that could not finish (a backend or sandbox error): not resolved."""
    return TaskResult(task.id, task.kind, task.split, method, model, False, f"error: {error}",
                      "not run", 0, 0, 0, 0.0, [])  # fmt: skip


def meta(args: argparse.Namespace, started: float) -> dict:
    return {"machine": platform.processor() or platform.machine(), "split": args.split,
            "max_steps": args.max_steps, "threads": args.threads, "search": args.search,
            "wall_seconds": round(time.perf_counter() - started, 1)}  # fmt: skip


if __name__ == "__main__":
    raise SystemExit(main())

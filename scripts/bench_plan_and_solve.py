"""Benchmark Plan-and-Solve against plain chain-of-thought on the project's word problems.

    uv run scripts/bench_plan_and_solve.py                       # both models, all strategies (slow)
    uv run scripts/bench_plan_and_solve.py --models qwen2.5-coder-0.5b
    uv run scripts/bench_plan_and_solve.py --models qwen2.5-coder-1.5b --strategies cot ps+ --limit 20
    uv run scripts/bench_plan_and_solve.py --time-budget 900   # stop starting problems after 15 min
    uv run scripts/bench_plan_and_solve.py --rescore data/runs/bench_plan_and_solve/*.jsonl
    uv run scripts/bench_plan_and_solve.py --smoke             # the harness on a scripted model

One table per model: each strategy (zero-shot, cot, ps, ps+; ``m6_advanced.planning.plan_and_solve``)
on the *test* split of ``word_problems.jsonl`` (40 problems; the 20 dev problems are for reading
outputs), greedy decoding, llama.cpp on one thread. Accuracy is the paper's two-stage extraction
compared exactly with the stated answer, with a 95 % bootstrap interval (the sets are small);
"parser" scores the last-answer parser on the reasoning alone; "wrong/none" splits the misses into
arithmetic/reasoning errors (a wrong number) and extraction failures (no number); "cut" counts
reasoning stopped by the token limit. On a CPU this is slow (a reasoning answer is ~250 tokens):
bound a run with ``--time-budget``; problems are asked one at a time with every strategy, so a
stopped run still compares the strategies on the same problems. Writes ``<out>/<model>.jsonl``
(every output) and ``<out>/metrics.json`` (``metrics-<model>.json`` for one model; default out:
data/runs/bench_plan_and_solve).
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from dataclasses import asdict
from pathlib import Path

from tqdm import tqdm

from m4_genai.llm import load_chat_model
from m6_advanced.planning.plan_and_solve import (
    STRATEGIES,
    TABLE_COLUMNS,
    Attempt,
    run_strategies,
    score,
    score_dicts,
    table_rows,
    worked_solution_model,
)
from m6_advanced.planning.plan_and_solve_problems import load_problems
from roadmap_data import runs_dir
from roadmap_data.console import console, print_table, save_json

MODELS = ("qwen2.5-coder-0.5b", "qwen2.5-coder-1.5b")
SMOKE_MODEL = "scripted"


def bench_model(name: str, args: argparse.Namespace, out: Path) -> dict:
    """Every chosen strategy on the split with model ``name``; outputs streamed to JSONL."""
    problems = load_problems(split=args.split)[: args.limit]
    if name == SMOKE_MODEL:  # the stored worked solutions: proves the harness, measures no model
        model = worked_solution_model(problems, args.strategies)
    else:
        model = load_chat_model(
            "local", model=name, threads=args.threads, max_tokens=args.max_tokens, seed=args.seed
        )
    log = (out / f"{name}.jsonl").open("w", encoding="utf-8")
    bar = tqdm(total=len(problems) * len(args.strategies), desc=name, unit="answer")

    def record(attempt: Attempt) -> None:
        log.write(json.dumps(asdict(attempt), ensure_ascii=False) + "\n")
        log.flush()
        bar.update()
        bar.set_postfix_str(f"{attempt.strategy} {attempt.problem_id} {attempt.outcome}")

    start = time.perf_counter()
    with log, bar:
        attempts = run_strategies(
            model,
            problems,
            args.strategies,
            args.max_tokens,
            args.seed,
            on_attempt=record,
            time_budget_s=args.time_budget,
        )
    scores = score(attempts, seed=args.seed)
    n = len({a.problem_id for a in attempts})
    print_table(f"{name}, {args.split} split (n={n})", TABLE_COLUMNS, table_rows(scores))
    return {
        "model": name, "split": args.split, "n": n, "strategies": list(args.strategies),
        "wall_seconds": round(time.perf_counter() - start, 1), "scores": score_dicts(scores),
    }  # fmt: skip


def rescore(path: Path, seed: int = 0) -> dict:
    """The table of a run's JSONL (a run stopped early: only problems every strategy finished)."""
    attempts = [Attempt(**json.loads(line)) for line in path.read_text().splitlines() if line]
    strategies = list(dict.fromkeys(a.strategy for a in attempts))
    done = {p for p in {a.problem_id for a in attempts}
            if sum(a.problem_id == p for a in attempts) == len(strategies)}  # fmt: skip
    attempts = [a for a in attempts if a.problem_id in done]
    scores = score(attempts, seed=seed)
    print_table(f"{path.stem} (n={len(done)}, rescored)", TABLE_COLUMNS, table_rows(scores))
    return {"model": path.stem, "n": len(done), "strategies": strategies,
            "problems": sorted(done), "scores": score_dicts(scores)}  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", nargs="+", default=list(MODELS))
    parser.add_argument("--strategies", nargs="+", choices=STRATEGIES, default=list(STRATEGIES))
    parser.add_argument("--split", choices=["dev", "test"], default="test")
    parser.add_argument("--limit", type=int, help="first N problems of the split (default: all)")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--max-tokens", type=int, default=256, help="reasoning tokens per reply")
    parser.add_argument(
        "--time-budget",
        type=float,
        help="seconds per model: start no new "
        "problem after it (every strategy still runs on each problem started)",
    )
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, default=runs_dir("bench_plan_and_solve"))
    parser.add_argument(
        "--rescore",
        nargs="+",
        type=Path,
        metavar="JSONL",
        help="no model: print the tables of earlier runs' <model>.jsonl files",
    )
    parser.add_argument(
        "--smoke", action="store_true", help="3 problems, scripted model: the harness, no model"
    )
    args = parser.parse_args(argv)
    if args.smoke:
        args.models, args.limit = [SMOKE_MODEL], args.limit or 3
    if args.rescore:
        results = [rescore(path, args.seed) for path in args.rescore]
        save_json(args.out / "metrics-rescored.json", {"results": results})
        return 0
    args.out.mkdir(parents=True, exist_ok=True)
    results = []
    for name in args.models:
        results.append(bench_model(name, args, args.out))
        path = args.out / ("metrics.json" if len(args.models) > 1 else f"metrics-{name}.json")
        save_json(path, {"machine": platform.processor() or platform.machine(),
                         "threads": args.threads, "max_tokens": args.max_tokens,
                         "results": results})  # fmt: skip
    console.print(f"[dim]outputs and metrics under {args.out}[/dim]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The nightly run's two lists, derived from the workspace, and a runner that survives failures.

    uv run --locked python .github/scripts/nightly.py smoke        # every console script --smoke
    uv run --locked python .github/scripts/nightly.py bench        # every benchmark, toy scale
    uv run --locked python .github/scripts/nightly.py bench --list # the commands, not run

Nothing is listed by hand twice: console scripts come from the members' ``[project.scripts]``
(``roadmap_data.workspace.console_scripts``, the same list ``tests/test_console_scripts.py``
uses) and benchmarks from ``scripts/bench_*.py``. A benchmark runs with ``--smoke`` if it has
that flag, else ``--quick``, else the toy-scale arguments in ``TOY_ARGS`` (each from the
script's own docstring). A new benchmark with none of the three fails the plan loudly rather
than being skipped; ``tests/test_workflows.py`` catches that before the night does.

Every command runs even after one fails; a table of outcomes goes to stdout and, on GitHub, to
the job summary; the exit code is 1 if anything failed (the workflow then opens an issue).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TOY_FLAGS = ("--smoke", "--quick")
"""Flags a benchmark may offer for a seconds-to-minutes run, in order of preference."""
TOY_ARGS: dict[str, list[str]] = {
    # The tool-use harness against its scripted oracle: proves the harness, no model runs.
    "bench_agents.py": ["--oracle-only"],
    # One epoch on 5k images: the whole training and evaluation path, not the accuracy target.
    "bench_mnist.py": ["--epochs", "1", "--train-size", "5000"],
    # A 5k-chunk index instead of 50k.
    "bench_retrieval_scale.py": ["--chunks", "5000"],
    # Three answerable questions, no refusals: the chain and the judge end to end.
    "bench_rag_answers.py": ["--questions", "3", "--unanswerable", "0"],
    # Its default is already cheap (scripted judge + embedding fallback, about a minute): only
    # the real judge (--llm) is slow.
    "bench_ragas_agreement.py": [],
}
"""Toy-scale arguments of the benchmarks that have neither ``--smoke`` nor ``--quick``."""
TABLES_SUFFIX = "_tables.py"
"""``bench_*_tables.py`` only format another benchmark's full-scale JSON: nothing to measure."""
TIMEOUT_S = 30 * 60


def benchmarks(root: Path = ROOT) -> list[Path]:
    """Every ``scripts/bench_*.py`` that measures something."""
    found = sorted((root / "scripts").glob("bench_*.py"))
    return [path for path in found if not path.name.endswith(TABLES_SUFFIX)]


def toy_args(script: Path) -> list[str]:
    """The arguments that run ``script`` at toy scale (``ValueError`` if it has none)."""
    source = script.read_text(encoding="utf-8")
    for flag in TOY_FLAGS:
        if f'"{flag}"' in source:  # an argparse option is declared as a string literal
            return [flag]
    if script.name in TOY_ARGS:
        return TOY_ARGS[script.name]
    raise ValueError(
        f"{script.name} has no --smoke or --quick flag and no entry in TOY_ARGS "
        f"({Path(__file__).name}): give it one so the nightly run can afford it"
    )


def bench_commands(root: Path = ROOT) -> list[tuple[str, list[str]]]:
    """``(label, argv)`` of every benchmark at toy scale, run with the current interpreter."""
    return [(path.name, [sys.executable, str(path), *toy_args(path)]) for path in benchmarks(root)]


def smoke_commands() -> list[tuple[str, list[str]]]:
    """``(label, argv)`` of every console script's ``--smoke``, from the members' entry points."""
    from roadmap_data.workspace import console_scripts  # needs the synced workspace

    bin_dir = Path(sys.executable).parent
    return [(name, [str(bin_dir / name), "--smoke"]) for name in sorted(console_scripts(ROOT))]


def run_all(commands: list[tuple[str, list[str]]]) -> list[tuple[str, int, float]]:
    """Run each command in turn (output streamed, grouped on GitHub); never stop at a failure."""
    results = []
    for label, argv in commands:
        print(f"::group::{label}: {' '.join(argv[1:]) or argv[0]}", flush=True)
        start = time.perf_counter()
        try:
            code = subprocess.run(argv, cwd=ROOT, timeout=TIMEOUT_S, check=False).returncode
        except subprocess.TimeoutExpired:
            print(f"{label}: timed out after {TIMEOUT_S} s", flush=True)
            code = 124
        results.append((label, code, time.perf_counter() - start))
        print("::endgroup::", flush=True)
    return results


def report(kind: str, results: list[tuple[str, int, float]]) -> str:
    """A Markdown table of outcomes (also the job summary on GitHub)."""
    lines = [f"### nightly {kind}", "", "| command | result | seconds |", "|---|---|---:|"]
    for label, code, seconds in results:
        outcome = "ok" if code == 0 else f"**failed** (exit {code})"
        lines.append(f"| `{label}` | {outcome} | {seconds:.1f} |")
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("kind", choices=["smoke", "bench"])
    parser.add_argument("--list", action="store_true", help="print the commands, run nothing")
    args = parser.parse_args(argv)
    commands = smoke_commands() if args.kind == "smoke" else bench_commands()
    if args.list:
        for label, command in commands:
            print(label, *command[1:])
        return 0
    results = run_all(commands)
    table = report(args.kind, results)
    print(table)
    if summary := os.environ.get("GITHUB_STEP_SUMMARY"):
        with open(summary, "a", encoding="utf-8") as handle:
            handle.write(table)
    return 1 if any(code != 0 for _, code, _ in results) else 0


if __name__ == "__main__":
    sys.exit(main())

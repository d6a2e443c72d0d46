"""``software-house``: a Manager, a Coder and a Reviewer write a small module and its tests.

    uv run software-house --smoke        # a scripted team writes slugify(); its tests really run
    uv run software-house "write is_palindrome(s) with tests"                 # the local model
    uv run software-house "write is_palindrome(s) with tests" --model qwen2.5-coder-1.5b
    uv run software-house "parse ISO dates" --llm openai --base-url http://localhost:11434/v1 \\
        --model qwen2.5-coder:7b --max-rounds 5

How it works. The Manager turns the task into a plan (files, functions, acceptance tests). Then,
each round, the Coder writes complete files (code and pytest tests), the house runs those tests
in a sandbox (a fresh folder, a timeout that kills the whole process group, CPU/memory/file/
process limits, no network), and the Reviewer reads the diff and the test output and answers
APPROVE or REQUEST_CHANGES with comments for the next round. Every reply is structured output
(JSON checked against a schema); an invalid one is sent back with the error. The run ends when
the Reviewer approves code whose tests pass, or when a budget runs out:
  --max-rounds N   Coder → tests → Reviewer cycles;
  --max-steps N    model calls in all (Manager, Coder, Reviewer, retries included): the same
                   meaning as in agent-chat, where one step is one model call;
  --max-seconds S  wall-clock time.

With a small local model the code may well be weak: the run still completes and keeps the
evidence. Writes under --out: transcript.json (every message with its role, round and cost, every
test result), files/ (the final files), diffs/round-<n>.diff, metrics.json.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from m4_genai.llm import Kind, load_chat_model
from m4_genai.llm.factory import resolve_kind
from m5_agents_mlops.house import HouseResult, Limits, SoftwareHouse, Team
from m5_agents_mlops.house.demo import SMOKE_TASK, smoke_team
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import (
    RunConfig,
    RunParser,
    llm_server_options,
    require,
    require_at_least,
    save_metrics,
)


@dataclass(frozen=True, kw_only=True)
class HouseConfig(RunConfig):
    """One software-house run: the task, the model, the budgets and the sandbox limits."""

    PRESETS: ClassVar = {
        "tiny": {"llm": "scripted"},
        "cpu": {},
        "full": {"max_rounds": 5, "max_steps": 30},
    }

    task: str = ""
    """What to build, in plain words."""
    llm: Kind | None = None
    """Chat model for all three roles: local (offline), openai (any compatible server), scripted (the demo team that writes slugify, whatever the task); default $AI_ROADMAP_LLM, else local."""
    max_rounds: int = 3
    """Coder → tests → Reviewer cycles before giving up."""
    max_steps: int = 20
    """Model calls in all (every role, retries included)."""
    retries: int = 1
    """Extra attempts after a reply that is not valid JSON of the role's schema."""
    max_tokens: int = 1024
    """Tokens per model reply (the Coder's files must fit)."""
    max_seconds: float = 1800.0
    """Wall-clock budget of the whole run."""
    timeout: float = 30.0
    """Seconds one sandboxed test run may take before it is killed."""
    memory_mb: int = 1024
    """Address space of each sandboxed process, in MiB."""
    max_processes: int = 32
    """Processes a sandboxed test run may start."""

    def validate(self) -> None:
        require(
            bool(self.task.strip()), 'give a task, e.g. software-house "write is_palindrome(s)"'
        )
        require_at_least(1, max_rounds=self.max_rounds, max_steps=self.max_steps,
                         max_tokens=self.max_tokens, max_processes=self.max_processes)  # fmt: skip
        require_at_least(0, retries=self.retries)
        require_at_least(64, memory_mb=self.memory_mb)
        require(self.timeout > 0 and self.max_seconds > 0, "timeout and max_seconds must be > 0")


def load_team(config: HouseConfig, server_options: dict[str, Any]) -> Team:
    """One model for every role; ``scripted`` is the demo team (``house.demo``)."""
    if resolve_kind(config.llm) == "scripted":
        return smoke_team()
    model = load_chat_model(
        config.llm, max_tokens=config.max_tokens, seed=config.seed, **server_options
    )
    return Team.of(model)


def run(
    config: HouseConfig, team: Team | None = None, server_options: dict[str, Any] | None = None
) -> HouseResult:
    """Run the house on ``config.task``; transcript, files and diffs go under ``config.out``."""
    team = team or load_team(config, server_options or {})
    limits = Limits(
        timeout_s=config.timeout, cpu_seconds=max(1, round(config.timeout)),
        memory_mb=config.memory_mb, max_processes=config.max_processes,
    )  # fmt: skip
    house = SoftwareHouse(
        team, max_rounds=config.max_rounds, max_steps=config.max_steps, retries=config.retries,
        max_seconds=config.max_seconds, limits=limits, out=config.out,
    )  # fmt: skip
    return house.run(config.task)


def print_report(result: HouseResult) -> None:
    """One row per round, then the outcome and where the evidence is."""
    rows = [
        (r["round"], ", ".join(r["changed"]) or "-",
         r["tests"]["summary"] if r["tests"] else "no valid code",
         r["verdict"] or "-", "yes" if r["accepted"] else "no")
        for r in result.rounds
    ]  # fmt: skip
    print_table(f"software house: {result.task}", ["round", "files changed", "tests",
                                                    "review", "accepted"], rows)  # fmt: skip
    metrics = result.metrics()
    console.print(
        f"stopped by {result.stopped_by}; approved: {'yes' if result.approved else 'no'}; "
        f"tests: {metrics['test_summary']} (isolation: {metrics['isolation'] or '-'}); "
        f"files: {', '.join(metrics['files']) or 'none'}\n"
        f"{result.model_calls} model calls, "
        f"{result.prompt_tokens + result.completion_tokens} tokens, {result.seconds:.1f} s",
        markup=False,
    )
    if result.out is not None:
        console.print(f"transcript → {result.out / 'transcript.json'}", markup=False)


def build_parser() -> RunParser:
    parser = RunParser("software-house", __doc__, HouseConfig)
    parser.add_argument("task", nargs="?", help="what to build, in quotes")
    for name in ("llm", "max_rounds", "max_steps", "retries", "max_tokens", "max_seconds",
                 "timeout", "memory_mb", "max_processes"):  # fmt: skip
        parser.add_field(name)
    parser.add_llm_server_flags()
    return parser


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    task = args.task or (SMOKE_TASK if args.smoke else None)
    config = parser.config(args, task=task)
    result = run(config, server_options=llm_server_options(args))
    print_report(result)
    path = save_metrics(result, config, config.out)
    console.print(f"metrics → {path}", markup=False)
    return 0

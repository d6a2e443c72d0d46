"""``engineer``: give it an issue and a repository; it returns a tested patch and a pull request.

    uv run engineer --smoke                                   # scripted oracle, a bundled task, seconds
    uv run engineer --issue bug.md --repo path/to/repo        # the local model (llama.cpp, offline)
    uv run engineer --task t05-slug-dashes --model qwen2.5-coder-1.5b
    uv run engineer --issue https://github.com/OWNER/REPO/issues/7 --repo . --push   # GITHUB_TOKEN
    uv run engineer --issue bug.md --repo . --llm openai --base-url http://localhost:11434/v1
    uv run engineer replay data/runs/engineer/trajectory.json  # rerun a run's replies, compare

The loop (``m6_advanced.engineer.loop``) lets the model search, read, edit and run the tests of a
temporary copy of the repository, every action a fresh process in the sandbox, until it submits
or a budget (steps, tokens, seconds, dollars) runs out. Then the harness runs the tests once
more, commits on a branch ``engineer/<issue>``, and writes into ``--out``: ``trajectory.json``
(after every step), ``patch.diff``, ``pr.md`` and ``metrics.json``. The branch is fetched into
the repository (only a new ref: your checkout is not touched), or kept in ``<out>/repo`` when the
repository is a plain folder. ``--push`` with ``GITHUB_TOKEN`` pushes the files and opens the
pull request through GitHub's REST API (``GITHUB_API_URL`` points it at another server).

``--task`` takes a bundled benchmark task (its issue and repository; see
``m6_advanced/engineer/tasks/README.md``). ``--smoke`` runs the first task with a scripted
*oracle*, which replies with the task's reference fix: it tests the machinery, not a model.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from m4_genai.llm import ChatModel, Kind, load_chat_model
from m4_genai.llm.factory import resolve_kind
from m4_genai.retrieval import default_embedder, resolve_repo
from m5_agents_mlops.house.sandbox import Limits
from m6_advanced.engineer.benchmark import oracle_agent
from m6_advanced.engineer.fix import FixReport, fix_issue, github_target, replay
from m6_advanced.engineer.issue_source import Issue, issue_from_markdown, read_issue
from m6_advanced.engineer.loop import Budget
from m6_advanced.engineer.taskset import load_tasks
from m6_advanced.errors import AdvancedError
from m6_advanced.hashing_embedder import HashingEmbedder
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunConfig, RunParser, llm_server_options, require, save_metrics

SMOKE_TASK = "t01-invoice-installments"


@dataclass(frozen=True, kw_only=True)
class EngineerConfig(RunConfig):
    """One issue, one repository, one budget."""

    PRESETS: ClassVar = {"tiny": {"llm": "scripted", "task": SMOKE_TASK}, "cpu": {}}

    issue: str | None = None
    """The issue: a .md or .json file, or a GitHub issue URL (read with $GITHUB_TOKEN)."""
    repo: str | None = None
    """The repository: a local folder or a git URL (cloned into data/clones)."""
    task: str | None = None
    """A bundled benchmark task's id instead of --issue/--repo (scripted llm: its oracle)."""
    llm: Kind | None = None
    """Chat model: local (llama.cpp, offline), transformers, openai (any compatible server), scripted (a task's oracle); default $AI_ROADMAP_LLM, else local."""
    max_steps: int = 30
    """Most model turns (each is one action)."""
    max_tokens: int = 200_000
    """Most prompt + completion tokens over the run."""
    max_seconds: float = 1800.0
    """Wall-clock budget of the loop."""
    max_cost: float | None = None
    """Dollar budget (counts only with --price-in/--price-out)."""
    price_in: float = 0.0
    """Dollars per million prompt tokens, for the cost budget of a paid API."""
    price_out: float = 0.0
    """Dollars per million completion tokens."""
    reply_tokens: int = 768
    """Most tokens of one reply."""
    search: bool = True
    """Offer search_code (month 4's code index, MiniLM: ~13 s to load) besides grep."""
    timeout: float = 60.0
    """Seconds one sandboxed command may run before its process group is killed."""
    push: bool = False
    """With $GITHUB_TOKEN and a GitHub remote (or issue URL): push and open the pull request."""
    base: str = "main"
    """The branch the pull request targets."""

    def validate(self) -> None:
        require(self.task is not None or (self.issue is not None and self.repo is not None),
                "give --issue FILE and --repo PATH (or --task ID)")  # fmt: skip
        require(
            self.task is None or (self.issue is None and self.repo is None),
            "--task brings its own issue and repository: drop --issue and --repo",
        )
        require(self.llm != "scripted" or self.task is not None,
                "the scripted model is a task's oracle: add --task ID")  # fmt: skip
        require(self.max_steps >= 1, f"max_steps must be at least 1, not {self.max_steps}")
        require(self.reply_tokens >= 32, f"reply_tokens must be at least 32, not {self.reply_tokens}")  # fmt: skip
        require(self.timeout > 0, f"timeout must be positive, not {self.timeout}")


def inputs(config: EngineerConfig) -> tuple[Issue, Path, ChatModel | None]:
    """The issue, the repository folder, and the oracle when the model is scripted."""
    if config.task is not None:
        tasks = load_tasks(ids=[config.task])
        task = tasks[0]
        oracle = oracle_agent(task) if config.llm == "scripted" else None
        return issue_from_markdown(task.issue), task.repo_dir, oracle
    assert config.issue is not None and config.repo is not None
    return read_issue(config.issue), resolve_repo(config.repo), None


def run(config: EngineerConfig, model: ChatModel | None = None) -> FixReport:
    """Fix the issue; ``model`` defaults to the oracle (scripted) or ``load_chat_model``."""
    assert config.out is not None
    issue, repo, oracle = inputs(config)
    model = model or oracle
    if model is None:
        model = load_chat_model(config.llm, max_tokens=config.reply_tokens, seed=config.seed)
    embedder = None
    if config.search:
        embedder = HashingEmbedder() if config.llm == "scripted" else default_embedder()
    target = None
    if config.push:
        token = os.environ.get("GITHUB_TOKEN")
        if not token:
            raise AdvancedError("--push needs $GITHUB_TOKEN (a token allowed to push and open PRs)")
        api = os.environ.get("GITHUB_API_URL", "https://api.github.com")
        target = github_target(repo, issue, token, api, config.base)
        if target is None:
            raise AdvancedError("--push: neither the issue URL nor the origin remote names a GitHub repository")  # fmt: skip
    budget = Budget(config.max_steps, config.max_tokens, config.max_seconds, config.max_cost,
                    config.price_in, config.price_out)  # fmt: skip
    limits = Limits(timeout_s=config.timeout, cpu_seconds=max(1, math.ceil(config.timeout)))
    return fix_issue(issue, repo, model, config.out, budget, limits, embedder, target)


def show(report: FixReport) -> None:
    usage = report.usage
    rows = [["status", report.status], ["steps", usage["steps"]],
            ["tokens", usage["prompt_tokens"] + usage["completion_tokens"]],
            ["seconds", round(usage["seconds"], 1)], ["tests after", report.final_tests or "-"],
            ["branch", f"{report.branch} in {report.branch_in}" if report.branch else "-"],
            ["patch", report.patch or "-"], ["PR", report.pr_url or report.pr or "-"],
            ["trajectory", report.trajectory]]  # fmt: skip
    print_table(f"engineer: {usage['model']}", ["", "value"], rows)
    for note in report.notes:
        console.print(f"[yellow]note: {note}[/yellow]")
    if not report.branch:
        console.print(
            "[yellow]no change was made: nothing to commit (read the trajectory)[/yellow]"
        )


def replay_main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="engineer replay", description=replay.__doc__)
    parser.add_argument("trajectory", type=Path)
    parser.add_argument("--repo", type=Path, help="the repository, if it moved since the run")
    args = parser.parse_args(argv)
    report = replay(args.trajectory, args.repo)
    print_table("engineer replay", ["step", "recorded", "replayed"],
                [[d["step"], str(d["recorded"])[:60], str(d["replayed"])[:60]]
                 for d in report.differences] or [["all", "same", "same"]])  # fmt: skip
    verdict = "reproduced" if report.reproduced else "DIFFERENT"
    console.print(f"{report.matched}/{report.steps} steps matched; {verdict} "
                  f"(status {report.status}, recorded {report.recorded_status})")  # fmt: skip
    return 0 if report.reproduced else 1


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["replay"]:
        return replay_main(argv[1:])
    parser = RunParser("engineer", __doc__, EngineerConfig, flags=[
        "issue", "repo", "task", "llm", "max_steps", "max_tokens", "max_seconds", "max_cost",
        "price_in", "price_out", "reply_tokens", "search", "timeout", "push", "base"])  # fmt: skip
    parser.add_llm_server_flags()
    args = parser.parse_args(argv)
    config = parser.config(args)
    model = None
    if config.llm != "scripted":
        options = llm_server_options(args)
        if resolve_kind(config.llm) == "local":  # the loop re-sends a growing conversation:
            options["reuse_prompt_cache"] = True  # llama.cpp re-reads only what is new
        model = load_chat_model(config.llm, max_tokens=config.reply_tokens, seed=config.seed,
                                **options)  # fmt: skip
    report = run(config, model)
    show(report)
    save_metrics(report, config, config.out)
    return 0

"""``patterns``: three ways to organise a team of agents, each on month 5's agent loop.

    uv run patterns --smoke                          # all three, scripted models, seconds
    uv run patterns hierarchical "3 notebooks at 2.45 and 2 pens at 1.10: costs and total?"
    uv run patterns sequential "Explain Python generators" --source notes.txt --max-revisions 1
    uv run patterns reflexion roman_to_int --max-trials 3     # a checkable problem, by id
    uv run patterns reflexion "What is 17 * 23 - 4?" --expect 387    # or a number to match
    uv run patterns reflexion --suite test --model qwen2.5-coder-0.5b  # the README's table
    uv run patterns sequential --framework autogen --smoke   # the same pipeline in AutoGen

The patterns (``m6_advanced.patterns``):
  hierarchical  a manager splits the task into subtasks (a JSON plan), one worker with a
                calculator solves each, the manager merges their results;
  sequential    researcher → writer → reviewer; the reviewer approves or sends the draft back
                (at most --max-revisions times);
  reflexion     attempt → exact external check (hidden asserts run in a sandbox, or --expect)
                → the model's own critique kept in memory → retry, until the check passes,
                --max-trials, or the budget is spent.
Every role's turn is one run of the agent loop; one budget (--max-steps model calls,
--token-budget, --time-budget) covers the whole team. Writes transcript.json (who said what, to
whom, at what cost) and metrics.json under --out; with no NAME under --smoke, one folder each.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

from rich.markup import escape

from m4_genai.llm import ChatModel, Kind, load_chat_model
from m4_genai.llm.factory import resolve_kind
from m5_agents_mlops.cli.common import REPLY_TOKENS, ChannelChoice, resolve_channel
from m6_advanced.errors import AdvancedError
from m6_advanced.patterns import demo
from m6_advanced.patterns.hierarchical import hierarchical
from m6_advanced.patterns.problems import check_code, get_problem, problems
from m6_advanced.patterns.reflexion import ARITHMETIC, CODE, Checker, Roles, exact_value, reflexion
from m6_advanced.patterns.sequential import sequential
from m6_advanced.patterns.suite import run_suite
from m6_advanced.patterns.team import Team, TeamBudget, Transcript
from roadmap_data.console import console, friendly_errors, print_table, save_json
from roadmap_data.runkit import (
    RunConfig,
    RunParser,
    llm_server_options,
    require,
    require_at_least,
    save_metrics,
)

PATTERNS = ("hierarchical", "sequential", "reflexion")
DEFAULT_TASKS = {"hierarchical": demo.HIERARCHICAL_TASK, "sequential": demo.SEQUENTIAL_TASK,
                 "reflexion": demo.REFLEXION_PROBLEM}  # fmt: skip


@dataclass(frozen=True, kw_only=True)
class PatternsConfig(RunConfig):
    """One run of an orchestration pattern (or all three under --smoke)."""

    PRESETS: ClassVar = {
        "tiny": {"llm": "scripted"},
        "cpu": {},
        "full": {"max_steps": 40, "max_trials": 5, "max_revisions": 2},
    }

    pattern: Literal["hierarchical", "sequential", "reflexion", "all"] = "all"
    """Which pattern runs (all: each in turn, in its own folder under --out)."""
    task: str = ""
    """The task (empty: the pattern's demo task). Reflexion: a problem id or an --expect question."""
    llm: Kind | None = None
    """Chat model for every role: local (llama.cpp, offline), openai (any compatible server), scripted (the demo scripts, whatever the task); default $AI_ROADMAP_LLM, else local."""
    max_steps: int = 20
    """Model calls for the whole team (every role together)."""
    token_budget: int = 40_000
    """Prompt + completion tokens for the whole team."""
    time_budget: float = 900.0
    """Seconds for the whole team."""
    max_revisions: int = 1
    """Sequential: times the reviewer may send a draft back."""
    max_trials: int = 3
    """Reflexion: attempts before giving up."""
    memory_size: int = 3
    """Reflexion: latest reflections shown to the next attempt."""
    expect: float | None = None
    """Reflexion on a free-text question: the exact number the answer must end with."""
    source: Path | None = None
    """Sequential: a text file the researcher must take its facts from."""
    suite: Literal["none", "dev", "test", "all"] = "none"
    """Reflexion: run every problem of this part of the problem set and report solved-at-trial-1 against solved-by-the-last-trial."""
    framework: Literal["ours", "autogen"] = "ours"
    """Sequential: our loop, or AutoGen AgentChat against month 5's OpenAI-compatible server on 127.0.0.1."""
    channel: ChannelChoice = "auto"
    """How workers' tool calls travel: native, text, auto (text for local models)."""

    def validate(self) -> None:
        require_at_least(1, max_steps=self.max_steps, token_budget=self.token_budget,
                         max_trials=self.max_trials, memory_size=self.memory_size)  # fmt: skip
        require_at_least(0, max_revisions=self.max_revisions)
        require(self.time_budget > 0, f"time_budget must be positive, not {self.time_budget}")
        require(self.source is None or self.source.is_file(), f"no such file: {self.source}")
        require(self.framework == "ours" or self.pattern == "sequential",
                "--framework autogen is the sequential pipeline: use `patterns sequential`")  # fmt: skip
        require(self.expect is None or (self.task and self.llm != "scripted"),
                '--expect needs a question and a real model: patterns reflexion "What is 6 * 7?" '
                "--expect 42 (the scripted demo knows only its own problem)")  # fmt: skip
        if self.pattern == "reflexion" and self.expect is None and self.task:
            get_problem(self.task)  # fail before a model loads: only problems have a checker


@dataclass
class PatternsRun:
    """Each pattern's result (``PatternResult``, ``SuiteReport`` or ``AutoGenRun``) by name."""

    results: dict[str, Any] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        if len(self.results) == 1:
            return next(iter(self.results.values())).metrics()
        return {"runs": {name: result.metrics() for name, result in self.results.items()}}


def show(message: dict[str, Any]) -> None:
    """One line per transcript message: who → whom, what kind, the start of the content."""
    text = " ".join(str(message["content"]).split())[:110]
    console.print(f"[dim]{message['n']:>2}[/dim] [bold]{escape(message['from'])}[/bold] → "
                  f"{escape(message['to'])} [dim]{message['kind']}[/dim] {escape(text)}")  # fmt: skip


def reflexion_task(config: PatternsConfig, task: str) -> tuple[str, Checker, Roles]:
    """The task text, its exact checker and roles: a problem of the set, or a question + --expect."""
    if config.expect is not None:
        return task, exact_value(config.expect), ARITHMETIC
    problem = get_problem(task)  # an unknown id: the error lists the known ones
    return problem.prompt, lambda reply: check_code(problem, reply), CODE


def run_one(config: PatternsConfig, name: str, model: ChatModel, out: Path | None) -> Any:
    """One pattern on its task, with its own team (budget, transcript)."""
    task = config.task or DEFAULT_TASKS[name]
    if name == "sequential" and config.framework == "autogen":
        return run_autogen(config, model, task, out)
    if name == "reflexion":
        task, checker, roles = reflexion_task(config, task)
    transcript = Transcript(name, task, out, on_post=show)
    budget = TeamBudget(config.max_steps, config.token_budget, config.time_budget)
    team = Team(model, budget, transcript, channel=resolve_channel(config.channel, config.llm))
    if name == "hierarchical":
        return hierarchical(team, task)
    if name == "sequential":
        return sequential(team, task, source_text(config, task), config.max_revisions)
    return reflexion(team, task, checker, config.max_trials, config.memory_size, roles)


def source_text(config: PatternsConfig, task: str) -> str | None:
    """--source's text; the demo's paragraph for the demo task; else none."""
    if config.source is not None:
        return config.source.read_text(encoding="utf-8", errors="replace")
    return demo.SEQUENTIAL_SOURCE if task == demo.SEQUENTIAL_TASK else None


def run_autogen(config: PatternsConfig, model: ChatModel, task: str, out: Path | None) -> Any:
    """The sequential pipeline in AutoGen, against ``model`` served on 127.0.0.1."""
    from m6_advanced.patterns.autogen_team import autogen_pipeline, serve_model

    source = source_text(config, task)
    prompt = f"{task}\n\nSource text:\n{source}" if source else task
    name = getattr(model, "name", "model")
    with serve_model(model, name) as base_url:
        result = autogen_pipeline(base_url, name, prompt, max_revisions=config.max_revisions)
    for number, message in enumerate(result.messages, 1):
        show({"n": number, "from": message["source"], "to": "all", "kind": "message",
              "content": message["content"]})  # fmt: skip
    if out is not None:
        save_json(out / "transcript.json", result.metrics())
    return result


def model_for(config: PatternsConfig, name: str, loaded: ChatModel | None) -> ChatModel:
    """The scripted demo model of ``name`` under ``--llm scripted``, else the loaded one."""
    if resolve_kind(config.llm) != "scripted":
        assert loaded is not None
        return loaded
    if name == "sequential" and config.framework == "autogen":
        return demo.autogen_model()
    return demo.SMOKE_MODELS[name]()


def run(
    config: PatternsConfig,
    model: ChatModel | None = None,
    server_options: dict[str, Any] | None = None,
) -> PatternsRun:
    """Run the configured pattern(s); ``model`` (default: from ``--llm``) plays every role."""
    assert config.out is not None
    scripted = model is None and resolve_kind(config.llm) == "scripted"
    if scripted and config.task:
        raise AdvancedError("--llm scripted plays the demo tasks only: leave out the task")
    if model is None and not scripted:
        model = load_chat_model(
            config.llm, seed=config.seed, max_tokens=REPLY_TOKENS, **(server_options or {})
        )
    names = PATTERNS if config.pattern == "all" else (config.pattern,)
    run_ = PatternsRun()
    for name in names:
        out = config.out / name if len(names) > 1 else config.out
        console.rule(f"[bold]{name}")
        chosen = model if model is not None else model_for(config, name, None)
        if name == "reflexion" and config.suite != "none":
            budget = TeamBudget(config.max_steps, config.token_budget, config.time_budget)
            run_.results[name] = run_suite(
                chosen, problems(config.suite), split=config.suite, out=out, budget=budget,
                max_trials=config.max_trials, memory_size=config.memory_size,
                on_done=lambda p, r: console.print(f"{p.id}: solved at {r.details['solved_at']}"),
            )  # fmt: skip
        else:
            run_.results[name] = run_one(config, name, chosen, out)
    return run_


def print_report(run_: PatternsRun) -> None:
    """One row per pattern; the suite's rows and summary when a suite ran."""
    rows = []
    for name, result in run_.results.items():
        m = result.metrics()
        if "solved_first_try" in m:
            print_table(f"reflexion on the {m['split']} problems", list(m["runs"][0]),
                        [list(r.values()) for r in m["runs"]])  # fmt: skip
            console.print(f"solved at trial 1: {m['solved_first_try']}/{m['problems']}; "
                          f"with reflexion: {m['solved_with_reflexion']}/{m['problems']}")  # fmt: skip
            continue
        rows.append([name, "yes" if m["success"] else "no", m["stopped_by"],
                     m["model_calls"], m["prompt_tokens"] + m["completion_tokens"], m["seconds"]])  # fmt: skip
        console.print(f"[bold]{name} answer:[/bold] {escape(str(m['answer']))[:400]}")
    if rows:
        print_table("patterns", ["pattern", "success", "stopped by", "model calls", "tokens",
                                 "seconds"], rows)  # fmt: skip


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser("patterns", __doc__, PatternsConfig, flags=[
        "llm", "max_steps", "token_budget", "time_budget", "max_revisions", "max_trials",
        "memory_size", "expect", "source", "suite", "framework", "channel"])  # fmt: skip
    parser.add_argument("name", nargs="?", choices=PATTERNS, help="the pattern to run")
    parser.add_argument("task", nargs="?", help="the task, in quotes (reflexion: a problem id)")
    parser.add_llm_server_flags()
    args = parser.parse_args(argv)
    if args.name is None and not args.smoke:
        raise AdvancedError('name a pattern: patterns hierarchical|sequential|reflexion "task"')
    config = parser.config(args, pattern=args.name or "all", task=args.task)
    result = run(config, server_options=llm_server_options(args))
    print_report(result)
    save_metrics(result, config, config.out)
    console.print(f"[dim]transcripts and metrics.json under {config.out}[/dim]")
    return 0

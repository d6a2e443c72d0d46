"""``agent-chat``: ask a question; an agent answers it with a calculator, a database and documents.

    uv run agent-chat "How many first-class passengers survived the Titanic?"
    uv run agent-chat                      # a conversation: one question per line, empty line ends
    uv run agent-chat "What is 17.5% of 2480?" --tools calculator --max-steps 3
    uv run agent-chat "..." --llm openai --base-url http://localhost:11434/v1 --model qwen2.5:7b
    uv run agent-chat --smoke              # the scripted oracle model, real tools, seconds

The agent (``m5_agents_mlops.agent.loop``) asks the model, runs the tools it calls, shows it the
results and repeats until it answers or a budget (steps, tokens, seconds) runs out. Tools:
``calculator`` (a safe arithmetic evaluator), ``database`` (``describe_database`` and read-only
``sql_query`` over a SQLite file built from Titanic and MovieLens), ``documents``
(``search_documents`` over the Python language reference, indexed on first use: ≈ 1 minute).
Every step is printed; the whole trajectory is saved to ``<out>/trajectory.json`` after each step.
``--channel`` chooses how tool calls travel: ``native`` (the backend's tool API; for the local
model a JSON grammar), ``text`` (a protocol in the prompt, only the first call of a reply runs),
``auto`` (the default: text for local models, which did better with it, native for servers).
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any, ClassVar

from rich.markup import escape

from m4_genai.llm import ChatModel, Kind, Message, Tool
from m5_agents_mlops.agent import Agent, AgentResult, Budget
from m5_agents_mlops.bench.harness import OracleModel, load_tasks
from m5_agents_mlops.cli.common import ChannelChoice, load_model, resolve_channel, show_step
from m5_agents_mlops.errors import AgentError
from m5_agents_mlops.tools import TOOL_GROUPS, roadmap_tools
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunConfig, RunParser, require, require_at_least, save_metrics

SMOKE_TASK = "multi-first-share"
"""The benchmark task the smoke run answers: two SQL queries, then the calculator."""


@dataclass(frozen=True, kw_only=True)
class AgentChatConfig(RunConfig):
    """One question (or a conversation) answered by the tool-using agent."""

    PRESETS: ClassVar = {
        "tiny": {"llm": "scripted", "tools": ("calculator", "database"), "max_steps": 5},
        "cpu": {},
        "full": {"max_steps": 20, "token_budget": 100_000},
    }

    question: str = ""
    """The question (empty: read questions from the terminal, one per line)."""
    llm: Kind | None = None
    """Chat model: local (llama.cpp, offline), openai (any compatible server), scripted (the benchmark's oracle: answers only benchmark questions); default $AI_ROADMAP_LLM, else local."""
    tools: tuple[str, ...] = TOOL_GROUPS
    """Tool groups the agent may use: calculator, database, documents."""
    max_steps: int = 8
    """Model calls per question before the agent gives up."""
    token_budget: int = 40_000
    """Prompt + completion tokens per question before the agent gives up."""
    time_budget: float = 600.0
    """Seconds per question before the agent gives up."""
    channel: ChannelChoice = "auto"
    """How tool calls travel: native (the backend's tool API or grammar), text (a JSON protocol in the prompt), auto (text for local models, native otherwise)."""

    def validate(self) -> None:
        require_at_least(1, max_steps=self.max_steps, token_budget=self.token_budget)
        require(self.time_budget > 0, f"time_budget must be positive, not {self.time_budget}")
        unknown = sorted(set(self.tools) - set(TOOL_GROUPS))
        require(not unknown, f"unknown tool group(s) {unknown}; use {', '.join(TOOL_GROUPS)}")
        require(bool(self.tools), "give the agent at least one tool group")


@dataclass
class ChatRun:
    """The agent's run on one question."""

    result: AgentResult

    def metrics(self) -> dict[str, Any]:
        result = self.result
        return {
            "question": result.task, "answer": result.answer, "stopped_by": result.stopped_by,
            "steps": result.steps, "prompt_tokens": result.prompt_tokens,
            "completion_tokens": result.completion_tokens, "seconds": round(result.seconds, 3),
            "tool_calls": [{k: c[k] for k in ("name", "arguments", "ok")}
                           for c in result.tool_calls],
            "trajectory": str(result.trajectory),
        }  # fmt: skip


def make_agent(
    config: AgentChatConfig, model: ChatModel, tools: list[Tool], trajectory_name: str
) -> Agent:
    """The agent with the tools, the configured budget and channel; its trajectory under ``out``."""
    assert config.out is not None
    return Agent(
        model,
        tools,
        budget=Budget(config.max_steps, config.token_budget, config.time_budget),
        channel=resolve_channel(config.channel, config.llm),
        trajectory=config.out / trajectory_name,
        on_step=show_step,
    )


def run(
    config: AgentChatConfig,
    model: ChatModel,
    history: list[Message] | None = None,
    tools: list[Tool] | None = None,
) -> ChatRun:
    """Answer ``config.question`` (after ``history``, the earlier turns of a conversation) with
    ``tools`` (default: the configured groups, built now)."""
    tools = tools if tools is not None else roadmap_tools(config.tools, progress=True)
    name = f"trajectory-{len(history) // 2 + 1}.json" if history else "trajectory.json"
    return ChatRun(make_agent(config, model, tools, name).run(config.question, history or []))


def print_run(run_: ChatRun) -> None:
    result = run_.result
    if result.answered:
        console.print(f"[bold]A:[/bold] {escape(result.answer or '')}")
    else:
        console.print(f"[yellow]no answer: the {result.stopped_by} budget ran out[/yellow]")
    print_table(
        "agent run",
        ["stopped by", "steps", "tool calls", "tokens", "seconds"],
        [[result.stopped_by, result.steps, len(result.tool_calls), result.tokens,
          f"{result.seconds:.1f}"]],
    )  # fmt: skip
    console.print(f"[dim]trajectory: {result.trajectory}[/dim]")


def converse(config: AgentChatConfig, model: ChatModel) -> None:
    """Questions from stdin, one per line, each seeing the earlier questions and answers."""
    history: list[Message] = []
    tools = roadmap_tools(config.tools, progress=True)  # once: the index opens on first search
    console.print("[dim]Ask a question (an empty line or Ctrl-D ends the session).[/dim]")
    for line in sys.stdin:
        if not line.strip():
            break
        run_ = run(config.replace(question=line.strip()), model, history, tools)
        print_run(run_)
        history += [
            {"role": "user", "content": line.strip()},
            {"role": "assistant", "content": run_.result.answer or "(no answer)"},
        ]


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(
        "agent-chat", __doc__, AgentChatConfig,
        flags=["llm", "tools", "max_steps", "token_budget", "time_budget", "channel"],
    )  # fmt: skip
    parser.add_argument(
        "question", nargs="?", help="the question, in quotes (none: a conversation)"
    )
    parser.add_llm_server_flags()
    args = parser.parse_args(argv)
    tasks = load_tasks()
    smoke_question = next(t.question for t in tasks if t.id == SMOKE_TASK)
    question = args.question or (smoke_question if args.smoke else "")
    config = parser.config(args, question=question)
    if config.llm == "scripted":  # no model: the oracle plays a benchmark task's plan
        if config.question and config.question not in {t.question for t in tasks}:
            raise AgentError("--llm scripted answers only the benchmark's questions (try --smoke)")
        model: ChatModel = OracleModel(tasks)
    else:
        model = load_model(config.llm, args, config.seed)
    if not config.question:
        converse(config, model)
        return 0
    console.print(f"[bold]Q:[/bold] {escape(config.question)}")
    run_ = run(config, model)
    print_run(run_)
    save_metrics(run_, config, config.out)
    return 0

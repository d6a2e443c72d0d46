"""What every orchestration pattern shares: roles, one budget over the whole team, a transcript.

A multi-agent pattern is a few *roles* (a name and a system prompt, maybe tools) and a piece of
ordinary Python that decides who speaks next. Each time a role speaks, it is one run of month 5's
agent loop (``m5_agents_mlops.agent.Agent``): the same model calls, tool calls and budgets, so a
worker with a calculator really calls it. ``Team`` is the glue:

    team = Team(model, TeamBudget(max_steps=12), Transcript("sequential", task, out))
    notes = team.ask(RESEARCHER, f"Task: {task}")        # -> AgentResult, recorded
    verdict = team.ask_json(REVIEWER, draft, Verdict)     # -> Verdict | None (structured output)

Three rules, the same as month 5's software house:

- **One budget for the team.** Each role's run gets only what the team has left (model calls,
  tokens, seconds); when it is spent, ``BudgetSpent`` ends the pattern, and ``stopped_by`` says why.
- **Everything is written down.** Every request and reply (who, to whom, what it cost) goes into
  ``transcript.json``, rewritten after each message, so a crashed run still leaves its evidence.
- **A bad structured reply does not crash the run.** ``ask_json`` returns None and the pattern
  falls back (a one-step plan, a review that approves with a note) instead of raising.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel

from m4_genai.errors import LLMError
from m4_genai.llm import ChatModel, Tool
from m4_genai.llm.structured import parse_structured
from m5_agents_mlops.agent import Agent, AgentResult, Budget, Channel
from roadmap_data.console import save_json

StopReason = Literal["done", "max_steps", "max_tokens", "max_seconds"]
"""``done``: the pattern finished its control flow (it may still have failed: see ``success``)."""


@dataclass(frozen=True)
class Role:
    """A team member: the name it signs with, what it is told, and the tools it may call."""

    name: str
    system_prompt: str
    tools: tuple[Tool, ...] = ()
    max_steps: int = 4
    """Model calls one turn of this role may take (tool calls need a few)."""
    max_tokens: int | None = None
    """Tokens one reply may have (None: the model's default); a short cap keeps notes short."""


@dataclass(frozen=True)
class TeamBudget:
    """Limits over the *whole* run: every role's model calls, tokens and seconds together."""

    max_steps: int = 30
    max_tokens: int = 60_000
    max_seconds: float = 900.0


class BudgetSpent(Exception):  # control flow, not an error
    """The team budget ran out before the next turn; ``reason`` says which part."""

    def __init__(self, reason: StopReason) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass
class Transcript:
    """Who said what to whom, in order; ``out`` None keeps it in memory only (tests)."""

    pattern: str
    task: str
    out: Path | None = None
    messages: list[dict[str, Any]] = field(default_factory=list)
    header: dict[str, Any] = field(default_factory=dict)
    """Run-level facts (model, budget, status, totals), written above the messages."""
    on_post: Callable[[dict[str, Any]], None] | None = None
    """Called with each message as it is posted (the CLI prints one line: live progress)."""

    def post(self, sender: str, recipient: str, kind: str, content: Any, **details: Any) -> None:
        """Record one message and save."""
        self.messages.append({"n": len(self.messages) + 1, "from": sender, "to": recipient,
                              "kind": kind, "content": content, **details})  # fmt: skip
        self.save()
        if self.on_post is not None:
            self.on_post(self.messages[-1])

    def save(self) -> None:
        """Write ``transcript.json`` (atomically: a reader never sees half a file)."""
        if self.out is not None:
            save_json(self.out / "transcript.json", self.to_dict())

    def to_dict(self) -> dict[str, Any]:
        return {"pattern": self.pattern, "task": self.task, **self.header,
                "messages": self.messages}  # fmt: skip


class Team:
    """One model playing every role, under one budget, writing one transcript."""

    def __init__(
        self,
        model: ChatModel,
        budget: TeamBudget,
        transcript: Transcript,
        *,
        channel: Channel = "native",
        chat_options: dict[str, Any] | None = None,
    ) -> None:
        self.model, self.budget, self.transcript = model, budget, transcript
        self.channel, self.chat_options = channel, chat_options or {}
        self.steps = self.prompt_tokens = self.completion_tokens = 0
        self.start = time.perf_counter()
        transcript.header.update(model=getattr(model, "name", "?"), budget=asdict(budget))

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens

    def check_budget(self) -> None:
        """Raise ``BudgetSpent`` if the team cannot afford another model call."""
        if self.steps >= self.budget.max_steps:
            raise BudgetSpent("max_steps")
        if self.tokens >= self.budget.max_tokens:
            raise BudgetSpent("max_tokens")
        if self.elapsed >= self.budget.max_seconds:
            raise BudgetSpent("max_seconds")

    def ask(
        self, role: Role, request: str, *, sender: str = "team", extra: dict[str, Any] | None = None
    ) -> AgentResult:
        """One turn of ``role``: an agent-loop run on ``request`` with what the budget has left."""
        self.check_budget()
        left = Budget(
            max_steps=min(role.max_steps, self.budget.max_steps - self.steps),
            max_tokens=self.budget.max_tokens - self.tokens,
            max_seconds=self.budget.max_seconds - self.elapsed,
        )
        self.transcript.post(sender, role.name, "request", request)
        agent = Agent(self.model, list(role.tools), system_prompt=role.system_prompt,
                      budget=left, channel=self.channel if role.tools else "native",
                      chat_options={**self.chat_options, **role_options(role), **(extra or {})})  # fmt: skip
        result = agent.run(request)
        self.steps += result.steps
        self.prompt_tokens += result.prompt_tokens
        self.completion_tokens += result.completion_tokens
        self.transcript.post(
            role.name, sender, "reply", result.answer, stopped_by=result.stopped_by,
            steps=result.steps, tokens=result.tokens, seconds=round(result.seconds, 3),
            tool_calls=[{k: c[k] for k in ("name", "arguments", "content", "ok")}
                        for c in result.tool_calls],
        )  # fmt: skip
        return result

    def ask_json(
        self, role: Role, request: str, schema: type[BaseModel], *, sender: str = "team"
    ) -> Any:
        """``role``'s reply as ``schema`` (structured output: a grammar for the local model),
        or None when the reply is not valid JSON of that shape (the pattern then falls back)."""
        try:
            result = self.ask(role, request, sender=sender, extra={"response_format": schema})
            return parse_structured(result.answer or "", schema)
        except LLMError as error:  # a backend that validates itself raises on a bad reply
            if not str(error).startswith("the model's reply"):
                raise
            self.transcript.post("team", role.name, "invalid", str(error)[:500])
            return None

    def totals(self) -> dict[str, Any]:
        return {"model_calls": self.steps, "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "seconds": round(self.elapsed, 3)}  # fmt: skip


@dataclass
class PatternResult:
    """How a pattern's run ended: the answer, whether it succeeded, what it cost, where the log is."""

    pattern: str
    task: str
    answer: str | None
    stopped_by: StopReason
    success: bool
    """Hierarchical: every worker answered; sequential: the reviewer approved; reflexion: the
    external check passed."""
    totals: dict[str, Any]
    details: dict[str, Any] = field(default_factory=dict)
    transcript: Transcript | None = None

    def metrics(self) -> dict[str, Any]:
        """What metrics.json records."""
        out = self.transcript.out if self.transcript else None
        return {
            "pattern": self.pattern, "task": self.task, "answer": self.answer,
            "stopped_by": self.stopped_by, "success": self.success, **self.totals,
            **self.details, "transcript": str(out / "transcript.json") if out else None,
        }  # fmt: skip


def finish(
    team: Team, pattern: str, task: str, answer: str | None, stopped_by: StopReason,
    success: bool, **details: Any,
) -> PatternResult:  # fmt: skip
    """The result, with the transcript's header brought up to date and saved once more."""
    team.transcript.header.update(status=stopped_by, success=success, totals=team.totals())
    team.transcript.save()
    return PatternResult(pattern, task, answer, stopped_by, success, team.totals(), details,
                         team.transcript)  # fmt: skip


def role_options(role: Role) -> dict[str, Any]:
    return {} if role.max_tokens is None else {"max_tokens": role.max_tokens}


def numbered(items: Sequence[str]) -> str:
    """``1. a\\n2. b``: how lists are shown to a model."""
    return "\n".join(f"{i}. {item}" for i, item in enumerate(items, 1))

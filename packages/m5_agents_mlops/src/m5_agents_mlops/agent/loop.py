"""The agent loop: ask the model, run the tools it asks for, show it the results, repeat.

That is all an "agent" is. The loop below is the whole of it, in the spirit of mini-swe-agent:

    messages = [system, task]
    while True:
        check the budget                      # steps, tokens, wall time: stop *before* overspending
        reply = model.chat(messages, tools)   # one step = one model call
        if reply has no tool calls: done      # plain text is the answer
        for each call: run it (Toolbox: errors become messages), append the result

Two decisions make it robust. Control flow uses exceptions (``Answered``, ``LimitsExceeded``), so
"why did it stop?" has exactly one answer, recorded in ``AgentResult.stopped_by``. And the whole
trajectory (every message, call, result and timing) is written to JSON after *every* step and
once more in ``finally``, so a run that crashes or is interrupted still leaves its evidence.

Two channels carry tool calls. ``native``: the tools go to the backend (``tools=``), which uses
the server's tool API (OpenAI ``tool_calls``) or, for the local model, a JSON grammar. ``text``:
the loop writes the tool protocol into the prompt itself and parses the calls out of the reply,
which works with any model that can follow instructions, including servers without tool support.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

from m4_genai.llm import ChatModel, ChatResult, Message, Tool, ToolCall, parse_tool_calls
from m4_genai.llm.base import assistant_message, tool_message
from m4_genai.llm.tool_protocol import to_protocol_messages
from m5_agents_mlops.tools import Toolbox
from roadmap_data.console import save_json

SYSTEM_PROMPT = """You are a careful assistant with tools. Never answer from memory when a tool \
can give the fact: use the calculator for arithmetic, the database tools for data (look at the \
tables with describe_database before writing SQL), and document search for what documents say. \
Work in steps: call one tool, read its result, then call the next tool or answer. If a tool \
returns an error, read it, fix the call and try again. Answer only when the tool results contain \
what was asked: then reply with the answer itself, short, with the number or name asked for."""

Channel = Literal["native", "text"]
StopReason = Literal["answer", "max_steps", "max_tokens", "max_seconds"]


@dataclass(frozen=True)
class Budget:
    """Limits that end a run: model calls, tokens (prompt + completion, what a provider bills),
    and wall-clock seconds."""

    max_steps: int = 10
    max_tokens: int = 40_000
    max_seconds: float = 300.0


class Stop(Exception):
    """Ends the loop; ``reason`` says why."""

    reason: StopReason = "answer"


class Answered(Stop):
    """The model replied in plain text: that is the answer."""

    def __init__(self, answer: str) -> None:
        super().__init__(answer)
        self.answer = answer


class LimitsExceeded(Stop):
    """A budget ran out before the model answered."""

    def __init__(self, reason: StopReason, detail: str) -> None:
        super().__init__(detail)
        self.reason = reason


@dataclass
class AgentResult:
    """How a run ended, what it cost, and where its trajectory is."""

    task: str
    answer: str | None
    stopped_by: StopReason
    steps: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    """Every call and its outcome, in order (``ToolOutcome.to_dict``)."""
    trajectory: Path | None = None

    @property
    def answered(self) -> bool:
        return self.stopped_by == "answer"

    @property
    def tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


class Agent:
    """A tool-using agent: ``Agent(model, tools).run("task") -> AgentResult``."""

    def __init__(
        self,
        model: ChatModel,
        tools: Sequence[Tool],
        *,
        system_prompt: str = SYSTEM_PROMPT,
        budget: Budget | None = None,
        channel: Channel = "native",
        trajectory: Path | None = None,
        on_step: Callable[[dict[str, Any]], None] | None = None,
        chat_options: dict[str, Any] | None = None,
    ) -> None:
        self.model, self.toolbox = model, Toolbox(tools)
        self.system_prompt, self.budget = system_prompt, budget or Budget()
        self.channel, self.trajectory_path, self.on_step = channel, trajectory, on_step
        self.chat_options = chat_options or {}

    def run(self, task: str, history: Sequence[Message] = ()) -> AgentResult:
        """Loop until the model answers or a budget runs out. ``history``: earlier user and
        assistant turns of a conversation, so a follow-up question can refer to them."""
        self.messages: list[Message] = [
            {"role": "system", "content": self.system_prompt},
            *history,
            {"role": "user", "content": task},
        ]
        self.steps: list[dict[str, Any]] = []
        self.task, self.start = task, time.perf_counter()
        self.prompt_tokens = self.completion_tokens = 0
        self.status: str = "running"
        answer: str | None = None
        try:
            while True:
                self.check_budget()
                self.step()
        except Answered as done:
            answer, self.status = done.answer, done.reason
        except LimitsExceeded as limit:
            self.status = limit.reason
        except BaseException as error:  # a model/server failure: record it, then let it surface
            self.status = f"error: {type(error).__name__}: {error}"
            raise
        finally:
            self.save(answer)
        return AgentResult(
            task, answer, limit_or_answer(self.status), len(self.steps),
            self.prompt_tokens, self.completion_tokens, self.elapsed,
            [result for step in self.steps for result in step["results"]], self.trajectory_path,
        )  # fmt: skip

    @property
    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def check_budget(self) -> None:
        """Stop before the next model call if any budget is spent."""
        budget, used = self.budget, self.prompt_tokens + self.completion_tokens
        if len(self.steps) >= budget.max_steps:
            raise LimitsExceeded("max_steps", f"{budget.max_steps} steps without an answer")
        if used >= budget.max_tokens:
            raise LimitsExceeded("max_tokens", f"{used} tokens used of {budget.max_tokens}")
        if self.elapsed >= budget.max_seconds:
            raise LimitsExceeded("max_seconds", f"{self.elapsed:.1f} s of {budget.max_seconds}")

    def step(self) -> None:
        """One model call, then every tool call it asked for."""
        reply = self.query()
        seen = {result["id"] for step in self.steps for result in step["results"]}
        reply.tool_calls = [unique_id(call, seen, len(self.steps) + 1, i)
                            for i, call in enumerate(reply.tool_calls)]  # fmt: skip
        self.prompt_tokens += reply.prompt_tokens
        self.completion_tokens += reply.completion_tokens
        self.messages.append(assistant_message(reply))
        results = []
        for call in reply.tool_calls:
            outcome = self.toolbox.run(call)
            self.messages.append(tool_message(call, outcome.content))
            results.append(outcome.to_dict())
        record = {"step": len(self.steps) + 1, "reply": reply_record(reply), "results": results}
        self.steps.append(record)
        self.save(None)
        if self.on_step is not None:
            self.on_step(record)
        if not reply.tool_calls:
            raise Answered(reply.text.strip())

    def query(self) -> ChatResult:
        """Ask the model, through the chosen channel, with what is left of the time budget."""
        options = {"time_budget_s": max(self.budget.max_seconds - self.elapsed, 1.0)}
        options |= self.chat_options
        if self.channel == "native":
            return self.model.chat(self.messages, tools=self.toolbox.specs, **options)
        prompt = to_protocol_messages(self.messages, self.toolbox.specs)
        reply = self.model.chat(prompt, **options)
        # Only the first call runs: a model that writes several calls in one reply has written
        # the later ones before seeing any result (small models fill in invented numbers).
        reply.tool_calls = parse_tool_calls(reply.text, self.toolbox.specs)[:1]
        if not reply.tool_calls:
            reply.text = unwrap_answer(reply.text)
        return reply

    def save(self, answer: str | None) -> None:
        """Write the trajectory so far (atomically: a reader never sees half a file)."""
        if self.trajectory_path is None:
            return
        save_json(
            self.trajectory_path,
            {
                "task": self.task, "model": getattr(self.model, "name", "?"),
                "channel": self.channel, "budget": asdict(self.budget),
                "tools": [t.to_openai()["function"] for t in self.toolbox.specs],
                "status": self.status, "answer": answer,
                "totals": {"steps": len(self.steps), "prompt_tokens": self.prompt_tokens,
                           "completion_tokens": self.completion_tokens,
                           "seconds": round(self.elapsed, 3)},
                "steps": self.steps, "messages": self.messages,
            },
        )  # fmt: skip


def unique_id(call: ToolCall, seen: set[str], step: int, index: int) -> ToolCall:
    """``call`` with an id no earlier call of the run had (``seen`` grows): some backends number
    each reply's calls from 0, or send none, and a result must answer exactly one request."""
    if not call.id or call.id in seen:
        call = ToolCall(f"call_{step}_{index}", call.name, call.arguments)
    seen.add(call.id)
    return call


def unwrap_answer(text: str) -> str:
    """``{"answer": "42"}`` → ``42``: models that have seen the JSON tool protocol often answer
    in JSON too; any other text is returned unchanged."""
    try:
        value = json.loads(text.strip())
    except json.JSONDecodeError:
        return text
    if isinstance(value, dict) and set(value) == {"answer"}:
        return str(value["answer"])
    return text


def reply_record(reply: ChatResult) -> dict[str, Any]:
    """One model reply as the trajectory stores it."""
    return {
        "text": reply.text, "finish_reason": reply.finish_reason, "model": reply.model,
        "tool_calls": [{"id": c.id, "name": c.name, "arguments": c.arguments}
                       for c in reply.tool_calls],
        "prompt_tokens": reply.prompt_tokens, "completion_tokens": reply.completion_tokens,
        "seconds": round(reply.seconds, 4),
    }  # fmt: skip


def limit_or_answer(status: str) -> StopReason:
    """The status of a finished run as a StopReason (an error never reaches here)."""
    assert status in ("answer", "max_steps", "max_tokens", "max_seconds"), status
    return status  # type: ignore[return-value]

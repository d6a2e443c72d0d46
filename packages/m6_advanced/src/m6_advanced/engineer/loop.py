"""The agent loop: the model reads the issue, acts, reads the result, and repeats until it submits.

    engineer = Engineer(model, toolbox, Budget(max_steps=20), trajectory=Path("run/trajectory.json"))
    outcome = engineer.solve(issue_text, file_listing)
    outcome.status, outcome.summary     # "submitted", "Made the total include the last item."

This is mini-swe-agent's design (a loop of about a hundred lines) with a fixed set of actions:

1. the conversation starts with the rules (``actions.SYSTEM_PROMPT``), then the issue and the
   repository's file list;
2. each turn the model answers with one action; ``parse_action`` reads it (a malformed reply is
   answered with the reason, and that costs a step: the model learns the format or runs out);
3. the toolbox carries it out in the sandbox and the output goes back as the next user message;
4. ``submit`` ends the loop; so does any budget: steps, tokens, wall-clock seconds, dollars.

The trajectory (every reply, action, observation and the usage so far) is written after *every*
step, atomically: a run that crashes or is killed still leaves a file to read and to replay.

Context: old outputs are cut to their first lines in what the model is shown (never in the
trajectory), keeping the last ``keep_observations`` to twice that. A small model with an 8k window
would otherwise lose the issue itself after a few test runs; a cut output can be asked for again.
"""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from typing import Any

from m4_genai.llm import ChatModel
from m4_genai.llm.base import Message
from m6_advanced.engineer.actions import SYSTEM_PROMPT, Action, FormatError, parse_action
from m6_advanced.engineer.toolbox import Toolbox
from m6_advanced.engineer.trajectory import Trajectory
from roadmap_data.errors import RoadmapError

MAX_FORMAT_ERRORS = 3
"""Malformed replies in a row before the loop gives up (a model that cannot use the format)."""


@dataclass(frozen=True)
class Budget:
    """When to stop if the model never submits. Cost counts only when prices are given."""

    max_steps: int = 30
    max_tokens: int = 200_000
    """Prompt + completion tokens over all calls: what an API bills for."""
    max_seconds: float = 1800.0
    max_cost_usd: float | None = None
    usd_per_million_input: float = 0.0
    usd_per_million_output: float = 0.0


@dataclass
class Usage:
    """What the run has spent so far."""

    steps: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    cost_usd: float = 0.0

    def exceeded(self, budget: Budget) -> str | None:
        """The budget that is spent (``steps``, ``tokens``...), or None while there is room."""
        if self.steps >= budget.max_steps:
            return "steps"
        if self.prompt_tokens + self.completion_tokens >= budget.max_tokens:
            return "tokens"
        if self.seconds >= budget.max_seconds:
            return "time"
        if budget.max_cost_usd is not None and self.cost_usd >= budget.max_cost_usd:
            return "cost"
        return None


@dataclass
class Outcome:
    """How the loop ended: ``submitted``, ``budget:<which>``, ``format-errors`` or ``model-error``."""

    status: str
    summary: str
    usage: Usage
    model: str
    steps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def submitted(self) -> bool:
        return self.status == "submitted"

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "summary": self.summary, "model": self.model,
                **asdict(self.usage)}  # fmt: skip


class Engineer:
    """One model, one working copy's toolbox, one budget."""

    def __init__(
        self,
        model: ChatModel,
        toolbox: Toolbox,
        budget: Budget | None = None,
        trajectory: Trajectory | None = None,
        reply_tokens: int = 768,
        keep_observations: int = 4,
        seed: int = 0,
    ) -> None:
        self.model, self.toolbox = model, toolbox
        self.budget = budget or Budget()
        self.trajectory = trajectory
        self.reply_tokens, self.keep_observations, self.seed = reply_tokens, keep_observations, seed

    def solve(self, issue: str, files: str) -> Outcome:
        """Run the loop on ``issue`` (its text) for a repository whose file list is ``files``."""
        messages: list[Message] = [
            {"role": "system", "content": SYSTEM_PROMPT},
            {"role": "user", "content": f"<issue>\n{issue.strip()}\n</issue>\n\n"
                                        f"<files>\n{files.strip()}\n</files>"},
        ]  # fmt: skip
        usage, steps, started = Usage(), [], time.perf_counter()
        status, summary, format_errors = "", "", 0
        previous: dict[str, int] = {}  # action → the step that ran it: small models repeat
        edits = 0
        while not status:
            if spent := usage.exceeded(self.budget):
                status = f"budget:{spent}"
                break
            step_start = time.perf_counter()
            try:
                reply = self.model.chat(
                    self.shown(messages), max_tokens=self.reply_tokens, temperature=0.0,
                    seed=self.seed,
                )  # fmt: skip
            except Exception as error:  # a backend failure ends the run, with the record kept
                status, summary = "model-error", f"{type(error).__name__}: {error}"
                break
            usage.steps += 1
            usage.prompt_tokens += reply.prompt_tokens
            usage.completion_tokens += reply.completion_tokens
            usage.cost_usd += (
                reply.prompt_tokens * self.budget.usd_per_million_input
                + reply.completion_tokens * self.budget.usd_per_million_output
            ) / 1e6
            messages.append({"role": "assistant", "content": reply.text})
            step: dict[str, Any] = {"step": usage.steps, "reply": reply.text, "action": None,
                                    "prompt_tokens": reply.prompt_tokens,
                                    "completion_tokens": reply.completion_tokens}  # fmt: skip
            try:
                action = parse_action(reply.text)
            except FormatError as error:
                format_errors += 1
                observation, ok, tool_seconds = f"Format error: {error}", False, 0.0
                if format_errors >= MAX_FORMAT_ERRORS:
                    status = "format-errors"
            else:
                format_errors = 0
                step["action"] = {"name": action.name, "args": action.args}
                if action.name == "submit":
                    status, summary = "submitted", action.args["summary"]
                    observation, ok, tool_seconds = "submitted", True, 0.0
                else:
                    observation, ok, tool_seconds = self.act(action)
                    edits += action.name == "edit" and ok
                    key = f"{edits} {action.key()}"  # the same action, and no edit since
                    if repeated := previous.get(key):
                        observation = f"(The same action as step {repeated}, with no edit since: try another.)\n{observation}"  # fmt: skip
                    previous[key] = usage.steps
                    observation = f"{action.note}\n{observation}" if action.note else observation
            if status != "submitted":
                messages.append({"role": "user", "content": observation})
            usage.seconds = time.perf_counter() - started
            step.update(observation=observation, ok=ok, tool_seconds=round(tool_seconds, 3),
                        seconds=round(time.perf_counter() - step_start, 3))  # fmt: skip
            steps.append(step)
            if self.trajectory is not None:
                self.trajectory.record(messages, steps, usage)
        usage.seconds = time.perf_counter() - started
        outcome = Outcome(status, summary, usage, getattr(self.model, "name", "model"), steps)
        if self.trajectory is not None:
            self.trajectory.finish(messages, steps, outcome.to_dict())
        return outcome

    def act(self, action: Action) -> tuple[str, bool, float]:
        """Run ``action``; a tool that fails (a sandbox that cannot start, an index with nothing
        to index) is an output the model reads, not the end of the run."""
        try:
            result = self.toolbox.run(action)
        except RoadmapError as error:
            return f"error: {error}", False, 0.0
        return result.text, result.ok, result.seconds

    def shown(self, messages: list[Message]) -> list[Message]:
        """The conversation as the model sees it: old outputs cut to their first lines."""
        outputs = [i for i, m in enumerate(messages) if m["role"] == "user" and i > 1]
        keep = max(self.keep_observations, 1)
        # Cut in blocks of ``keep``, not one more each step: the prompt's beginning then stays
        # the same for ``keep`` steps, and a backend that caches the prompt re-reads only the end.
        old = set(outputs[: max(0, (len(outputs) - keep) // keep * keep)])
        return [
            {**m, "content": elided(str(m["content"]))} if i in old else m
            for i, m in enumerate(messages)
        ]


def elided(text: str, keep_lines: int = 3) -> str:
    """The first lines of an old output and a note of what was cut."""
    lines = text.splitlines()
    if len(lines) <= keep_lines:
        return text
    return "\n".join([*lines[:keep_lines], f"[... {len(lines) - keep_lines} older lines elided]"])

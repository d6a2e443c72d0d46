"""The tool-use benchmark: tasks with exact answers, a scorer, and an oracle that proves the harness.

``tasks.jsonl`` holds tasks written for this project, each answerable only with the tools:
arithmetic that needs the calculator, questions about the bundled SQLite database (Titanic,
MovieLens), look-ups in the Python reference, and tasks that need two tools in turn. Every task
has an exact answer (a number with a tolerance, or a word) and an *oracle plan*: the tool calls a
perfect agent would make. ``OracleModel`` plays those plans through the real agent loop and real
tools; it must score 100 %, which proves the tasks are solvable, the tools work and the scorer
accepts a right answer. Then real models run the same tasks, and their score means something.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

from m4_genai.errors import LLMError
from m4_genai.llm import ChatModel, ChatResult, Message, Tool, ToolCall
from m5_agents_mlops.agent import Agent, Budget, Channel

KINDS = ("calculator", "sql", "documents", "multi")
"""The kinds of task, in the order tables show them."""
NUMBER = re.compile(r"-?\d[\d,]*(?:\.\d+)?|-?\.\d+")


@dataclass(frozen=True)
class Task:
    """One benchmark task: a question, its exact answer, and the oracle's tool calls."""

    id: str
    split: str
    """``dev`` (prompts and settings are tuned on these) or ``test`` (reported, never tuned on)."""
    kind: str
    question: str
    answer: str | float
    oracle: tuple[dict[str, Any], ...]
    tolerance: float = 0.0
    """For numeric answers: how far off a number may be (0 means exactly, for counts)."""

    @property
    def numeric(self) -> bool:
        return isinstance(self.answer, int | float)

    def close_to(self, number: float) -> bool:
        """Is ``number`` the (numeric) answer, within the task's tolerance?"""
        expected = float(self.answer)
        tolerance = max(self.tolerance, 1e-9 * max(1.0, abs(expected)))
        return math.isclose(number, expected, abs_tol=tolerance)


def load_tasks(split: str | None = None) -> list[Task]:
    """The benchmark tasks shipped with the package (only ``split``'s when given)."""
    text = resources.files("m5_agents_mlops.bench").joinpath("tasks.jsonl").read_text("utf-8")
    tasks = []
    for line in text.splitlines():
        if line.strip():
            row = json.loads(line)
            row["oracle"] = tuple(row["oracle"])
            tasks.append(Task(**row))
    return [task for task in tasks if split is None or task.split == split]


def numbers_in(text: str) -> list[float]:
    """Every number written in ``text`` (``1,309`` is one number)."""
    return [float(match.replace(",", "")) for match in NUMBER.findall(text)]


EXPRESSION = re.compile(r"-?\d[\d.,]*(?:\s*(?:\*\*|[-+*/^%])\s*\(?-?\d[\d.,]*\)?)+")
"""Arithmetic written in a question (``-1**2``, ``123456 * 789 - 4321``)."""


def without_copied_expressions(answer: str, question: str) -> str:
    """``answer`` with the question's arithmetic removed wherever it is copied (spacing may
    differ): "-1 ** 2 evaluates to 0" must not score as -1 because the question wrote -1**2."""
    for expression in EXPRESSION.findall(question):
        expression = expression.rstrip(".,")  # the sentence's full stop is not arithmetic
        pattern = r"\s*".join(re.escape(char) for char in expression if not char.isspace())
        answer = re.sub(pattern, " ", answer)
    return answer


def mentions(task: Task, text: str) -> bool:
    """Does ``text`` contain the task's answer at all (a number within the tolerance, or the
    word)? What the oracle asks of its tool results."""
    if task.numeric:
        return any(task.close_to(n) for n in numbers_in(text))
    return _has_word(text, str(task.answer))


def _has_word(text: str, word: str) -> bool:
    return re.search(rf"(?<![\w]){re.escape(word)}(?![\w])", text, re.IGNORECASE) is not None


def is_correct(task: Task, answer: str | None) -> bool:
    """Is ``answer`` right? A word answer: the word appears in it (whole word, any case). A
    numeric answer: a number of the reply is within the tolerance, where numbers that merely
    repeat the question do not count (a reply that echoes "-1**2" has not said what it is).
    When the expected number is itself written in the question, only the reply's last number
    counts, once the question's arithmetic is taken out."""
    if not answer:
        return False
    if task.numeric:
        asked = numbers_in(task.question)
        numbers = numbers_in(without_copied_expressions(answer, task.question))
        if any(task.close_to(n) for n in asked):
            return bool(numbers) and task.close_to(numbers[-1])
        return any(task.close_to(n) and n not in asked for n in numbers)
    return _has_word(answer, str(task.answer))


def result_value(content: str) -> str:
    """The value an oracle carries from a tool result to the next call: the first number of the
    result's first data row (SQL results) or of the text (the calculator)."""
    rows = content.splitlines()
    data = rows[1:] if len(rows) > 1 and not numbers_in(rows[0]) else rows
    found = numbers_in("\n".join(data))
    if not found:
        raise ValueError(f"no number in tool result {content[:200]!r}")
    return repr(found[0])


class OracleModel:
    """A ChatModel that plays each task's oracle plan: one tool call per step, then the answer.

    Later calls may use earlier results: ``{1}`` in an argument is the value of result 1. The
    final reply is the task's answer only if the tool results support it (the number or the word
    appears in them); otherwise ``unsupported``, which the scorer marks wrong.
    """

    name = "oracle"

    def __init__(self, tasks: Sequence[Task]) -> None:
        self.tasks = {task.question: task for task in tasks}

    def chat(
        self, messages: list[Message], tools: Sequence[Any] | None = None, **opts: Any
    ) -> ChatResult:
        question = next(m["content"] for m in reversed(messages) if m["role"] == "user")
        task = self.tasks.get(question)
        if task is None:
            raise LLMError(f"the oracle has no plan for {question[:80]!r}: it answers only the "
                           "benchmark's questions")  # fmt: skip
        results = [m["content"] for m in messages if m["role"] == "tool"]
        step = len(results)
        if step < len(task.oracle):
            planned = task.oracle[step]
            values = [result_value(result) for result in results]
            arguments = {k: fill(v, values) for k, v in planned["arguments"].items()}
            call = ToolCall(f"oracle_{step}", planned["tool"], arguments)
            return ChatResult("", [call], finish_reason="tool_calls", model=self.name)
        supported = mentions(task, "\n".join(results))
        return ChatResult(str(task.answer) if supported else "unsupported", model=self.name)

    def stream(self, messages: list[Message], **opts: Any) -> Iterator[str]:
        yield self.chat(messages, **opts).text


def fill(value: Any, values: list[str]) -> Any:
    """``"{1} * 3"`` with result 1's value put in; non-strings pass through."""
    if not isinstance(value, str):
        return value
    return re.sub(r"\{(\d+)\}", lambda match: values[int(match.group(1)) - 1], value)


@dataclass
class TaskRun:
    """How one model did on one task."""

    task: Task
    answer: str | None
    correct: bool
    stopped_by: str
    steps: int
    tokens: int
    seconds: float
    tools_used: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.task.id, "kind": self.task.kind, "correct": self.correct,
            "answer": self.answer, "expected": self.task.answer, "stopped_by": self.stopped_by,
            "steps": self.steps, "tokens": self.tokens, "seconds": round(self.seconds, 3),
            "tools_used": self.tools_used,
        }  # fmt: skip


def run_tasks(
    model: ChatModel,
    tools: Sequence[Tool],
    tasks: Sequence[Task],
    budget: Budget,
    channel: Channel = "native",
    on_task: Callable[[TaskRun], None] | None = None,
) -> list[TaskRun]:
    """Every task through the agent loop with ``model``; an error inside a run counts as a miss."""
    runs = []
    for task in tasks:
        try:
            result = Agent(model, tools, budget=budget, channel=channel).run(task.question)
        except LLMError as error:  # the model failed (context full, server down): a miss
            run = TaskRun(task, None, False, f"error: {error}", 0, 0, 0.0)
        else:
            run = TaskRun(
                task, result.answer, is_correct(task, result.answer), result.stopped_by,
                result.steps, result.tokens, result.seconds,
                [call["name"] for call in result.tool_calls],
            )  # fmt: skip
        runs.append(run)
        if on_task is not None:
            on_task(run)
    return runs


def success_rates(outcomes: Sequence[tuple[str, bool]]) -> dict[str, Any]:
    """``success_rate`` and ``by_kind`` from ``(kind, correct)`` per task."""
    kinds = sorted({kind for kind, _ in outcomes})
    return {
        "success_rate": sum(correct for _, correct in outcomes) / (len(outcomes) or 1),
        "by_kind": {
            kind: sum(c for k, c in outcomes if k == kind) / sum(k == kind for k, _ in outcomes)
            for kind in kinds
        },
    }


def summarise(runs: Sequence[TaskRun]) -> dict[str, Any]:
    """Success rate, mean steps, tokens and seconds per task; success per kind."""
    n = len(runs) or 1
    return {
        "tasks": len(runs),
        **success_rates([(run.task.kind, run.correct) for run in runs]),
        "mean_steps": sum(run.steps for run in runs) / n,
        "mean_tokens": sum(run.tokens for run in runs) / n,
        "mean_seconds": sum(run.seconds for run in runs) / n,
    }

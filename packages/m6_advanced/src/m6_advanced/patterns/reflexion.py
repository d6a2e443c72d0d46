"""Reflexion (Shinn et al., 2023): attempt, get checked, reflect in words, retry with the reflection.

    result = reflexion(team, problem.prompt, checker=lambda reply: check_code(problem, reply))
    result.success, result.details["solved_at"]          # True, 2

The loop, one *trial* at a time::

    memory = []                                     # episodic memory: the reflections so far
    for trial in 1..max_trials:
        attempt = actor(task, last attempt, memory)          # an agent-loop run
        check   = evaluator(attempt)                         # external and exact where possible
        if check.passed: stop (success)
        memory += [reflector(task, attempt, check.feedback)]  # "why it failed, what to change"

What makes it Reflexion rather than "try again": the feedback is turned into a *verbal lesson*
by the model itself and kept in memory, so the next attempt is conditioned on an explanation,
not just an error log. The paper keeps the last 1-3 reflections (``memory_size``); the context
window of a small model is the reason here too.

The **evaluator** decides everything, so make it exact when you can: ``problems.check_code``
runs hidden asserts in month 5's sandbox, ``exact_value`` compares a number. A model grading
itself (an LLM evaluator) is the fallback of the paper when no checker exists, and the weakest
part of the method: a model that cannot solve a task often cannot tell that it failed either.
The loop stops on success, after ``max_trials``, or when the team budget is spent.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from m6_advanced.patterns.problems import Check, extract_code
from m6_advanced.patterns.team import BudgetSpent, PatternResult, Role, Team, finish, numbered

Checker = Callable[[str], Check]
"""The evaluator: the actor's reply → ``Check`` (passed, feedback, score)."""

ACTOR = Role(
    "actor",
    "You are a careful Python programmer. Reply with the complete function in one ```python "
    "code block, standard library only, no tests, no explanation.",
    max_steps=1,
    max_tokens=256,
)
REFLECTOR = Role(
    "reflector",
    "You review your own failed attempt. Read the task, the code and the test failures. In two "
    "or three short sentences, say exactly why the code failed and what to change next time. "
    "Do not write code.",
    max_steps=1,
    max_tokens=120,
)


def actor_request(task: str, last_attempt: str | None, memory: list[str]) -> str:
    """The task, then (after a failure) the last attempt and the lessons learned so far."""
    parts = [f"Task: {task}"]
    if last_attempt is not None:
        parts.append(f"Your previous attempt (it failed):\n```python\n{last_attempt}\n```")
    if memory:
        parts.append(f"Lessons from your earlier attempts:\n{numbered(memory)}")
        parts.append("Write a corrected function that follows these lessons.")
    return "\n\n".join(parts)


def reflector_request(task: str, code: str, feedback: str) -> str:
    return f"Task: {task}\n\nYour code:\n```python\n{code}\n```\n\nTest result:\n{feedback}"


def reflexion(
    team: Team, task: str, checker: Checker, max_trials: int = 3, memory_size: int = 3
) -> PatternResult:
    """Attempt → check → reflect, until the check passes, ``max_trials`` or the budget ends."""
    memory: list[str] = []
    trials: list[dict[str, Any]] = []
    attempt: str | None = None
    answer, status = None, "done"
    team.transcript.post("user", "actor", "task", task)
    try:
        for trial in range(1, max_trials + 1):
            reply = team.ask(ACTOR, actor_request(task, attempt, memory[-memory_size:]))
            answer = reply.answer or ""
            attempt = extract_code(answer).strip()
            check = checker(answer)
            team.transcript.post("evaluator", "actor", "check", check.feedback or "passed",
                                 trial=trial, passed=check.passed, score=check.score)  # fmt: skip
            trials.append({"trial": trial, "passed": check.passed,
                           "score": round(check.score, 3)})  # fmt: skip
            if check.passed:
                break
            if trial < max_trials:  # a lesson nobody will read is a wasted model call
                lesson = team.ask(REFLECTOR, reflector_request(task, attempt, check.feedback))
                memory.append((lesson.answer or "").strip())
                trials[-1]["reflection"] = memory[-1]
    except BudgetSpent as spent:
        status = spent.reason
    solved = next((t["trial"] for t in trials if t["passed"]), None)
    return finish(team, "reflexion", task, answer, status, solved is not None,  # type: ignore[arg-type]
                  trials=trials, solved_at=solved, memory=memory)  # fmt: skip


_NUMBER = re.compile(r"-?\d+(?:[.,]\d+)*(?:\.\d+)?")


def exact_value(expected: float, tolerance: float = 1e-6) -> Checker:
    """An evaluator for arithmetic: the *last* number in the reply must equal ``expected``."""

    def check(reply: str) -> Check:
        numbers = _NUMBER.findall(reply)
        if not numbers:
            return Check(False, "Your answer contains no number.")
        value = float(numbers[-1].replace(",", ""))
        if abs(value - expected) <= tolerance * max(1.0, abs(expected)):
            return Check(True, "", 1.0)
        return Check(False, f"Your final number {numbers[-1]} is wrong.")

    return check

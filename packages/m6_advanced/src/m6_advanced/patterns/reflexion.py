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

from collections.abc import Callable
from typing import Any, NamedTuple

from m6_advanced.patterns.problems import Check, extract_code
from m6_advanced.patterns.team import BudgetSpent, PatternResult, Role, Team, finish, numbered
from m6_advanced.planning.answers import Number, final_answer, same_number

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


class Roles(NamedTuple):
    """Who attempts, who reflects, and how an attempt is shown back (a code fence or plain text)."""

    actor: Role
    reflector: Role
    fence: str


CODE = Roles(ACTOR, REFLECTOR, "python")
ARITHMETIC = Roles(
    Role(
        "actor",
        "You solve arithmetic questions. Work it out in a few short lines, then finish with "
        "'The answer is N.' where N is a number.",
        max_steps=1,
        max_tokens=256,
    ),
    Role(
        "reflector",
        "You review your own wrong answer. In two or three short sentences, say where the "
        "working went wrong and what to do next time. Do not give the answer.",
        max_steps=1,
        max_tokens=120,
    ),
    "",
)
"""For ``exact_value``: an answer in words ending on a number, not a function."""


def actor_request(
    task: str, last_attempt: str | None, memory: list[str], fence: str = "python"
) -> str:
    """The task, then (after a failure) the last attempt and the lessons learned so far."""
    parts = [f"Task: {task}"]
    if last_attempt is not None:
        parts.append(f"Your previous attempt (it failed):\n```{fence}\n{last_attempt}\n```")
    if memory:
        parts.append(f"Lessons from your earlier attempts:\n{numbered(memory)}")
        parts.append("Try again, following these lessons.")
    return "\n\n".join(parts)


def reflector_request(task: str, attempt: str, feedback: str, fence: str = "python") -> str:
    return f"Task: {task}\n\nYour attempt:\n```{fence}\n{attempt}\n```\n\nCheck result:\n{feedback}"


def reflexion(
    team: Team,
    task: str,
    checker: Checker,
    max_trials: int = 3,
    memory_size: int = 3,
    roles: Roles = CODE,
) -> PatternResult:
    """Attempt → check → reflect, until the check passes, ``max_trials`` or the budget ends."""
    actor, reflector, fence = roles
    memory: list[str] = []
    trials: list[dict[str, Any]] = []
    attempt: str | None = None
    answer, status = None, "done"
    team.transcript.post("user", "actor", "task", task)
    try:
        for trial in range(1, max_trials + 1):
            reply = team.ask(actor, actor_request(task, attempt, memory[-memory_size:], fence))
            answer = reply.answer or ""
            attempt = (extract_code(answer) if fence == "python" else answer).strip()
            check = checker(answer)
            team.transcript.post("evaluator", "actor", "check", check.feedback or "passed",
                                 trial=trial, passed=check.passed, score=check.score)  # fmt: skip
            trials.append({"trial": trial, "passed": check.passed,
                           "score": round(check.score, 3)})  # fmt: skip
            if check.passed:
                break
            if trial < max_trials:  # a lesson nobody will read is a wasted model call
                request = reflector_request(task, attempt, check.feedback, fence)
                lesson = team.ask(reflector, request)
                memory.append((lesson.answer or "").strip())
                trials[-1]["reflection"] = memory[-1]
    except BudgetSpent as spent:
        status = spent.reason
    solved = next((t["trial"] for t in trials if t["passed"]), None)
    return finish(team, "reflexion", task, answer, status, solved is not None,  # type: ignore[arg-type]
                  trials=trials, solved_at=solved, memory=memory)  # fmt: skip


def exact_value(expected: Number) -> Checker:
    """An evaluator for arithmetic: the reply's final answer must equal ``expected`` exactly.

    The final answer is read as in Plan-and-Solve (``planning.answers.final_answer``: a boxed
    number, else the number after the last "answer is", else the last number), and compared as
    exact fractions: "12.50" equals 12.5, and "The answer is 387 (17 × 23 − 4)." reads 387, not 4.
    """

    def check(reply: str) -> Check:
        value = final_answer(reply)
        if value is None:
            return Check(False, "Your answer contains no number.")
        if same_number(value, expected):
            return Check(True, "", 1.0)
        return Check(False, f"Your final answer {float(value):g} is wrong.")

    return check

"""A hierarchical team: a manager splits the task, workers solve the parts, the manager merges.

    result = hierarchical(team, "A shop sells 3 pens at 1.25 and 2 books at 12.40 ...")
    result.answer, result.details["subtasks"]

The control flow, with the manager's plan as *structured output* (a JSON list, so the code that
delegates never has to guess where one subtask ends)::

    plan    = manager.plan(task)                    # {"subtasks": ["...", "..."]}  (1..max_workers)
    results = [worker_i(subtask_i) for each]        # each an agent-loop run with a calculator
    answer  = manager.merge(task, subtasks, results)

This is CrewAI's ``Process.hierarchical`` and AutoGen's "orchestrator" in thirty lines: the
manager never solves anything itself, the workers never see the whole task (a small context is
the point: each one focuses on one question). Three things keep it robust: an invalid plan falls
back to one subtask (the task itself), a worker that runs out of steps reports "(no answer)" and
the merge is told so, and every turn draws on the one team budget.

Here the workers run one after the other; they are independent, so a server-backed model could
run them concurrently (``asyncio.gather``), which is what frameworks mean by parallel delegation.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from m5_agents_mlops.tools import calculator
from m6_advanced.patterns.team import BudgetSpent, PatternResult, Role, Team, finish, numbered

MAX_WORKERS = 4
"""Subtasks a plan may have: more workers cost more calls than they save on a small model."""
NO_ANSWER = "(no answer)"


class Plan(BaseModel):
    """The manager's delegation: one self-contained question per worker."""

    subtasks: list[str] = Field(min_length=1, max_length=MAX_WORKERS)


PLANNER = Role(
    "manager",
    "You are a manager. Split the task into 2 to 4 independent subtasks that workers can solve "
    "separately. Each subtask must be a complete question with every number it needs. Do not "
    'solve them. Reply with JSON only: {"subtasks": ["...", "..."]}',
    max_steps=1,
    max_tokens=200,
)
WORKER_PROMPT = (
    "You are a worker. Solve only the subtask you are given. Use the calculator for every "
    "calculation. Reply with the result in one short sentence."
)
MERGER = Role(
    "manager",
    "You are a manager. Your workers solved the subtasks of a task. Combine their results into "
    "the final answer to the task: short, with the numbers it asks for. Use only the results, "
    "and the calculator for any arithmetic that combines them.",
    tools=(calculator,),
    max_steps=3,
)


def worker(index: int) -> Role:
    """Worker ``index``: the same prompt and calculator, its own name in the transcript."""
    return Role(f"worker-{index}", WORKER_PROMPT, tools=(calculator,), max_steps=4)


def merge_request(task: str, subtasks: list[str], results: list[str]) -> str:
    pairs = [
        f"{subtask}\n   result: {result}" for subtask, result in zip(subtasks, results, strict=True)
    ]
    return f"Task: {task}\n\nSubtasks and their results:\n{numbered(pairs)}\n\nFinal answer:"


def plan(team: Team, task: str) -> list[str]:
    """The manager's subtasks, or ``[task]`` when it gave no valid plan (noted in the log)."""
    reply = team.ask_json(PLANNER, f"Task: {task}", Plan, sender="user")
    subtasks = [s.strip() for s in reply.subtasks if s.strip()] if reply else []
    if not subtasks:
        team.transcript.post("team", "manager", "note", "no valid plan: one worker gets the task")
        return [task]
    team.transcript.post("manager", "workers", "plan", subtasks)
    return subtasks


def hierarchical(team: Team, task: str) -> PatternResult:
    """Plan → delegate each subtask to its own worker → merge; stops early if the budget ends."""
    subtasks: list[str] = []
    results: list[str] = []
    answer, status = None, "done"
    team.transcript.post("user", "manager", "task", task)
    try:
        subtasks = plan(team, task)
        for index, subtask in enumerate(subtasks, 1):
            outcome = team.ask(worker(index), subtask, sender="manager")
            results.append(outcome.answer or NO_ANSWER)
        merged = team.ask(MERGER, merge_request(task, subtasks, results), sender="workers")
        answer = merged.answer
    except BudgetSpent as spent:
        status = spent.reason
    delegated: list[dict[str, Any]] = [
        {"worker": f"worker-{i}", "subtask": s, "result": r}
        for i, (s, r) in enumerate(zip(subtasks, results, strict=True), 1)
    ]
    success = status == "done" and answer is not None and NO_ANSWER not in results
    return finish(team, "hierarchical", task, answer, status, success,  # type: ignore[arg-type]
                  subtasks=subtasks, delegated=delegated)  # fmt: skip

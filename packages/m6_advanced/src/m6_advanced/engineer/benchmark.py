"""Score a solver on bug-fix tasks the way SWE-bench does: hidden tests decide, after submission.

    result = run_task(task, "agent", model, sandbox)
    result.resolved, result.steps, result.hidden_tests      # True, 5, "4 passed"

For each task: a fresh working copy of ``repo/``; the solver works on it (the agent loop, or the
one-shot baseline); then the repository's own test files are put back as they were (a solver
must not pass by editing the tests) and the hidden tests are copied in; the whole suite runs in
the sandbox. *Resolved* means every test passes, the new ones and the old ones.

``oracle_agent`` and ``oracle_one_shot`` are scripted models that answer with the task's
reference fix (``solution.json``) through the same interfaces as a real model: they prove the
harness end to end (both must resolve 100 %) and measure nothing about a model.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Literal

from m4_genai.llm import ChatModel, ScriptedChatModel
from m4_genai.retrieval.embedder import Embedder
from m4_genai.retrieval.repo import repo_files
from m6_advanced.engineer.baseline import is_test, one_shot
from m6_advanced.engineer.edit import Edit
from m6_advanced.engineer.loop import Budget, Engineer
from m6_advanced.engineer.sandbox import Sandbox, Workspace
from m6_advanced.engineer.taskset import Task, apply_hidden_tests, apply_solution
from m6_advanced.engineer.toolbox import PYTEST, Toolbox, test_summary
from m6_advanced.engineer.trajectory import Trajectory

Method = Literal["agent", "one-shot"]
METHODS: tuple[Method, ...] = ("agent", "one-shot")


@dataclass
class TaskResult:
    """One solver on one task."""

    task: str
    kind: str
    split: str
    method: str
    model: str
    resolved: bool
    status: str
    """The agent's ending (``submitted``, ``budget:steps``...) or the one-shot's (``answered``)."""
    hidden_tests: str
    steps: int
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    changed_files: list[str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def oracle_agent(task: Task) -> ScriptedChatModel:
    """Replies that apply the reference fix edit by edit, run the tests, and submit."""
    replies = [
        f"Applying the reference fix to {edit.path}.\n```\nedit {edit.path}\n{edit_block(edit)}\n```"
        for edit in task.solution
    ]
    replies += ["```\nrun_tests\n```", f"```\nsubmit\nReference fix for: {task.title}\n```"]
    return named(ScriptedChatModel(replies), "oracle")


def edit_block(edit: Edit) -> str:
    """``edit`` as the SEARCH/REPLACE block that ``actions.parse_action`` reads back exactly."""
    if not edit.search:  # a new file: its content, ending with a line break
        end = "" if edit.replace.endswith("\n") else "\n"
        return f"<<<<<<< SEARCH\n=======\n{edit.replace}{end}>>>>>>> REPLACE"
    return f"<<<<<<< SEARCH\n{edit.search}\n=======\n{edit.replace}\n>>>>>>> REPLACE"


def oracle_one_shot(task: Task, scratch: Path) -> ScriptedChatModel:
    """One answer holding every file the reference fix changes, whole."""
    copy = scratch / f"oracle-{task.id}"
    shutil.copytree(task.repo_dir, copy)
    apply_solution(task, copy)
    changed = dict.fromkeys(edit.path for edit in task.solution)
    blocks = [f"{path}\n```python\n{(copy / path).read_text()}```" for path in changed]
    shutil.rmtree(copy)
    return named(ScriptedChatModel(["Here is the fix.\n\n" + "\n\n".join(blocks)]), "oracle")


def named(model: ScriptedChatModel, name: str) -> ScriptedChatModel:
    """``model`` reporting itself as ``name`` in tables and trajectories."""
    model.name = name
    return model


JUDGE_CONFIG = ("conftest.py", "pytest.ini", "pyproject.toml", "setup.cfg", "tox.ini")
"""Files that change what pytest runs or how: the judge uses the task's, never the solver's."""


def is_judge_file(name: str) -> bool:
    """A test file, or a file that configures the test run."""
    return is_test(name) or Path(name).name in JUDGE_CONFIG


def restore_tests(task: Task, root: Path) -> list[str]:
    """Put the task's test files and pytest configuration back as they were, delete those the
    solver added (a ``conftest.py`` could skip every test), and add the hidden tests."""
    original = {name: path for path, name in repo_files(task.repo_dir) if is_judge_file(name)}
    for folder, folders, files in os.walk(root):
        folders[:] = [name for name in folders if name != ".git"]
        for name in files:
            relative = (Path(folder) / name).relative_to(root).as_posix()
            if is_judge_file(relative) and relative not in original:
                (Path(folder) / name).unlink()
    for name, path in original.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.is_symlink():
            target.unlink()
        shutil.copyfile(path, target)
    return sorted(original) + apply_hidden_tests(task, root)


def run_task(
    task: Task,
    method: Method,
    model: ChatModel,
    sandbox: Sandbox,
    budget: Budget | None = None,
    trajectory: Path | None = None,
    embedder: Embedder | None = None,
) -> TaskResult:
    """Let ``model`` solve ``task`` with ``method``, then judge it with the hidden tests.
    ``trajectory``: where the agent's trajectory (JSON) or the one-shot answer (text) goes."""
    start = time.perf_counter()
    with Workspace.create(task.repo_dir) as workspace:
        if method == "agent":
            toolbox = Toolbox(workspace, sandbox, embedder)
            meta = {"task": task.id, "repo": str(task.repo_dir), "issue": task.issue,
                    "embedder": getattr(embedder, "name", None)}  # fmt: skip
            record = Trajectory(trajectory, meta) if trajectory else None
            outcome = Engineer(model, toolbox, budget, record).solve(task.issue, workspace.listing())  # fmt: skip
            toolbox.close()
            usage = outcome.usage
            status, steps = outcome.status, usage.steps
            tokens = (usage.prompt_tokens, usage.completion_tokens)
        else:
            answer = one_shot(model, task.issue, workspace)
            if trajectory is not None:  # the one answer, kept for reading like a trajectory
                trajectory.parent.mkdir(parents=True, exist_ok=True)
                trajectory.write_text(answer.reply, encoding="utf-8")
            status, steps = ("answered" if answer.changed else "no-files"), 1
            tokens = (answer.prompt_tokens, answer.completion_tokens)
        changed = workspace.changed_files()
        restore_tests(task, workspace.path)
        judged = sandbox.run(PYTEST, workspace)
    return TaskResult(
        task.id, task.kind, task.split, method, getattr(model, "name", "model"), judged.ok,
        status, test_summary(judged), steps, *tokens, round(time.perf_counter() - start, 2),
        changed,
    )  # fmt: skip


def summarise(results: list[TaskResult]) -> list[dict[str, Any]]:
    """One row per (method, model): resolved rate, mean steps, tokens and seconds per task."""
    rows = []
    for key in dict.fromkeys((r.method, r.model) for r in results):
        group = [r for r in results if (r.method, r.model) == key]
        n = len(group)
        rows.append({
            "method": key[0], "model": key[1], "n": n,
            "resolved": sum(r.resolved for r in group), "resolved_rate": sum(r.resolved for r in group) / n,
            "mean_steps": sum(r.steps for r in group) / n,
            "mean_tokens": sum(r.prompt_tokens + r.completion_tokens for r in group) / n,
            "mean_seconds": sum(r.seconds for r in group) / n,
        })  # fmt: skip
    return rows


def save_results(path: Path, results: list[TaskResult], meta: dict[str, Any]) -> None:
    """Every task's result and the summary rows, as one JSON file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {**meta, "summary": summarise(results), "tasks": [r.to_dict() for r in results]}
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")

"""The benchmark harness: hidden tests decide, after submission, and cannot be edited away."""

from __future__ import annotations

from pathlib import Path

import pytest

from m4_genai.llm import ScriptedChatModel
from m5_agents_mlops.house.sandbox import Limits
from m6_advanced.engineer.benchmark import oracle_agent, oracle_one_shot, run_task, summarise
from m6_advanced.engineer.sandbox import Sandbox
from m6_advanced.engineer.taskset import Task, load_tasks

TASK_ID = "t04-free-shipping"


@pytest.fixture(scope="module")
def task() -> Task:
    return load_tasks(ids=[TASK_ID])[0]


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(Limits(timeout_s=60, cpu_seconds=60))


def test_the_oracle_resolves_the_task_both_ways(task: Task, sandbox: Sandbox, tmp_path: Path) -> None:  # fmt: skip
    agent = run_task(task, "agent", oracle_agent(task), sandbox, trajectory=tmp_path / "t.json")
    one_shot = run_task(task, "one-shot", oracle_one_shot(task, tmp_path), sandbox)
    assert agent.resolved and agent.status == "submitted" and agent.model == "oracle"
    assert one_shot.resolved and one_shot.status == "answered" and one_shot.steps == 1
    assert agent.changed_files == one_shot.changed_files == sorted({e.path for e in task.solution})
    assert "passed" in agent.hidden_tests and "failed" not in agent.hidden_tests
    assert (tmp_path / "t.json").exists()
    rows = summarise([agent, one_shot])
    assert [(r["method"], r["resolved_rate"]) for r in rows] == [("agent", 1.0), ("one-shot", 1.0)]


def test_submitting_without_a_change_does_not_resolve(task: Task, sandbox: Sandbox) -> None:
    result = run_task(task, "agent", ScriptedChatModel(["```\nsubmit\ndone\n```"]), sandbox)
    assert not result.resolved and result.status == "submitted" and "failed" in result.hidden_tests
    assert result.changed_files == []


def test_the_judge_uses_the_repositorys_own_tests_as_they_were(task: Task, sandbox: Sandbox, tmp_path: Path) -> None:  # fmt: skip
    # The reference fix, plus every visible test file rewritten to fail: the judge restores the
    # originals, so what counts is the code, never the solver's copy of the tests.
    fixed = oracle_one_shot(task, tmp_path).replies[0]
    tests = [p.relative_to(task.repo_dir).as_posix() for p in task.repo_dir.rglob("test_*.py")]
    sabotage = "\n\n".join(f"{name}\n```python\ndef test_broken():\n    assert False\n```" for name in tests)  # fmt: skip
    result = run_task(task, "one-shot", ScriptedChatModel([f"{fixed}\n\n{sabotage}"]), sandbox)
    assert tests and result.resolved, result.hidden_tests
    assert set(tests) <= set(result.changed_files)

"""The hierarchical team and the sequential pipeline: who is asked what, in which order, when it stops."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from m4_genai.errors import ScriptExhaustedError
from m4_genai.llm import ScriptedChatModel, ToolCall
from m6_advanced.patterns import demo
from m6_advanced.patterns.hierarchical import NO_ANSWER, hierarchical
from m6_advanced.patterns.sequential import sequential
from m6_advanced.patterns.team import Team, TeamBudget, Transcript


def make_team(model: ScriptedChatModel, out: Path | None = None, **budget: float) -> Team:
    return Team(model, TeamBudget(**budget), Transcript("test", "task", out))  # type: ignore[arg-type]


def system_prompts(model: ScriptedChatModel) -> list[str]:
    """The role of each call, from the first sentence of its system prompt ("You are a writer")."""
    return [call[0]["content"].split(".")[0].split()[-1] for call in model.calls]


def test_the_manager_delegates_each_subtask_to_its_own_worker_and_merges(tmp_path: Path) -> None:
    model = demo.hierarchical_model()
    team = make_team(model, tmp_path)
    result = hierarchical(team, demo.HIERARCHICAL_TASK)
    assert result.success and result.stopped_by == "done"
    assert result.answer == "Notebooks 7.35, pens 2.2, total 9.55."  # the calculator's 9.55
    assert [d["result"] for d in result.details["delegated"]] == [
        "The notebooks cost 7.35.", "The pens cost 2.2."]  # fmt: skip
    # Order: plan, worker 1 (tool call + answer), worker 2 (same), merge (tool call + answer).
    assert system_prompts(model) == ["manager"] + ["worker"] * 4 + ["manager"] * 2
    assert model.calls[1][-1]["content"] == "What do 3 notebooks at 2.45 each cost?"
    assert demo.HIERARCHICAL_TASK not in str(model.calls[1])  # a worker sees only its subtask
    merge_prompt = model.calls[5][-1]["content"]
    assert (
        "result: The notebooks cost 7.35." in merge_prompt and "The pens cost 2.2." in merge_prompt
    )
    saved = json.loads((tmp_path / "transcript.json").read_text())
    assert [m["to"] for m in saved["messages"] if m["kind"] == "request"] == [
        "manager", "worker-1", "worker-2", "manager"]  # fmt: skip
    assert saved["totals"]["model_calls"] == 7 and saved["status"] == "done"


def test_an_invalid_plan_falls_back_to_one_worker_with_the_whole_task() -> None:
    model = ScriptedChatModel(["here is my plan: do it", "42 apples.", "42 apples in all."])
    result = hierarchical(make_team(model), "How many apples?")
    assert result.details["subtasks"] == ["How many apples?"]
    assert result.answer == "42 apples in all." and result.success
    assert any(m["kind"] == "invalid" for m in result.transcript.messages)  # type: ignore[union-attr]


def test_a_worker_out_of_steps_is_reported_to_the_merge_and_fails_the_run() -> None:
    call = ToolCall("c", "calculator", {"expression": "1 + 1"})
    plan = json.dumps({"subtasks": ["add one and one"]})
    model = ScriptedChatModel([plan, call, call, call, call, "I could not tell."])
    result = hierarchical(make_team(model), "task")
    assert result.details["delegated"][0]["result"] == NO_ANSWER  # 4 steps, never answered
    assert NO_ANSWER in model.calls[-1][-1]["content"] and not result.success


def test_the_team_budget_is_shared_by_every_role() -> None:
    model = demo.hierarchical_model()
    result = hierarchical(make_team(model, max_steps=4), demo.HIERARCHICAL_TASK)
    # plan (1) + worker 1 (2) + worker 2's first call (1): the 4th call is the last one.
    assert result.stopped_by == "max_steps" and not result.success and len(model.calls) == 4
    assert result.answer is None and result.totals["model_calls"] == 4


def test_the_pipeline_runs_in_order_and_the_review_sends_back_once() -> None:
    model = demo.sequential_model()
    result = sequential(make_team(model), demo.SEQUENTIAL_TASK, demo.SEQUENTIAL_SOURCE)
    assert result.success and result.details == {"revisions": 1, "verdicts": ["REVISE", "APPROVE"]}
    assert system_prompts(model) == [
        "researcher", "writer", "reviewer", "writer", "reviewer"]  # fmt: skip
    notes = model.calls[1][-1]["content"]
    assert "- A generator is a function that contains the yield keyword." in notes
    rewrite = model.calls[3][-1]["content"]
    assert "over 60 words: cut the last sentence" in rewrite and "Your draft:" in rewrite
    assert result.answer is not None and result.answer.startswith("A generator is a function with")


def revise(note: str) -> str:
    return json.dumps({"verdict": "REVISE", "notes": [note]})


@pytest.mark.parametrize("max_revisions", [0, 1, 2])
def test_send_backs_stop_at_the_bound(max_revisions: int) -> None:
    drafts = [f"draft {i}" for i in range(max_revisions + 1)]
    script = ["notes", drafts[0]] + [
        step for i in range(max_revisions) for step in (revise(f"fix {i}"), drafts[i + 1])
    ] + [revise("still bad")]  # fmt: skip
    model = ScriptedChatModel(script)
    result = sequential(make_team(model), "write it", max_revisions=max_revisions)
    assert len(model.calls) == len(script)  # every reply used, nothing more asked
    assert result.details["revisions"] == max_revisions and not result.success
    assert result.answer == drafts[-1] and result.stopped_by == "done"


def test_an_unreadable_verdict_keeps_the_draft_without_claiming_approval() -> None:
    model = ScriptedChatModel(["notes", "the draft", "looks fine to me!"])
    result = sequential(make_team(model), "write it")
    assert result.answer == "the draft" and result.details["verdicts"] == ["invalid"]
    assert not result.success


def test_a_model_failure_surfaces_instead_of_being_swallowed() -> None:
    with pytest.raises(ScriptExhaustedError):
        sequential(make_team(ScriptedChatModel(["notes"])), "write it")

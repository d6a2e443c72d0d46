"""Reflexion's control flow (success, max trials, budget, memory) and its exact evaluators."""

from __future__ import annotations

import pytest

from m4_genai.llm import ScriptedChatModel
from m6_advanced.errors import AdvancedError
from m6_advanced.patterns import demo
from m6_advanced.patterns.problems import PROBLEMS, check_code, extract_code, get_problem
from m6_advanced.patterns.reflexion import ARITHMETIC, CODE, actor_request, exact_value, reflexion
from m6_advanced.patterns.team import Team, TeamBudget, Transcript

QUESTION = "What is 17 * 23 - 4?"


def make_team(model: ScriptedChatModel, **budget: float) -> Team:
    return Team(model, TeamBudget(**budget), Transcript("reflexion", "task"))  # type: ignore[arg-type]


def test_a_first_attempt_that_passes_stops_without_reflecting() -> None:
    model = ScriptedChatModel(["17 * 23 - 4 = 387"])
    result = reflexion(make_team(model), QUESTION, exact_value(387), roles=ARITHMETIC)
    assert result.success and result.details["solved_at"] == 1
    assert result.details["memory"] == [] and len(model.calls) == 1


def test_the_critique_is_stored_and_shown_to_the_next_attempt() -> None:
    lesson = "I multiplied wrong: 17 * 23 is 391, so subtract 4 from 391."
    model = ScriptedChatModel(["It is 383.", lesson, "391 - 4 = 387"])
    result = reflexion(make_team(model), QUESTION, exact_value(387), roles=ARITHMETIC)
    assert result.success and result.details["solved_at"] == 2
    assert result.details["memory"] == [lesson]
    reflect_prompt, retry_prompt = model.calls[1][-1]["content"], model.calls[2][-1]["content"]
    assert "Your final answer 383 is wrong." in reflect_prompt  # the evaluator's feedback
    assert f"1. {lesson}" in retry_prompt and "It is 383." in retry_prompt
    assert lesson not in str(model.calls[0])  # the first attempt had no memory


def test_it_stops_after_max_trials_without_a_last_useless_reflection() -> None:
    model = ScriptedChatModel(["1", "lesson one", "2", "lesson two", "3"])
    result = reflexion(make_team(model), QUESTION, exact_value(387), max_trials=3, roles=ARITHMETIC)
    assert not result.success and result.stopped_by == "done"
    assert [t["passed"] for t in result.details["trials"]] == [False] * 3
    assert result.details["memory"] == ["lesson one", "lesson two"] and len(model.calls) == 5


def test_only_the_latest_reflections_are_shown() -> None:
    model = ScriptedChatModel(["1", "lesson one", "2", "lesson two", "387"])
    reflexion(make_team(model), QUESTION, exact_value(387), max_trials=3, memory_size=1,
              roles=ARITHMETIC)  # fmt: skip
    last_prompt = model.calls[-1][-1]["content"]
    assert "1. lesson two" in last_prompt and "lesson one" not in last_prompt


def test_it_stops_when_the_team_budget_is_spent() -> None:
    model = ScriptedChatModel(["1", "lesson one", "2", "lesson two", "387"])
    result = reflexion(make_team(model, max_steps=3), QUESTION, exact_value(387), max_trials=5)
    assert result.stopped_by == "max_steps" and not result.success
    assert len(model.calls) == 3 and result.answer == "2"


def test_arithmetic_roles_ask_for_a_stated_answer_and_show_attempts_as_text() -> None:
    model = ScriptedChatModel(["The answer is 383.", "Recheck 17 * 23.", "The answer is 387."])
    result = reflexion(make_team(model), QUESTION, exact_value(387), roles=ARITHMETIC)
    assert result.success and "The answer is N." in str(model.calls[0][0]["content"])
    assert "```\nThe answer is 383.\n```" in model.calls[2][-1]["content"]  # no python fence
    assert "```python" in actor_request("t", "def f(): ...", [], CODE.fence)


def test_exact_value_reads_the_stated_answer_not_the_working() -> None:
    check = exact_value(387)
    assert check("The answer is 387 (17 × 23 − 4).").passed  # the last number would be 4
    assert check("17 * 23 = 391, 391 - 4 = 387").passed
    assert not check("The answer is 12.").passed and not check("no idea").passed


def test_exact_value_reads_the_last_number() -> None:
    check = exact_value(1234.5)
    assert check("about 1,000... no: 1,234.5").passed
    assert not check("1234.5 or maybe 12").passed
    assert check("no idea").feedback == "Your answer contains no number."


def test_code_is_checked_in_the_sandbox_and_the_smoke_story_fails_then_passes() -> None:
    problem = get_problem(demo.REFLEXION_PROBLEM)
    model = demo.reflexion_model()
    result = reflexion(make_team(model), problem.prompt, lambda r: check_code(problem, r))
    assert result.details["solved_at"] == 2
    first, second = result.details["trials"]
    assert first["score"] == 0.25 and second["score"] == 1.0  # only rle('') == '' passed first
    feedback = model.calls[1][-1]["content"]  # what the reflector read: the failing asserts
    assert "assert rle('z') == 'z1'" in feedback and "FAILURES" not in feedback


def test_a_syntax_error_is_reported_in_one_line_without_running_anything() -> None:
    broken = check_code(get_problem("rle"), "def rle(text)\n    return text")
    assert not broken.passed
    assert broken.feedback == "SyntaxError in your code, line 1: expected ':'"


def test_problems_are_well_formed_and_split() -> None:
    ids = [p.id for p in PROBLEMS]
    assert len(set(ids)) == len(ids)
    assert {p.split for p in PROBLEMS} == {"dev", "test"}
    assert sum(p.split == "test" for p in PROBLEMS) >= 5
    assert all(p.prompt.count(p.asserts[0]) == 1 and len(p.asserts) >= 3 for p in PROBLEMS)
    with pytest.raises(AdvancedError, match="unknown problem 'nope'"):
        get_problem("nope")


def test_code_is_taken_from_fenced_blocks() -> None:
    assert extract_code("Sure!\n```python\nx = 1\n```\nDone.") == "x = 1\n"
    assert extract_code("x = 2") == "x = 2"

"""Plan-and-Solve: the problem set, the prompts, the two-stage extraction and the scored run."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest

from m4_genai.llm import ScriptedChatModel
from m6_advanced.cli.plan_and_solve import PlanAndSolveConfig, run
from m6_advanced.errors import GoldenFileError
from m6_advanced.planning.plan_and_solve import (
    EXTRACTION_TRIGGER,
    TRIGGERS,
    build_prompt,
    score,
    solve,
    worked_solution_model,
)
from m6_advanced.planning.plan_and_solve_problems import (
    PROBLEMS_FILE,
    evaluate_check,
    load_problems,
)

PROBLEMS = load_problems()


def test_problem_set_is_large_split_and_checked() -> None:
    assert len(PROBLEMS) >= 40
    assert [p.id for p in PROBLEMS if p.split == "dev"] == [f"wp-{i:02d}" for i in range(1, 21)]
    assert len(load_problems(split="test")) == 40
    for problem in PROBLEMS:  # the loader checks too; this states the rule where it is read
        assert evaluate_check(problem.check) == problem.answer, problem.id
        assert problem.question.endswith("?") and problem.solution


def test_check_expressions_are_exact_and_safe() -> None:
    assert evaluate_check("0.1 + 0.2") == Fraction(3, 10)
    assert evaluate_check("-(2**3) / 4") == -2
    for bad in ("__import__('os')", "2 % 3", "abs(-1)", "1 / 0", "2 ** 0.5", "1 +"):
        with pytest.raises(ValueError):
            evaluate_check(bad)


def test_loader_refuses_an_answer_its_check_does_not_give(tmp_path: Path) -> None:
    row = json.loads(PROBLEMS_FILE.read_text().splitlines()[4])
    row["answer"] = 10.53  # a typo of 10.35
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(row) + "\n")
    with pytest.raises(GoldenFileError, match=r"bad\.jsonl:1: answer 10\.53"):
        load_problems(bad)
    del row["check"]
    bad.write_text(json.dumps(row) + "\n")
    with pytest.raises(GoldenFileError, match="missing field"):
        load_problems(bad)


def test_each_strategy_puts_its_papers_trigger_after_the_question() -> None:
    question = PROBLEMS[0].question
    expected = {
        "zero-shot": "The answer (arabic numerals) is",
        "cot": "Let's think step by step.",
        "ps": "devise a plan to solve the problem. Then, let's carry out the plan",
        "ps+": "extract relevant variables and their corresponding numerals",
    }
    for strategy, phrase in expected.items():
        [message] = build_prompt(question, strategy)
        assert message["role"] == "user"
        assert message["content"].startswith(f"Q: {question}\nA: ")
        assert phrase in message["content"].split("\nA: ")[1]
    assert "calculate intermediate variables" in TRIGGERS["ps+"]
    assert "Let's think" not in TRIGGERS["ps"]


def test_two_stage_extraction_shows_the_reasoning_to_the_second_call() -> None:
    problem = PROBLEMS[4]  # Tom's change: 10.35
    reasoning = "3 notebooks cost 8.25; with the pen 9.65; change 20 - 9.65 = 10.35. Check: 20."
    model = ScriptedChatModel([reasoning, " $10.350 in change."])
    attempt = solve(model, problem, "ps")
    first, second = model.calls
    assert len(first) == 1 and TRIGGERS["ps"] in first[0]["content"]
    assert second[1] == {"role": "assistant", "content": reasoning}
    assert second[2] == {"role": "user", "content": EXTRACTION_TRIGGER}
    assert attempt.outcome == "correct" and attempt.predicted == "207/20"
    assert attempt.parsed == "20" and not attempt.parsed_correct  # last number: the check's 20


def test_zero_shot_is_one_call_and_misses_are_told_apart() -> None:
    problem = PROBLEMS[0]  # 2700 pages
    model = ScriptedChatModel(["2,700 pages", "I cannot tell.", "x", "27 hundred"])
    assert solve(model, problem, "zero-shot").outcome == "correct"
    assert len(model.calls) == 1
    lost = solve(model, problem, "cot")  # the extraction reply "x" holds no number
    assert lost.outcome == "no number" and lost.predicted is None
    assert solve(model, problem, "zero-shot").outcome == "wrong number"


def test_smoke_run_scores_three_problems(tmp_path: Path) -> None:
    config = PlanAndSolveConfig.preset("tiny", out=tmp_path)
    result = run(config)
    rows = {s.strategy: s for s in result.scores}
    assert list(rows) == ["zero-shot", "cot", "ps", "ps+"]
    assert all(s.n == 3 for s in rows.values())
    # Worked solutions end on their answer: every reasoning strategy is right on all three.
    for strategy in ("cot", "ps", "ps+"):
        assert rows[strategy].accuracy == 1.0 and rows[strategy].interval == (1.0, 1.0)
    # Zero-shot copies the question's last number (2.5, 10, 6 against 2700, 66, 8): all wrong.
    assert rows["zero-shot"].accuracy == 0.0 and rows["zero-shot"].wrong_number == 3
    lines = (tmp_path / "attempts.jsonl").read_text().splitlines()
    assert len(lines) == 12 and json.loads(lines[0])["problem_id"] == "wp-01"
    assert (tmp_path / "accuracy.png").stat().st_size > 1000
    assert result.metrics()["n_problems"] == 3


def test_smoke_model_writes_a_non_integer_answer_as_a_decimal() -> None:
    [fuel] = [p for p in load_problems(split="test") if p.id == "wp-21"]  # $31.50
    attempt = solve(worked_solution_model([fuel], ["cot"]), fuel, "cot")
    assert (attempt.extraction, attempt.outcome) == ("31.5.", "correct")


def test_score_counts_outcomes_per_strategy() -> None:
    model = ScriptedChatModel(["66", "60", "no idea"])
    attempts = [solve(model, PROBLEMS[1], "zero-shot") for _ in range(3)]
    [row] = score(attempts)
    assert (row.n, row.wrong_number, row.no_number) == (3, 1, 1)
    assert row.accuracy == pytest.approx(1 / 3)
    assert row.interval[0] <= row.accuracy <= row.interval[1]

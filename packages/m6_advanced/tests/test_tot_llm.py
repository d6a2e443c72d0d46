"""The LLM proposer/evaluator and the IO/CoT baselines, driven by a scripted chat model."""

from __future__ import annotations

from m4_genai.llm import ScriptedChatModel
from m4_genai.llm.base import Message
from m6_advanced.planning import game24_llm
from m6_advanced.planning.game24_llm import (
    LLMEvaluator,
    LLMProposer,
    extract_answer,
    parse_steps,
    parse_value,
    solve_once,
)
from m6_advanced.planning.game24_puzzles import Puzzle
from m6_advanced.planning.game24_search import root
from m6_advanced.planning.tot_experiment import Method, evaluate_method

REPLY = """4 + 8 = 12 (left: 4 6 12)
6 - 4 = 2 (left: 2 4 8)
8 / 4 = 2 (left: 2 4 6)
4 * 6 = 25 (left: 4 8 25)
9 + 4 = 13 (left: 4 6 8 13)
8 + 8 = 16 (left: 4 6 16)
Sure, here are more steps!
6 ** 2 = 36
4 + 8 = 12 (left: 4 6 12)
"""


def test_parse_steps_keeps_valid_steps_and_counts_the_rest() -> None:
    children, rejected = parse_steps(REPLY, root((4, 4, 6, 8)))
    assert [c.steps[-1] for c in children] == [
        "4 + 8 = 12 (left: 4 6 12)",
        "6 - 4 = 2 (left: 2 4 8)",
        "8 / 4 = 2 (left: 2 4 6)",
    ]
    # wrong arithmetic, a number not left, 8 used twice, prose, ** ; the repeat is merged, free
    assert rejected == 5


def test_parse_steps_handles_fractions_and_the_model_own_left() -> None:
    thought = root((3, 3, 8, 8))
    (child,), _ = parse_steps("8 / 3 = 8/3 (left: whatever)", thought)
    assert child.steps[-1] == "8 / 3 = 8/3 (left: 8/3 3 8)"
    (grandchild,), _ = parse_steps("3 - 8/3 = 1/3", child)
    assert grandchild.steps[-1] == "3 - 8/3 = 1/3 (left: 1/3 8)"


def test_proposer_counts_calls_and_shows_the_numbers_left() -> None:
    model = ScriptedChatModel([REPLY])
    proposer = LLMProposer(model)
    assert len(proposer.propose(root((4, 4, 6, 8)))) == 3
    assert proposer.model_calls == 1 and proposer.rejected_steps == 5
    prompt = model.calls[0][-1]["content"]
    assert prompt.rstrip().endswith("Input: 4 4 6 8\nPossible next steps:")


def test_value_words_and_the_cache() -> None:
    assert parse_value("Sure, 10 + 14 = 24.\nimpossible") == 20.0  # the first judgement counts
    assert parse_value("likely") == 1.0 and parse_value("I am not certain.") == 0.0
    model = ScriptedChatModel(["impossible", "sure"])
    evaluator = LLMEvaluator(model)
    thought = root((1, 1, 1, 1))
    assert evaluator.evaluate(thought) == 0.001
    assert evaluator.evaluate(thought) == 0.001 and evaluator.model_calls == 1  # cached
    (child, *_), _ = parse_steps("1 + 1 = 2", thought)
    assert evaluator.evaluate(child) == 20.0 and model.calls[1][-1]["content"].endswith("1 1 2\n")


def test_one_number_left_is_judged_by_code() -> None:
    evaluator = LLMEvaluator(ScriptedChatModel([]))  # any model call would raise
    (done,), _ = parse_steps("12 * 2 = 24", root((2, 12)))
    assert evaluator.evaluate(done) == 20.0 and evaluator.model_calls == 0


def test_io_and_cot_answers_are_checked_exactly() -> None:
    assert extract_answer("Answer: (4 + 8) * (6 - 4) = 24") == "(4 + 8) * (6 - 4)"
    assert extract_answer("blah\n(4 + 8) * (6 - 4) = 24") == "(4 + 8) * (6 - 4)"
    assert extract_answer("I cannot.") is None
    right = ScriptedChatModel(["Answer: (4 + 8) × (6 - 4) = 24"])
    assert solve_once(right, (4, 4, 6, 8), "io").solved
    wrong = ScriptedChatModel(["Steps:\n4 * 6 = 24 (left: 4 8 24)\nAnswer: 4 * 6 = 24"])
    attempt = solve_once(wrong, (4, 4, 6, 8), "cot")
    assert not attempt.solved and attempt.expression == "4 * 6"  # omits 4 and 8: rejected
    assert "Steps:" in wrong.calls[0][-1]["content"]


def oracle(messages: list[Message]) -> str:
    """A scripted 'model' that proposes the right steps and values states honestly-ish."""
    prompt = messages[-1]["content"]
    if prompt.startswith(game24_llm.PROPOSE_PROMPT[:20]):
        numbers = prompt.rstrip().splitlines()[-2].removeprefix("Input: ")
        return {"4 4 6 8": "4 + 8 = 12\n6 - 4 = 2\n4 * 4 = 16",
                "4 6 12": "6 - 4 = 2\n4 + 6 = 10", "2 4 8": "4 + 8 = 12",
                "2 12": "2 * 12 = 24", "6 16": "16 - 6 = 10"}.get(numbers, "no idea")  # fmt: skip
    numbers = prompt.rstrip().splitlines()[-1]
    return "sure" if numbers in ("4 6 12", "2 12", "2 4 8") else "impossible"


def test_tot_bfs_with_a_scripted_model_solves_and_counts_calls() -> None:
    model = ScriptedChatModel([oracle] * 20)
    summary = evaluate_method(
        Method(proposer="llm", evaluator="llm", breadth=2), [Puzzle((4, 4, 6, 8), 1, 1)], model
    )
    outcome = summary.outcomes[0]
    assert outcome.solved and outcome.answer is not None
    assert outcome.model_calls == len(model.calls) and outcome.expanded >= 3

"""Game of 24: the exact solver and checker, the puzzle file's split, the programmatic searches."""

from __future__ import annotations

import pytest

from m6_advanced.planning.game24 import (
    check_answer,
    count_solutions,
    evaluate_expression,
    solve,
    start_items,
    successors,
)
from m6_advanced.planning.game24_puzzles import (
    DEV_SIZE,
    HARD_POOL,
    TEST_SIZE,
    load_puzzles,
)
from m6_advanced.planning.tot_experiment import Method, evaluate_method


@pytest.mark.parametrize("numbers", [(4, 4, 6, 8), (3, 3, 8, 8), (1, 4, 5, 6), (1, 1, 4, 10)])
def test_solver_finds_an_answer_the_checker_accepts(numbers: tuple[int, ...]) -> None:
    answer = solve(numbers)
    assert answer is not None and check_answer(answer, numbers)


@pytest.mark.parametrize("numbers", [(1, 1, 1, 1), (1, 1, 1, 2), (13, 13, 13, 13)])
def test_solver_says_none_for_unsolvable_puzzles(numbers: tuple[int, ...]) -> None:
    assert solve(numbers) is None and count_solutions(numbers) == 0


def test_division_is_exact() -> None:
    value, used = evaluate_expression("8/(3-8/3)")
    assert value == 24 and used == [8, 3, 8, 3]
    assert check_answer("8 / (3 - 8 / 3) = 24", (3, 3, 8, 8))
    assert 8 / (3 - 8 / 3) != 24  # floating point misses it: why we use Fractions


@pytest.mark.parametrize(
    "expression",
    [
        "4 * 6",  # omits numbers
        "(4 + 8) * (6 - 4) + 4 - 4",  # reuses one
        "(4 + 8) * (6 - 5)",  # a number not in the puzzle
        "4 ** 2 + 8",  # another operator
        "-4 + 4 * 6 + 8 - 8",  # unary minus
        "(4 + 8) * (6 - 4.0)",  # a float
        "abs(4 + 8) * (6 - 4)",  # a call
        "__import__('os')",
        "(4 + 8) * (6 - 4",  # does not parse
        "4 / (4 - 4) + 6 * 8",  # division by zero
        "(4 + 8) * 6 - 4",  # the right numbers, the wrong value
    ],
)
def test_checker_rejects(expression: str) -> None:
    assert not check_answer(expression, (4, 4, 6, 8))


def test_checker_accepts_the_classic_answer() -> None:
    assert check_answer("(4 + 8) * (6 - 4)", (4, 4, 6, 8))
    assert check_answer("(6 - 4) * (8 + 4) = 24", (4, 6, 4, 8))


def test_successors_are_every_pairwise_step_without_duplicates() -> None:
    steps = successors(start_items((1, 2, 3, 4)))
    assert "1 + 2 = 3 (left: 3 3 4)" in [text for text, _ in steps]
    lefts = [tuple(v for v, _ in state) for _, state in steps]
    assert len(lefts) == len(set(lefts)) and all(len(left) == 3 for left in lefts)
    assert any(text.startswith("3 / 4 = 3/4") for text, _ in steps)


def test_puzzle_split_is_fixed_disjoint_and_hard() -> None:
    test, dev = load_puzzles("test"), load_puzzles("dev")
    assert (len(test), len(dev)) == (TEST_SIZE, DEV_SIZE)
    assert [p.id for p in test[:3]] == ["2-10-11-11", "4-7-13-13", "1-1-4-10"]
    assert [p.id for p in dev[:3]] == ["5-8-10-12", "1-1-2-10", "1-5-5-12"]
    assert not {p.id for p in test} & {p.id for p in dev}
    assert all(p.rank <= HARD_POOL for p in test + dev)
    for puzzle in test[::25]:  # a sample: the file agrees with the solver
        assert count_solutions(puzzle.numbers) == puzzle.paths >= 1
        assert solve(puzzle.numbers) is not None


def test_exact_evaluator_solves_every_dev_puzzle_greedily() -> None:
    summary = evaluate_method(Method(breadth=1), load_puzzles("dev", 8))
    assert summary.solved_rate == 1.0 and summary.mean_expanded == 3.0
    assert all(check_answer(o.answer or "", tuple(map(int, o.puzzle.split("-"))))
               for o in summary.outcomes)  # fmt: skip


def test_breadth_and_backtracking_help_the_heuristic() -> None:
    dev = load_puzzles("dev", 20)
    greedy = evaluate_method(Method(evaluator="heuristic", breadth=1), dev).solved_rate
    wide = evaluate_method(Method(evaluator="heuristic", breadth=8), dev).solved_rate
    deep = evaluate_method(Method(search="dfs", evaluator="heuristic", max_nodes=30), dev)
    assert greedy < wide < 1.0
    assert deep.solved_rate > greedy and deep.mean_expanded > 3

"""Game of 24 as a Tree of Thoughts problem: the root, the goal test, and code-only proposer/evaluators.

Each thought combines two of the numbers left (``4 + 4 = 8 (left: 6 8 8)``), so every puzzle is a
tree of depth 3 (four numbers → three → two → one). Solving needs a good proposer *and* a good
evaluator; here both can be code, which gives the baselines a model has to be compared with:

- ``ExactProposer``: all pairwise combinations (the paper's "propose" step, done exhaustively);
- ``ExactEvaluator``: "sure" if 24 is still reachable from the numbers left, else "impossible"
  (an oracle: with it, BFS with breadth 1 never fails; it shows the search is sound);
- ``HeuristicEvaluator``: a cheap guess (how close the nearest number is to 24, integers
  preferred), so breadth and backtracking actually matter, as they do with an LLM's judgement.
"""

from __future__ import annotations

from fractions import Fraction

from m6_advanced.planning.game24 import (
    TARGET,
    Item,
    reachable,
    start_items,
    successors,
    values_of,
)
from m6_advanced.planning.tot_search import VALUE_OF, Thought


def root(numbers: tuple[int, ...]) -> Thought:
    """The empty thought of a puzzle: all four numbers left, no step taken."""
    return Thought(start_items(numbers))


def items_of(thought: Thought) -> tuple[Item, ...]:
    """The numbers left in a Game of 24 thought, with the expression behind each."""
    return thought.state  # type: ignore[return-value]


def is_goal(thought: Thought) -> bool:
    """One number left and it is exactly 24."""
    items = items_of(thought)
    return len(items) == 1 and items[0][0] == TARGET


def answer_of(thought: Thought) -> str:
    """The expression a solved thought built, e.g. ``(4 + 8) * (6 - 4)``."""
    expression = items_of(thought)[0][1]
    return expression[1:-1] if expression.startswith("(") else expression


class ExactProposer:
    """Every state one operation away (pairs x operations, duplicates by numbers left removed)."""

    def propose(self, thought: Thought) -> list[Thought]:
        return [thought.child(state, step) for step, state in successors(items_of(thought))]


class ExactEvaluator:
    """``sure`` (20) when 24 is reachable from the numbers left, else ``impossible`` (0.001)."""

    def evaluate(self, thought: Thought) -> float:
        can = reachable(values_of(items_of(thought)))
        return VALUE_OF["sure"] if can else VALUE_OF["impossible"]


class HeuristicEvaluator:
    """Closeness to 24 of the nearest number left, minus a little for every fraction.

    ``1 / (1 + |x - 24|)`` for the best ``x``: 1.0 when 24 is on the table, small when every
    number is far away. Fractions are penalised because people (and the paper's prompts) avoid
    them; that is exactly why puzzles like ``3 3 8 8`` → ``8 / (3 - 8/3)`` are hard. A single
    number left is judged exactly (it is 24 or it is not).
    """

    fraction_penalty = 0.1

    def evaluate(self, thought: Thought) -> float:
        values = values_of(items_of(thought))
        if len(values) == 1:
            return VALUE_OF["sure"] if values[0] == TARGET else VALUE_OF["impossible"]
        closeness = max(1 / (1 + abs(float(v - TARGET))) for v in values)
        fractions = sum(1 for v in values if Fraction(v).denominator != 1)
        return closeness - self.fraction_penalty * fractions

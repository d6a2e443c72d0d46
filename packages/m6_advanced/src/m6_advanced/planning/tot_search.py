"""Tree of Thoughts (Yao et al. 2023): search over partial solutions with a proposer and an evaluator.

A *thought* is one coherent step towards a solution ("4 + 4 = 8 (left: 6 8 8)" in Game of 24, one
more word in a word ladder). Two pluggable parts drive the search:

- a ``Proposer`` turns a thought into candidate next thoughts (an LLM asked "possible next steps",
  or code that enumerates them exactly);
- an ``Evaluator`` scores a thought: how promising is it? The paper asks the LLM for
  ``sure``/``likely``/``impossible`` and maps them to 20/1/0.001 (``VALUE_OF``); code can return
  any float.

Two classic searches use them:

- ``bfs``: expand every state of the frontier, score all children, keep the best ``breadth`` of
  them, repeat for ``steps`` levels (the paper's ToT-BFS, b = 5 for Game of 24);
- ``dfs``: follow the best child first, prune children scoring below ``threshold`` and backtrack
  when a subtree is exhausted (the paper's ToT-DFS for crosswords).

Both count what the search cost (``SearchTrace``: states expanded and evaluated, model calls), so
a method that solves more puzzles by spending ten times the calls is visible as such.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Literal, Protocol

VALUE_OF = {"sure": 20.0, "likely": 1.0, "impossible": 0.001}
"""The paper's mapping of the evaluator's words to numbers (summed over samples there)."""

StopReason = Literal["solved", "exhausted", "budget"]


@dataclass(frozen=True)
class Thought:
    """A node of the tree: the task's state plus the steps (in words) that led to it."""

    state: Hashable
    """What the task needs to continue: the numbers left, the words so far..."""
    steps: tuple[str, ...] = ()
    """Every thought from the root to here, in order (its length is the depth)."""

    def child(self, state: Hashable, step: str) -> Thought:
        """The thought one ``step`` further, in ``state``."""
        return Thought(state, (*self.steps, step))


class Proposer(Protocol):
    """State → candidate next thoughts (possibly none: a dead end)."""

    def propose(self, thought: Thought) -> list[Thought]: ...


class Evaluator(Protocol):
    """State → value (higher = more promising)."""

    def evaluate(self, thought: Thought) -> float: ...


GoalTest = Callable[[Thought], bool]
"""Whether a thought *is* a solution, checked exactly by code (never by the evaluator)."""


@dataclass
class SearchTrace:
    """What a search did: how much it spent and in which order it looked."""

    expanded: int = 0
    """States handed to the proposer (each one may be a model call)."""
    evaluated: int = 0
    """States handed to the evaluator."""
    pruned: int = 0
    """DFS: children skipped because their value was below the threshold."""
    model_calls: int = 0
    """Calls to a chat model by the proposer and the evaluator (0 for programmatic parts)."""
    visited: list[tuple[str, ...]] = field(default_factory=list)
    """The steps of every expanded state, in expansion order."""
    levels: list[list[tuple[tuple[str, ...], float]]] = field(default_factory=list)
    """BFS: the states kept at each level with their values."""
    stopped_by: StopReason = "exhausted"


@dataclass
class SearchResult:
    """The solution (or None) and the trace of the search that found it."""

    solution: Thought | None
    trace: SearchTrace

    @property
    def solved(self) -> bool:
        return self.solution is not None


def count_calls(*parts: object) -> int:
    """Model calls made so far by the parts that talk to a model (``model_calls`` attribute)."""
    return sum(int(getattr(part, "model_calls", 0)) for part in parts)


def _scored(
    children: list[Thought], evaluator: Evaluator, trace: SearchTrace
) -> list[tuple[Thought, float]]:
    """Children with their values, best first (ties keep the proposer's order: sort is stable)."""
    trace.evaluated += len(children)
    scored = [(child, evaluator.evaluate(child)) for child in children]
    return sorted(scored, key=lambda pair: -pair[1])


def bfs(
    root: Thought,
    proposer: Proposer,
    evaluator: Evaluator,
    is_goal: GoalTest,
    *,
    steps: int,
    breadth: int,
    max_nodes: int | None = None,
) -> SearchResult:
    """ToT-BFS: ``steps`` levels, each keeping the ``breadth`` best-valued children of the frontier.

    Stops early when a child is a goal, or when ``max_nodes`` states have been expanded.
    """
    trace = SearchTrace()
    calls_before = count_calls(proposer, evaluator)
    frontier = [root]
    for _ in range(steps):
        children: list[Thought] = []
        for state in frontier:
            if max_nodes is not None and trace.expanded >= max_nodes:
                trace.stopped_by = "budget"
                break
            trace.expanded += 1
            trace.visited.append(state.steps)
            children += proposer.propose(state)
        scored = _scored(children, evaluator, trace)
        kept = scored[:breadth]
        trace.levels.append([(child.steps, value) for child, value in kept])
        frontier = [child for child, _ in kept]
        # A child that *is* a solution (checked by code) ends the search even if the cut would
        # drop it: the evaluator only ranks; it never decides what counts as solved.
        goal = next((child for child, _ in scored if is_goal(child)), None)
        if goal is not None or trace.stopped_by == "budget" or not frontier:
            trace.stopped_by = "solved" if goal is not None else trace.stopped_by
            trace.model_calls = count_calls(proposer, evaluator) - calls_before
            return SearchResult(goal, trace)
    trace.model_calls = count_calls(proposer, evaluator) - calls_before
    return SearchResult(None, trace)


class _BudgetSpent(Exception):
    """Unwinds the DFS recursion when the node budget runs out."""


def dfs(
    root: Thought,
    proposer: Proposer,
    evaluator: Evaluator,
    is_goal: GoalTest,
    *,
    max_depth: int,
    threshold: float,
    max_nodes: int = 100,
) -> SearchResult:
    """ToT-DFS: try the best child first, skip children valued below ``threshold``, backtrack.

    A goal ends the search at once; ``max_nodes`` expansions end it too (``stopped_by="budget"``).
    """
    trace = SearchTrace()
    calls_before = count_calls(proposer, evaluator)

    def visit(thought: Thought) -> Thought | None:
        if is_goal(thought):
            return thought
        if len(thought.steps) >= max_depth:
            return None  # a leaf that is not a solution: backtrack
        if trace.expanded >= max_nodes:
            raise _BudgetSpent
        trace.expanded += 1
        trace.visited.append(thought.steps)
        for child, value in _scored(proposer.propose(thought), evaluator, trace):
            if value < threshold:
                trace.pruned += 1  # sorted best first, but count every child we refuse
                continue
            found = visit(child)
            if found is not None:
                return found
        return None

    try:
        solution = visit(root)
        trace.stopped_by = "solved" if solution is not None else "exhausted"
    except _BudgetSpent:
        solution, trace.stopped_by = None, "budget"
    trace.model_calls = count_calls(proposer, evaluator) - calls_before
    return SearchResult(solution, trace)

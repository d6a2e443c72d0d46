"""BFS and DFS over thoughts on a toy tree whose proposer and evaluator are scripted."""

from __future__ import annotations

from m6_advanced.planning.tot_search import Thought, bfs, dfs

# A hand-made tree: state → children. Values are fixed per state; "goal" marks solutions.
TREE = {
    "root": ["a", "b", "c"],
    "a": ["a1", "a2"],
    "b": ["b1", "goal_b"],
    "c": ["c1"],
    "a1": [],
    "a2": [],
    "b1": [],
    "c1": [],
}
VALUES = {"a": 5.0, "b": 3.0, "c": 1.0, "a1": 2.0, "a2": 0.5, "b1": 1.0, "goal_b": 4.0, "c1": 9.0}


class TreeProposer:
    """Children from TREE; counts its "model calls" like an LLM proposer would."""

    def __init__(self) -> None:
        self.model_calls = 0

    def propose(self, thought: Thought) -> list[Thought]:
        self.model_calls += 1
        return [thought.child(child, child) for child in TREE.get(str(thought.state), [])]


class TreeEvaluator:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def evaluate(self, thought: Thought) -> float:
        self.seen.append(str(thought.state))
        return VALUES[str(thought.state)]


def is_goal(thought: Thought) -> bool:
    return str(thought.state).startswith("goal")


ROOT = Thought("root")


def test_bfs_keeps_the_best_b_per_level_and_finds_the_goal() -> None:
    proposer, evaluator = TreeProposer(), TreeEvaluator()
    result = bfs(ROOT, proposer, evaluator, is_goal, steps=2, breadth=2)
    assert result.solved and result.solution is not None
    assert result.solution.steps == ("b", "goal_b")
    # level 1 keeps a (5) and b (3), cuts c (1): so c1, worth 9, is never seen
    assert [steps for steps, _ in result.trace.levels[0]] == [("a",), ("b",)]
    assert "c1" not in evaluator.seen
    assert result.trace.visited == [(), ("a",), ("b",)]
    assert result.trace.expanded == 3 and result.trace.model_calls == 3
    assert result.trace.evaluated == 3 + 4 and result.trace.stopped_by == "solved"


def test_bfs_breadth_one_is_greedy_and_misses() -> None:
    result = bfs(ROOT, TreeProposer(), TreeEvaluator(), is_goal, steps=2, breadth=1)
    assert not result.solved
    assert result.trace.levels[1] == [(("a", "a1"), 2.0)]
    assert result.trace.stopped_by == "exhausted"


def test_bfs_node_budget_stops_the_search() -> None:
    result = bfs(ROOT, TreeProposer(), TreeEvaluator(), is_goal, steps=2, breadth=3, max_nodes=2)
    assert result.trace.expanded == 2 and result.trace.stopped_by == "budget"
    assert not result.solved


def test_dfs_goes_best_first_then_backtracks() -> None:
    result = dfs(ROOT, TreeProposer(), TreeEvaluator(), is_goal, max_depth=2, threshold=0.0)
    assert result.solution is not None and result.solution.steps == ("b", "goal_b")
    # a is tried first (value 5), its leaves fail, then backtrack to b
    assert result.trace.visited == [(), ("a",), ("b",)]
    assert result.trace.pruned == 0


def test_dfs_prunes_children_below_the_threshold() -> None:
    result = dfs(ROOT, TreeProposer(), TreeEvaluator(), is_goal, max_depth=2, threshold=3.5)
    # only a (5) passes at level 1; b (3) and c (1) are pruned; a's leaves (2, 0.5) too
    assert not result.solved and result.trace.stopped_by == "exhausted"
    assert result.trace.visited == [(), ("a",)]
    assert result.trace.pruned == 2 + 2


def test_dfs_budget_ends_the_search() -> None:
    proposer = TreeProposer()
    result = dfs(ROOT, proposer, TreeEvaluator(), is_goal, max_depth=2, threshold=0.0, max_nodes=2)
    assert result.trace.stopped_by == "budget" and not result.solved
    assert result.trace.expanded == 2 and proposer.model_calls == 2 == result.trace.model_calls

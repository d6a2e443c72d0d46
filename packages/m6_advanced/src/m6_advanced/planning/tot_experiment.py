"""Run one Tree of Thoughts method over a puzzle set and measure it: solved rate and what it cost.

A method is a task (``game24`` or ``ladder``), a search (``bfs``/``dfs``, or a one-shot ``io`` /
``cot`` baseline for Game of 24), a proposer and an evaluator (``exact``/``heuristic`` code, or
``llm``). Every answer is checked by the task's own checker, never by the search or the model.
The CLI (``tree-of-thoughts``) and ``scripts/bench_tot.py`` both call ``evaluate_method``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from m4_genai.golden.scoring import bootstrap_ci
from m4_genai.llm import ChatModel
from m6_advanced.errors import AdvancedError
from m6_advanced.planning import game24_llm, game24_search, tot_ladder
from m6_advanced.planning.game24 import check_answer
from m6_advanced.planning.tot_search import Evaluator, Proposer, SearchResult, bfs, dfs

TaskName = Literal["game24", "ladder"]
SearchName = Literal["bfs", "dfs", "io", "cot"]
ProposerName = Literal["exact", "llm"]
EvaluatorName = Literal["exact", "heuristic", "llm"]
STOP = ["\nInput:", "Input:"]
"""Stop sequences for a local model: the few-shot prompts' next example starts here."""


@dataclass(frozen=True)
class Method:
    """What to run: a task, a search and the two parts, with the search's knobs."""

    task: TaskName = "game24"
    search: SearchName = "bfs"
    proposer: ProposerName = "exact"
    evaluator: EvaluatorName = "exact"
    breadth: int = 5
    """BFS: states kept per level (the paper's b)."""
    max_nodes: int = 30
    """DFS: expansions before giving up (BFS is bounded by depth x breadth already)."""

    @property
    def name(self) -> str:
        if self.search in ("io", "cot"):
            return f"{self.search.upper()} (one attempt)"
        knob = f"b={self.breadth}" if self.search == "bfs" else f"nodes<={self.max_nodes}"
        return f"{self.search.upper()} {self.proposer}/{self.evaluator} {knob}"


@dataclass
class Outcome:
    """One puzzle under one method."""

    puzzle: str
    solved: bool
    answer: str | None
    expanded: int = 0
    evaluated: int = 0
    model_calls: int = 0
    seconds: float = 0.0
    stopped_by: str = ""
    kept_steps: int = 0
    """LLM proposer: proposed steps that passed the exact check."""
    rejected_steps: int = 0
    """LLM proposer: lines dropped (bad arithmetic, numbers not left, not a step at all)."""


@dataclass
class Summary:
    """A method over a puzzle set: solved rate (95 % bootstrap interval) and mean cost."""

    method: str
    n: int
    solved_rate: float
    interval: tuple[float, float]
    mean_expanded: float
    mean_model_calls: float
    seconds_per_puzzle: float
    outcomes: list[Outcome] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def row(self) -> list[Any]:
        low, high = self.interval
        return [self.method, self.n, f"{self.solved_rate:.0%} [{low:.0%}, {high:.0%}]",
                self.mean_expanded, self.mean_model_calls, self.seconds_per_puzzle]  # fmt: skip

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "outcomes": [asdict(o) for o in self.outcomes]}


COLUMNS = ["method", "n", "solved [95% CI]", "nodes expanded", "model calls", "s / puzzle"]


@dataclass(frozen=True)
class TaskParts:
    """How a task plugs into the search: root, goal test, answer, checker, depth, parts."""

    root: Callable[[Any], Any]
    is_goal: Callable[[Any], bool]
    answer_of: Callable[[Any], str]
    check: Callable[[Any, str], bool]
    depth: int
    thresholds: dict[str, float]
    """DFS: the least value a child needs, per evaluator kind."""


TASKS = {
    "game24": TaskParts(
        root=lambda p: game24_search.root(p.numbers),
        is_goal=game24_search.is_goal,
        answer_of=game24_search.answer_of,
        check=lambda p, answer: check_answer(answer, p.numbers),
        depth=3,
        thresholds={"exact": 1.0, "heuristic": 0.02, "llm": 1.0},  # llm: "likely" or better
    ),
    "ladder": TaskParts(
        root=tot_ladder.root,
        is_goal=tot_ladder.is_goal,
        answer_of=tot_ladder.answer_of,
        check=tot_ladder.check_ladder,
        depth=tot_ladder.MAX_STEPS,
        thresholds={"exact": 1.0, "heuristic": 0.0, "llm": 1.0},
    ),
}


def make_parts(method: Method, model: ChatModel | None) -> tuple[Proposer, Evaluator]:
    """The proposer and evaluator a method names (``llm`` ones need ``model``)."""
    if "llm" in (method.proposer, method.evaluator) and model is None:
        raise AdvancedError(f"{method.name} needs a chat model (--llm local)")
    if method.task == "game24":
        proposers: dict[str, Callable[[], Any]] = {
            "exact": game24_search.ExactProposer, "llm": lambda: game24_llm.LLMProposer(model)}  # fmt: skip
        evaluators: dict[str, Callable[[], Any]] = {
            "exact": game24_search.ExactEvaluator, "heuristic": game24_search.HeuristicEvaluator,
            "llm": lambda: game24_llm.LLMEvaluator(model)}  # fmt: skip
    else:
        proposers = {"exact": tot_ladder.DictionaryProposer,
                     "llm": lambda: tot_ladder.LLMProposer(model)}  # fmt: skip
        evaluators = {"exact": tot_ladder.DistanceEvaluator,
                      "heuristic": tot_ladder.LettersEvaluator,
                      "llm": lambda: tot_ladder.LLMEvaluator(model)}  # fmt: skip
    return proposers[method.proposer](), evaluators[method.evaluator]()


def solve_one(method: Method, puzzle: Any, model: ChatModel | None) -> Outcome:
    """Run the method on one puzzle and check what it returns."""
    start = time.perf_counter()
    if method.search in ("io", "cot"):
        if method.task != "game24" or model is None:
            raise AdvancedError("the io/cot baselines are for --task game24 with a chat model")
        attempt = game24_llm.solve_once(model, puzzle.numbers, method.search)
        seconds = time.perf_counter() - start
        return Outcome(puzzle.id, attempt.solved, attempt.expression, 0, 0, 1, seconds, "answer")
    task = TASKS[method.task]
    proposer, evaluator = make_parts(method, model)
    if method.search == "bfs":
        result: SearchResult = bfs(task.root(puzzle), proposer, evaluator, task.is_goal,
                                   steps=task.depth, breadth=method.breadth)  # fmt: skip
    else:
        threshold = task.thresholds[method.evaluator]
        result = dfs(task.root(puzzle), proposer, evaluator, task.is_goal, max_depth=task.depth,
                     threshold=threshold, max_nodes=method.max_nodes)  # fmt: skip
    answer = task.answer_of(result.solution) if result.solution is not None else None
    solved = answer is not None and task.check(puzzle, answer)  # the checker has the last word
    trace = result.trace
    return Outcome(puzzle.id, solved, answer, trace.expanded, trace.evaluated, trace.model_calls,
                   time.perf_counter() - start, trace.stopped_by,
                   getattr(proposer, "kept_steps", 0), getattr(proposer, "rejected_steps", 0))  # fmt: skip


def evaluate_method(
    method: Method,
    puzzles: Sequence[Any],
    model: ChatModel | None = None,
    on_outcome: Callable[[Outcome], None] | None = None,
) -> Summary:
    """Solve every puzzle with ``method``; the solved rate with a bootstrap interval, mean costs."""
    outcomes = []
    for puzzle in puzzles:
        outcomes.append(solve_one(method, puzzle, model))
        if on_outcome is not None:
            on_outcome(outcomes[-1])
    n = max(len(outcomes), 1)
    hits = [float(o.solved) for o in outcomes]
    return Summary(
        method=method.name,
        n=len(outcomes),
        solved_rate=sum(hits) / n,
        interval=bootstrap_ci(hits),
        mean_expanded=sum(o.expanded for o in outcomes) / n,
        mean_model_calls=sum(o.model_calls for o in outcomes) / n,
        seconds_per_puzzle=sum(o.seconds for o in outcomes) / n,
        outcomes=outcomes,
    )

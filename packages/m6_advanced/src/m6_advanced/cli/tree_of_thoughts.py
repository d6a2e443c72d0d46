"""``tree-of-thoughts``: search over thoughts (Yao et al. 2023) on Game of 24 and word ladders.

    uv run tree-of-thoughts --smoke                                 # code only, 5 puzzles, seconds
    uv run tree-of-thoughts --task game24 --search bfs --breadth 5  # exact proposer + evaluator
    uv run tree-of-thoughts --evaluator heuristic --breadth 1       # greedy: watch it fail
    uv run tree-of-thoughts --search dfs --evaluator heuristic      # backtracking rescues some
    uv run tree-of-thoughts --proposer llm --evaluator llm --llm local --limit 5 --threads 1
    uv run tree-of-thoughts --search cot --llm local --limit 20     # one-attempt baseline
    uv run tree-of-thoughts --task ladder --evaluator heuristic     # cold -> cord -> ... -> warm

A *thought* is one step towards a solution: ``4 + 4 = 8 (left: 6 8 8)`` in Game of 24, one
more rung of a word ladder. A proposer suggests next thoughts, an evaluator values them
(``sure``/``likely``/``impossible`` → 20/1/0.001 in the paper), and a search decides which to
follow: BFS keeps the ``--breadth`` best per level, DFS dives into the best and backtracks below a
threshold. ``exact`` parts are code (all pairwise combinations; "is 24 still reachable?"),
``heuristic`` is a cheap guess, ``llm`` uses the paper's few-shot prompts with the chat model.
``--search io|cot`` asks the model once for an answer (the baselines ToT is compared with).

Every answer is checked by code: an expression must use the four numbers once each and equal 24
exactly (Fractions, parsed with ``ast``). Puzzles: the hardest 300 of the 1362 solvable ones,
split into 100 test and 50 dev (``planning/game24_puzzles.json``); ladders: 40 test, 20 dev.
Writes ``metrics.json`` (every puzzle's outcome) and ``solved_vs_nodes.png`` (solved rate against node budget) under ``--out``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from m4_genai.llm import ChatModel, Kind, load_chat_model
from m6_advanced.planning.game24_puzzles import Split, load_puzzles
from m6_advanced.planning.tot_experiment import (
    COLUMNS,
    STOP,
    EvaluatorName,
    Method,
    ProposerName,
    SearchName,
    Summary,
    TaskName,
    evaluate_method,
)
from m6_advanced.planning.tot_ladder import ladder_puzzles
from roadmap_data.console import console, friendly_errors, print_table, save_figure
from roadmap_data.runkit import RunConfig, RunParser, llm_server_options, require, save_metrics


@dataclass(frozen=True, kw_only=True)
class TreeOfThoughtsConfig(RunConfig):
    """One Tree of Thoughts method over one split of a task's puzzles."""

    PRESETS: ClassVar = {"tiny": {"limit": 5}, "cpu": {"limit": 20}, "full": {"limit": None}}

    task: TaskName = "game24"
    """Puzzles: game24 (four numbers → 24) or ladder (word ladders over 732 common words)."""
    search: SearchName = "bfs"
    """bfs (keep the best --breadth per level), dfs (best first, backtrack), io/cot (one model attempt)."""
    proposer: ProposerName = "exact"
    """Who proposes next thoughts: exact (code: every valid step) or llm (the paper's propose prompt)."""
    evaluator: EvaluatorName = "exact"
    """Who values a thought: exact (code oracle), heuristic (code guess) or llm (sure/likely/impossible)."""
    breadth: int = 5
    """BFS: states kept per level (the paper's b = 5)."""
    max_nodes: int = 30
    """DFS: expansions before giving up on a puzzle."""
    split: Split = "test"
    """Which puzzles: dev (tune here) or test (report here)."""
    limit: int | None = 20
    """Solve only the first N puzzles of the split (None: all)."""
    llm: Kind | None = None
    """Chat model for llm parts and io/cot: local (llama.cpp), openai, transformers; default $AI_ROADMAP_LLM, else local."""

    def validate(self) -> None:
        require(self.breadth >= 1, f"breadth must be at least 1, not {self.breadth}")
        require(self.max_nodes >= 1, f"max_nodes must be at least 1, not {self.max_nodes}")
        require(
            self.limit is None or self.limit >= 1, f"limit must be at least 1, not {self.limit}"
        )
        require(self.task == "game24" or self.search not in ("io", "cot"),
                "the io/cot baselines exist for --task game24 only")  # fmt: skip

    @property
    def method(self) -> Method:
        return Method(self.task, self.search, self.proposer, self.evaluator, self.breadth,
                      self.max_nodes)  # fmt: skip

    @property
    def needs_model(self) -> bool:
        return self.search in ("io", "cot") or "llm" in (self.proposer, self.evaluator)


@dataclass
class TreeOfThoughtsRun:
    """The summary of one method on one split."""

    summary: Summary

    def metrics(self) -> dict[str, Any]:
        return self.summary.to_dict()


def puzzles_for(config: TreeOfThoughtsConfig) -> list[Any]:
    """The configured split of the configured task, the first ``limit`` puzzles."""
    if config.task == "game24":
        return list(load_puzzles(config.split, config.limit))
    return list(ladder_puzzles(config.split, config.limit))


def run(config: TreeOfThoughtsConfig, model: ChatModel | None = None) -> TreeOfThoughtsRun:
    """Solve the puzzles with the configured method, printing one line per puzzle."""
    puzzles = puzzles_for(config)

    def show(outcome: Any) -> None:
        mark = "[green]solved[/green]" if outcome.solved else "[red]unsolved[/red]"
        console.print(f"{outcome.puzzle:>14} {mark} {outcome.answer or ''} "
                      f"[dim]({outcome.expanded} nodes, {outcome.model_calls} calls, "
                      f"{outcome.seconds:.1f}s)[/dim]")  # fmt: skip

    return TreeOfThoughtsRun(evaluate_method(config.method, puzzles, model, on_outcome=show))


def plot(summary: Summary, path: Any) -> None:
    """Solved rate against node budget: the share of puzzles solved within x expansions."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    costs = sorted(o.expanded for o in summary.outcomes if o.solved)
    budgets = sorted({0, *costs, max((o.expanded for o in summary.outcomes), default=0)})
    rates = [sum(c <= b for c in costs) / max(summary.n, 1) for b in budgets]
    figure, axis = plt.subplots(figsize=(6, 3.5))
    axis.step(budgets, rates, where="post")
    axis.set(xlabel="nodes expanded (budget)", ylabel="solved", ylim=(0, 1.05),
             title=f"{summary.method}: {summary.solved_rate:.0%} of {summary.n}")  # fmt: skip
    save_figure(figure, path)


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(
        "tree-of-thoughts", __doc__, TreeOfThoughtsConfig,
        flags=["task", "search", "proposer", "evaluator", "breadth", "max_nodes", "split",
               "limit", "llm"],
    )  # fmt: skip
    parser.add_llm_server_flags()
    args = parser.parse_args(argv)
    config = parser.config(args)
    model = None
    if config.needs_model:
        if args.smoke:  # the smoke run never loads a model: code parts only
            config = config.replace(search="bfs", proposer="exact", evaluator="exact")
        else:
            options = {"seed": config.seed, **llm_server_options(args)}
            if (config.llm or "local") == "local":
                # the few-shot prefix is shared: read it once; stop where the next example starts
                options.update(reuse_prompt_cache=True, stop=STOP)
            model = load_chat_model(config.llm, **options)
    result = run(config, model)
    print_table(f"tree of thoughts: {config.task}, {config.split} split", COLUMNS,
                [result.summary.row()])  # fmt: skip
    assert config.out is not None
    save_metrics(result, config, config.out)
    plot(result.summary, config.out / "solved_vs_nodes.png")
    console.print(f"[dim]metrics: {config.out / 'metrics.json'}[/dim]")
    return 0

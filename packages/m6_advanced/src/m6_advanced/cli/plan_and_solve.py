"""``plan-and-solve``: does "devise a plan, then carry it out" beat "Let's think step by step"?

    uv run plan-and-solve --smoke                               # scripted model, 3 problems, seconds
    uv run plan-and-solve --split dev --limit 5                 # the local model on 5 dev problems
    uv run plan-and-solve --strategies cot ps+ --split test --model qwen2.5-coder-1.5b
    uv run plan-and-solve --llm openai --base-url http://localhost:11434/v1 --model qwen2.5:7b

Each problem of ``word_problems.jsonl`` (60 arithmetic word problems written for this project:
20 ``dev`` to read and tune on, 40 ``test`` to report) is asked once per strategy:

    Q: Tom buys 3 notebooks at $2.75 each and a pen for $1.40. He pays with a $20 bill. ...
    A: <trigger>

``zero-shot`` answers at once ("The answer (arabic numerals) is"); ``cot`` reasons ("Let's think
step by step.", Kojima et al. 2022); ``ps`` plans, then solves (Wang et al. 2023, Plan-and-Solve);
``ps+`` adds "extract relevant variables ... calculate intermediate variables (pay attention to
correct numeral calculation and commonsense)". After reasoning, a second call asks "Therefore, the
answer (arabic numerals) is" and its first number is compared *exactly* with the answer (24.40 ==
24.4). The table also shows the last-answer parser on the reasoning alone, the misses split into
a wrong number and no number at all, replies cut off by the token limit, tokens and seconds.

Writes ``<out>/metrics.json``, ``<out>/attempts.jsonl`` (every prompt's output, for reading the
misses) and ``<out>/accuracy.png``. Greedy decoding (temperature 0) on one thread by default.
Smoke: a scripted model writes each problem's stored worked solution when asked to reason and
copies the question's last number when asked to answer at once: it tests the pipeline, not a model.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

from tqdm import tqdm

from m4_genai.llm import ChatModel, Kind, load_chat_model
from m6_advanced.errors import AdvancedError
from m6_advanced.planning.plan_and_solve import (
    STRATEGIES,
    TABLE_COLUMNS,
    Attempt,
    Strategy,
    StrategyScore,
    run_strategies,
    score,
    score_dicts,
    table_rows,
    worked_solution_model,
)
from m6_advanced.planning.plan_and_solve_problems import Problem, Split, load_problems
from roadmap_data.console import friendly_errors, print_table, save_figure
from roadmap_data.runkit import RunConfig, RunParser, llm_server_options, require, save_metrics


@dataclass(frozen=True, kw_only=True)
class PlanAndSolveConfig(RunConfig):
    """Prompting strategies compared on the project's word problems."""

    PRESETS: ClassVar = {
        "tiny": {"llm": "scripted", "split": "dev", "limit": 3},
        "cpu": {"split": "dev", "limit": 10},
        "full": {"split": "test"},
    }

    strategies: tuple[Strategy, ...] = STRATEGIES
    """Strategies to compare: zero-shot (answer at once), cot (Let's think step by step), ps (Plan-and-Solve), ps+ (PS with variables and careful calculation)."""
    split: Split = "dev"
    """Problems to ask: dev (20, for reading and tuning), test (40, for reporting), all (60)."""
    limit: int | None = None
    """Ask only the first N problems of the split (None: all of them)."""
    llm: Kind | None = None
    """Chat model: local (llama.cpp, offline), transformers, openai (any compatible server), scripted (the worked-solution model of --smoke); default $AI_ROADMAP_LLM, else local."""
    max_tokens: int = 256
    """Most tokens of one reasoning reply (the answer-extraction reply gets 32)."""

    def validate(self) -> None:
        require(bool(self.strategies), "choose at least one strategy")
        require(len(set(self.strategies)) == len(self.strategies), "a strategy is listed twice")
        require(
            self.limit is None or self.limit >= 1, f"limit must be at least 1, not {self.limit}"
        )
        require(self.max_tokens >= 16, f"max_tokens must be at least 16, not {self.max_tokens}")


@dataclass
class PlanAndSolveRun:
    """The scores per strategy and every attempt behind them."""

    scores: list[StrategyScore]
    attempts: list[Attempt]
    model: str

    def metrics(self) -> dict[str, Any]:
        n = len({a.problem_id for a in self.attempts})
        return {"model": self.model, "n_problems": n, "scores": score_dicts(self.scores)}


def choose_problems(config: PlanAndSolveConfig, path: Path | None = None) -> list[Problem]:
    """The split's problems, cut to ``limit``."""
    problems = load_problems(path, split=config.split)[: config.limit]
    if not problems:
        raise AdvancedError(f"no problems in split {config.split!r}")
    return problems


def run(
    config: PlanAndSolveConfig,
    model: ChatModel | None = None,
    problems: list[Problem] | None = None,
) -> PlanAndSolveRun:
    """Ask every strategy on every problem, score, and write attempts.jsonl + accuracy.png.

    ``model`` defaults to the scripted worked-solution model when ``config.llm`` is scripted (the
    tiny preset), else to ``load_chat_model(config.llm)``.
    """
    assert config.out is not None
    problems = problems if problems is not None else choose_problems(config)
    if model is None:
        model = (
            worked_solution_model(problems, config.strategies)
            if config.llm == "scripted"
            else load_chat_model(config.llm, max_tokens=config.max_tokens, seed=config.seed)
        )
    config.out.mkdir(parents=True, exist_ok=True)
    total = len(problems) * len(config.strategies)
    with (
        (config.out / "attempts.jsonl").open("w", encoding="utf-8") as log,
        tqdm(total=total, unit="answer", disable=total < 10) as bar,
    ):

        def record(attempt: Attempt) -> None:
            log.write(json.dumps(asdict(attempt), ensure_ascii=False) + "\n")
            bar.update()

        attempts = run_strategies(
            model, problems, config.strategies, config.max_tokens, config.seed, on_attempt=record
        )
    result = PlanAndSolveRun(score(attempts, seed=config.seed), attempts, model.name)
    plot_accuracy(result, config.out / "accuracy.png")
    return result


def plot_accuracy(result: PlanAndSolveRun, path: Path) -> Path:
    """Bars of accuracy per strategy with their bootstrap intervals as error bars."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    names = [s.strategy for s in result.scores]
    accuracy = [100 * s.accuracy for s in result.scores]
    below = [100 * (s.accuracy - s.interval[0]) for s in result.scores]
    above = [100 * (s.interval[1] - s.accuracy) for s in result.scores]
    figure, axes = plt.subplots(figsize=(5, 3.2))
    axes.bar(names, accuracy, yerr=[below, above], capsize=4, color="#4C72B0")
    axes.set_ylabel("accuracy, % (95% bootstrap CI)")
    axes.set_ylim(0, 105)
    n = result.scores[0].n if result.scores else 0
    axes.set_title(f"{result.model}: exact answers, n={n}")
    return save_figure(figure, path)


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser(
        "plan-and-solve", __doc__, PlanAndSolveConfig,
        flags=["strategies", "split", "limit", "llm", "max_tokens"],
    )  # fmt: skip
    parser.add_llm_server_flags()
    args = parser.parse_args(argv)
    config = parser.config(args)
    model = None
    if config.llm != "scripted":
        options = llm_server_options(args)
        if (config.llm or "local") == "local":
            options.setdefault("threads", 1)
        model = load_chat_model(
            config.llm, max_tokens=config.max_tokens, seed=config.seed, **options
        )
    result = run(config, model)
    n = result.scores[0].n if result.scores else 0
    print_table(
        f"plan-and-solve: {result.model}, {config.split} split (n={n})",
        TABLE_COLUMNS,
        table_rows(result.scores),
    )
    save_metrics(result, config, config.out)
    return 0

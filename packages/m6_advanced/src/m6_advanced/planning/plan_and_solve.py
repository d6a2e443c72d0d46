"""Plan-and-Solve prompting against plain chain-of-thought, on word problems, scored exactly.

Four zero-shot strategies, each one sentence after the question (``Q: [question]\\nA: [trigger]``):

- ``zero-shot``: "The answer (arabic numerals) is" — answer at once, no reasoning (the baseline of
  Kojima et al. 2022, "Large Language Models are Zero-Shot Reasoners");
- ``cot``: "Let's think step by step." — zero-shot chain of thought (Kojima et al. 2022);
- ``ps``: Plan-and-Solve (Wang et al. 2023, "Plan-and-Solve Prompting: Improving Zero-Shot
  Chain-of-Thought Reasoning by Large Language Models", ACL): first devise a plan, then carry it out;
- ``ps+``: PS with detailed instructions against the two errors the paper counted most in CoT
  output: missing steps (extract the variables and their numerals) and calculation errors
  (calculate intermediate variables, "pay attention to correct numeral calculation").

Reasoning strategies are read in two stages, as in both papers: the model first reasons, then the
conversation goes on with "Therefore, the answer (arabic numerals) is" and the *first* number of
that second reply is the prediction. ``answers.final_answer`` on the reasoning alone (one call,
cheaper) is recorded beside it, so a run also measures what the second call buys.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass
from decimal import Decimal
from fractions import Fraction
from statistics import fmean
from typing import Any, Literal

from m4_genai.golden.scoring import bootstrap_ci
from m4_genai.llm import ChatModel, Message, ScriptedChatModel
from m6_advanced.planning.answers import final_answer, first_number, numbers_in, same_number
from m6_advanced.planning.plan_and_solve_problems import Problem

Strategy = Literal["zero-shot", "cot", "ps", "ps+"]
STRATEGIES: tuple[Strategy, ...] = ("zero-shot", "cot", "ps", "ps+")

TRIGGERS: dict[str, str] = {
    "zero-shot": "The answer (arabic numerals) is",
    "cot": "Let's think step by step.",
    "ps": "Let's first understand the problem and devise a plan to solve the problem. "
    "Then, let's carry out the plan and solve the problem step by step.",
    # Prompt 301 of the authors' repository (AGI-Edgerunners/Plan-and-Solve-Prompting), the PS+
    # trigger the paper reports for GSM8K; "numeral calculation" is the paper's own wording.
    "ps+": "Let's first understand the problem, extract relevant variables and their "
    "corresponding numerals, and devise a plan. Then, let's carry out the plan, calculate "
    "intermediate variables (pay attention to correct numeral calculation and commonsense), "
    "solve the problem step by step, and show the answer.",
}
"""The trigger sentence of each strategy, word for word from the papers."""

EXTRACTION_TRIGGER = "Therefore, the answer (arabic numerals) is"
"""The second-stage prompt that turns free reasoning into one number (Kojima et al. 2022)."""

ANSWER_TOKENS = 32
"""Tokens for a direct answer or the extraction reply (the papers' 32 for answer-only calls)."""

Outcome = Literal["correct", "wrong number", "no number"]


@dataclass
class Attempt:
    """One strategy on one problem: what the model wrote and how it scored."""

    problem_id: str
    strategy: str
    answer: str
    reasoning: str
    """The first reply (for zero-shot, the only one)."""
    extraction: str
    """The reply to the extraction prompt ("" for zero-shot)."""
    predicted: str | None
    """The two-stage prediction (the paper's), exact, as text ("7/2" for a fraction)."""
    parsed: str | None
    """``final_answer`` of the reasoning alone: the one-call alternative."""
    outcome: Outcome
    parsed_correct: bool
    completion_tokens: int
    seconds: float
    truncated: bool
    """The reasoning hit the token limit (its answer may be cut off)."""


def build_prompt(question: str, strategy: str) -> list[Message]:
    """The first-stage conversation: ``Q: question`` then ``A:`` and the strategy's trigger."""
    return [{"role": "user", "content": f"Q: {question}\nA: {TRIGGERS[strategy]}"}]


def extraction_prompt(first: list[Message], reasoning: str) -> list[Message]:
    """The second stage: the first conversation, the model's reasoning, then the answer trigger."""
    return [
        *first,
        {"role": "assistant", "content": reasoning},
        {"role": "user", "content": EXTRACTION_TRIGGER},
    ]


def solve(
    model: ChatModel, problem: Problem, strategy: str, max_tokens: int = 256, seed: int = 0
) -> Attempt:
    """Run ``strategy`` on ``problem`` (one call for zero-shot, two otherwise) and score it."""
    options = {"temperature": 0.0, "seed": seed}  # greedy: the same prompt, the same answer
    start = time.perf_counter()
    first = build_prompt(problem.question, strategy)
    direct = strategy == "zero-shot"
    reply = model.chat(first, max_tokens=ANSWER_TOKENS if direct else max_tokens, **options)
    tokens, extraction = reply.completion_tokens, ""
    if direct:
        predicted = first_number(reply.text)
    else:
        second = model.chat(
            extraction_prompt(first, reply.text), max_tokens=ANSWER_TOKENS, **options
        )
        tokens += second.completion_tokens
        extraction = second.text
        predicted = first_number(extraction)
    parsed = final_answer(reply.text)
    outcome: Outcome = (
        "no number"
        if predicted is None
        else "correct"
        if same_number(predicted, problem.answer)
        else "wrong number"
    )
    return Attempt(
        problem.id, strategy, problem.answer_text, reply.text, extraction,
        _text(predicted), _text(parsed), outcome, same_number(parsed, problem.answer),
        tokens, time.perf_counter() - start, reply.finish_reason == "length",
    )  # fmt: skip


def run_strategies(
    model: ChatModel,
    problems: Sequence[Problem],
    strategies: Iterable[str],
    max_tokens: int = 256,
    seed: int = 0,
    on_attempt: Callable[[Attempt], None] | None = None,
    time_budget_s: float | None = None,
) -> list[Attempt]:
    """Every strategy on every problem; ``on_attempt`` sees each result as it comes (a progress
    bar, a JSONL file written line by line).

    Problem by problem, all strategies on each: when ``time_budget_s`` runs out no new problem is
    started, and the strategies are still compared on the same problems (a paired comparison).
    """
    strategies = list(strategies)
    deadline = None if time_budget_s is None else time.monotonic() + time_budget_s
    attempts = []
    for problem in problems:
        if deadline is not None and time.monotonic() > deadline:
            break
        for strategy in strategies:
            attempt = solve(model, problem, strategy, max_tokens, seed)
            attempts.append(attempt)
            if on_attempt is not None:
                on_attempt(attempt)
    return attempts


@dataclass(frozen=True)
class StrategyScore:
    """One row of the results table."""

    strategy: str
    n: int
    accuracy: float
    """Share right by the paper's two-stage extraction."""
    interval: tuple[float, float]
    """95 % percentile-bootstrap interval of ``accuracy`` (small n: read it before the point)."""
    parser_accuracy: float
    """Share right by ``final_answer`` on the first reply alone."""
    no_number: int
    wrong_number: int
    truncated: int
    mean_tokens: float
    """Completion tokens per problem, both stages together."""
    mean_seconds: float


def score(attempts: Sequence[Attempt], seed: int = 0) -> list[StrategyScore]:
    """One StrategyScore per strategy, in the order the strategies first appear."""
    rows = []
    for strategy in dict.fromkeys(a.strategy for a in attempts):
        mine = [a for a in attempts if a.strategy == strategy]
        hits = [a.outcome == "correct" for a in mine]
        low, high = bootstrap_ci(hits, seed=seed)
        rows.append(
            StrategyScore(
                strategy, len(mine), fmean(hits), (round(low, 4), round(high, 4)),
                fmean(a.parsed_correct for a in mine),
                sum(a.outcome == "no number" for a in mine),
                sum(a.outcome == "wrong number" for a in mine),
                sum(a.truncated for a in mine),
                fmean(a.completion_tokens for a in mine), fmean(a.seconds for a in mine),
            )
        )  # fmt: skip
    return rows


def table_rows(scores: Sequence[StrategyScore]) -> list[list[Any]]:
    """``scores`` as the rows under ``TABLE_COLUMNS`` (accuracy as %, interval in brackets)."""
    return [
        [s.strategy, s.n, f"{s.accuracy:.1%}", f"{s.interval[0]:.0%}–{s.interval[1]:.0%}",
         f"{s.parser_accuracy:.1%}", f"{s.wrong_number}/{s.no_number}", s.truncated,
         f"{s.mean_tokens:.0f}", f"{s.mean_seconds:.1f}"]
        for s in scores
    ]  # fmt: skip


TABLE_COLUMNS = ["strategy", "n", "acc", "95% CI", "parser", "wrong/none", "cut", "tok", "s/q"]
"""acc: two-stage extraction; parser: ``final_answer`` on the reasoning; wrong/none: misses with
a wrong number / with no number; cut: reasoning stopped by the token limit; tok: completion tokens
per problem; s/q: seconds per problem."""


def score_dicts(scores: Sequence[StrategyScore]) -> list[dict[str, Any]]:
    """JSON-ready scores (for metrics.json)."""
    return [{**asdict(s), "interval": list(s.interval)} for s in scores]


def _text(value: Fraction | None) -> str | None:
    """A Fraction as JSON-friendly text: ``"12"``, ``"7/2"``; None stays None."""
    return None if value is None else str(value)


# --- the smoke model ---------------------------------------------------------------------------


def worked_solution_model(problems: Sequence[Problem], strategies: Iterable[str]) -> ChatModel:
    """A scripted model for ``--smoke`` and the tests, deterministic and honest about being one.

    Asked to reason, it writes the problem's stored worked solution, and asked for "the answer
    (arabic numerals)" after reasoning, the last number of what it wrote; asked to answer at once,
    it copies the question's last number, the careless reader's guess. So reasoning strategies
    score what the extraction gets out of the solutions, and zero-shot scores what that guess is
    worth. Its script holds exactly the calls the run needs and raises if there are more.
    """
    by_question = {p.question: p for p in problems}

    def reply(messages: list[Message]) -> str:
        last = str(messages[-1]["content"])
        if last == EXTRACTION_TRIGGER:
            numbers = numbers_in(str(messages[-2]["content"]))
            if not numbers:
                return "I am not sure."
            # Written as a person would: 31.5, not the Fraction's "63/2", which reads as 63.
            return f"{Decimal(numbers[-1].numerator) / numbers[-1].denominator:f}."
        question = last.removeprefix("Q: ").split("\nA: ")[0]
        problem = by_question[question]
        if last.endswith(TRIGGERS["zero-shot"]):
            return f"{numbers_in(question)[-1]}."
        return problem.solution

    calls = sum(1 if s == "zero-shot" else 2 for s in strategies) * len(problems)
    return ScriptedChatModel([reply] * calls)

"""The arithmetic word problems of the Plan-and-Solve benchmark, and the check that keeps them right.

``word_problems.jsonl`` holds 60 problems written for this project in the style of GSM8K (Cobbe et
al. 2021): 2–5 steps of rates, percentages, unit conversions, ages, money and change, work and
time, ratios and shopping. Each line::

    {"id": "wp-05", "split": "dev", "question": "Tom buys 3 notebooks at $2.75 ...",
     "answer": 10.35, "check": "20 - (3*2.75 + 1.40)", "solution": "3 × 2.75 = 8.25; ..."}

The split is fixed in the file: ``dev`` (wp-01..20) is for reading outputs and tuning prompts or
parsers, ``test`` (wp-21..60) only for the reported figures. ``check`` is the solution as one
arithmetic expression over the question's numbers; ``evaluate_check`` computes it exactly (with
Fractions, over ``+ - * / **`` and brackets only, never ``eval``) and the loader refuses a problem
whose stated answer differs, so a typo in an answer cannot slip into the benchmark.
"""

from __future__ import annotations

import ast
import json
import operator
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Literal

from m6_advanced.errors import GoldenFileError
from m6_advanced.planning.answers import as_number

PROBLEMS_FILE = Path(__file__).with_name("word_problems.jsonl")
"""The project's 60 problems (20 dev, 40 test), shipped inside the package."""

Split = Literal["dev", "test", "all"]
FIELDS = ("id", "split", "question", "answer", "check", "solution")

_OPERATORS: dict[type, Callable[[Fraction, Fraction], Fraction]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}


@dataclass(frozen=True)
class Problem:
    """One word problem with its exact answer."""

    id: str
    split: Literal["dev", "test"]
    question: str
    answer: Fraction
    """Exact: 24.40 in the file is Fraction(122, 5), so 24.4 and 24.40 both match it."""
    check: str
    """The solution as arithmetic on the question's numbers, e.g. ``20 - (3*2.75 + 1.40)``."""
    solution: str
    """A short worked solution in words (for people, and for the smoke model's replies)."""

    @property
    def answer_text(self) -> str:
        """The answer as a person writes it: ``10.35``, ``2700``."""
        value = self.answer
        if value.denominator == 1:
            return str(value.numerator)
        return format(Decimal(value.numerator) / Decimal(value.denominator), "f")


def evaluate_check(expression: str) -> Fraction:
    """The exact value of an arithmetic expression: numbers, ``+ - * /``, ``**`` with an integer
    exponent, unary minus and brackets. Anything else (names, calls, ``%``) raises ValueError.

    >>> evaluate_check("20 - (3*2.75 + 1.40)")
    Fraction(207, 20)
    """
    try:
        tree = ast.parse(expression, mode="eval")
    except SyntaxError as error:
        raise ValueError(f"not an arithmetic expression: {expression!r}") from error
    return _value(tree.body, expression)


def _value(node: ast.AST, expression: str) -> Fraction:
    """Walk the syntax tree; numbers become Fractions from their source text (0.1 stays 1/10)."""
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return as_number(node.value)
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        inner = _value(node.operand, expression)
        return -inner if isinstance(node.op, ast.USub) else inner
    if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
        left, right = _value(node.left, expression), _value(node.right, expression)
        if isinstance(node.op, ast.Div) and right == 0:
            raise ValueError(f"division by zero in {expression!r}")
        return _OPERATORS[type(node.op)](left, right)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow):
        base, exponent = _value(node.left, expression), _value(node.right, expression)
        if exponent.denominator != 1 or abs(exponent) > 64:
            raise ValueError(f"only small whole exponents are allowed in {expression!r}")
        return base ** int(exponent)
    raise ValueError(f"{ast.dump(node)[:40]} is not allowed in a check: {expression!r}")


def load_problems(path: Path | None = None, split: Split = "all") -> list[Problem]:
    """The problems of ``split`` (``all``: every one) from ``path`` (default: the shipped file).

    Raises GoldenFileError naming the line for a missing field, a bad split, a duplicate id or an
    answer its ``check`` does not reproduce.
    """
    path = path or PROBLEMS_FILE
    problems: list[Problem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            problems.append(_parse_line(line, f"{path.name}:{number}"))
    ids = [problem.id for problem in problems]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise GoldenFileError(f"{path.name}: duplicate problem id(s) {', '.join(duplicates)}")
    return [p for p in problems if split == "all" or p.split == split]


def _parse_line(line: str, where: str) -> Problem:
    """One JSONL line → a checked Problem (decimals read as Decimal, so 24.40 stays exact)."""
    try:
        row = json.loads(line, parse_float=Decimal)
    except json.JSONDecodeError as error:
        raise GoldenFileError(f"{where}: not JSON ({error.msg})") from error
    missing = [name for name in FIELDS if name not in row]
    if missing:
        raise GoldenFileError(f"{where}: missing field(s) {', '.join(missing)}")
    if row["split"] not in ("dev", "test"):
        raise GoldenFileError(f"{where}: split must be dev or test, not {row['split']!r}")
    if isinstance(row["answer"], bool) or not isinstance(row["answer"], int | Decimal):
        raise GoldenFileError(f"{where}: answer must be a number, not {row['answer']!r}")
    answer = as_number(row["answer"])
    try:
        checked = evaluate_check(row["check"])
    except ValueError as error:
        raise GoldenFileError(f"{where}: {error}") from error
    if checked != answer:
        raise GoldenFileError(
            f"{where}: answer {row['answer']} but check {row['check']!r} gives {float(checked)}"
        )
    return Problem(row["id"], row["split"], row["question"], answer, row["check"], row["solution"])

"""Game of 24, exactly: the arithmetic, an exhaustive solver and a checker that never trusts a model.

The game: combine four numbers with ``+ - * /`` and parentheses, each number used exactly once,
to make 24 (``4 4 6 8`` → ``(4 + 8) * (6 - 4)``). An answer is easy to check and hard to find,
which makes the game a clean test of *search*: of the 1820 multisets of four numbers in 1..13,
1362 can make 24 (the same count as 4nums.com, the paper's source).

Everything here uses ``fractions.Fraction``: ``8 / (3 - 8/3) = 24`` is exact only in rationals
(floating point gives 23.999999999999996). A state is the multiset of numbers left, each with
the expression that produced it, so a finished search can show the whole solution.

- ``successors(items)``: every way to combine two of the numbers (the paper's "propose" step,
  done exhaustively): 6 pairs x up to 6 operations for four numbers;
- ``solve(numbers)``: depth-first over ``successors``, the first expression reaching 24 or None;
- ``count_solutions(numbers)``: how many combination paths reach 24 (our difficulty proxy);
- ``check_answer(expression, numbers)``: parse with ``ast`` (never ``eval``), allow only numbers,
  ``+ - * /`` and parentheses, require each puzzle number exactly once, evaluate exactly.
"""

from __future__ import annotations

import ast
import functools
from collections import Counter
from collections.abc import Iterable, Sequence
from fractions import Fraction

TARGET = 24
Item = tuple[Fraction, str]
"""A number left in play and the expression that made it (``(8, "(4 + 4)")``)."""


def show(number: Fraction) -> str:
    """``8`` for integers, ``8/3`` otherwise (how steps and prompts write numbers)."""
    return str(number.numerator) if number.denominator == 1 else f"{number}"


def start_items(numbers: Iterable[int]) -> tuple[Item, ...]:
    """The root state of a puzzle: each number is its own expression."""
    return canonical((Fraction(n), str(n)) for n in numbers)


def canonical(items: Iterable[Item]) -> tuple[Item, ...]:
    """Items sorted by value (then text), so equal multisets compare and hash equal."""
    return tuple(sorted(items, key=lambda item: (item[0], item[1])))


def values_of(items: Sequence[Item]) -> tuple[Fraction, ...]:
    """Just the numbers, sorted: the key for "can these still reach 24?"."""
    return tuple(sorted(value for value, _ in items))


def left_text(items: Sequence[Item]) -> str:
    """``6 8 8``: the numbers left, as the paper's prompts write them."""
    return " ".join(show(value) for value in values_of(items))


def combinations(a: Item, b: Item) -> list[tuple[str, Item]]:
    """Every result of one operation on ``a`` and ``b``: ``(step text, new item)``.

    ``+`` and ``*`` once (they commute), ``-`` and ``/`` both ways, no division by zero.
    """
    (x, ex), (y, ey) = a, b
    results = [(x, "+", y, x + y, ex, ey), (x, "*", y, x * y, ex, ey)]
    results += [(x, "-", y, x - y, ex, ey), (y, "-", x, y - x, ey, ex)]
    if y != 0:
        results.append((x, "/", y, x / y, ex, ey))
    if x != 0:
        results.append((y, "/", x, y / x, ey, ex))
    return [
        (f"{show(p)} {op} {show(q)} = {show(value)}", (value, f"({left} {op} {right})"))
        for p, op, q, value, left, right in results
    ]


def successors(items: Sequence[Item]) -> list[tuple[str, tuple[Item, ...]]]:
    """Every state one operation away: ``("4 + 4 = 8 (left: 6 8 8)", new items)``, deduplicated
    by the multiset of values left (``4 + 4`` and ``4 * 2`` leaving the same numbers count once)."""
    seen: set[tuple[Fraction, ...]] = set()
    out = []
    for i in range(len(items)):
        for j in range(i + 1, len(items)):
            rest = [item for k, item in enumerate(items) if k not in (i, j)]
            for step, new in combinations(items[i], items[j]):
                state = canonical([*rest, new])
                key = values_of(state)
                if key not in seen:
                    seen.add(key)
                    out.append((f"{step} (left: {left_text(state)})", state))
    return out


@functools.cache
def reachable(values: tuple[Fraction, ...]) -> bool:
    """Whether the sorted ``values`` can still make exactly 24 (memoised: states repeat a lot)."""
    if len(values) == 1:
        return values[0] == TARGET
    items = tuple((v, "") for v in values)
    return any(reachable(values_of(state)) for _, state in successors(items))


def solve(numbers: Iterable[int]) -> str | None:
    """An expression using ``numbers`` once each that equals 24, or None when there is none."""

    def search(items: tuple[Item, ...]) -> str | None:
        if len(items) == 1:
            return items[0][1][1:-1] if items[0][0] == TARGET else None
        for _, state in successors(items):
            if reachable(values_of(state)):
                return search(state)
        return None

    items = start_items(numbers)
    return search(items) if reachable(values_of(items)) else None


@functools.cache
def _paths(values: tuple[Fraction, ...]) -> int:
    if len(values) == 1:
        return int(values[0] == TARGET)
    total = 0
    for i in range(len(values)):
        for j in range(i + 1, len(values)):
            rest = [v for k, v in enumerate(values) if k not in (i, j)]
            for _, (value, _) in combinations((values[i], ""), (values[j], "")):
                total += _paths(tuple(sorted([*rest, value])))
    return total


def count_solutions(numbers: Iterable[int]) -> int:
    """Combination paths (pair, operation) x 3 that end at 24, without deduplication: a
    difficulty proxy (fewer paths = fewer ways to stumble on an answer = harder)."""
    return _paths(tuple(sorted(Fraction(n) for n in numbers)))


# --- checking an answer ---------------------------------------------------------------------------

_OPERATORS = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mult: lambda a, b: a * b,
    ast.Div: lambda a, b: a / b,
}


def evaluate_expression(expression: str) -> tuple[Fraction, list[int]]:
    """The exact value of an arithmetic expression and the numbers it uses, in order.

    Raises ValueError for anything but integers, ``+ - * /`` and parentheses (no unary minus,
    no names, no calls, no ``**``) and for division by zero.
    """
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError as error:
        raise ValueError(f"not an expression: {expression!r}") from error
    numbers: list[int] = []

    def walk(node: ast.AST) -> Fraction:
        if isinstance(node, ast.BinOp) and type(node.op) in _OPERATORS:
            left, right = walk(node.left), walk(node.right)
            if isinstance(node.op, ast.Div) and right == 0:
                raise ValueError("division by zero")
            return _OPERATORS[type(node.op)](left, right)
        if isinstance(node, ast.Constant) and type(node.value) is int:
            numbers.append(node.value)
            return Fraction(node.value)
        raise ValueError(f"not allowed in Game of 24: {ast.dump(node)[:60]}")

    return walk(tree.body), numbers


def check_answer(expression: str, numbers: Iterable[int]) -> bool:
    """True iff ``expression`` uses exactly the puzzle's ``numbers`` once each and equals 24.

    A trailing ``= 24`` (as models write) is ignored; everything else must parse.
    """
    expression = expression.split("=")[0]
    try:
        value, used = evaluate_expression(expression)
    except ValueError:
        return False
    return value == TARGET and Counter(used) == Counter(numbers)

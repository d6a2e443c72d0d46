"""A calculator tool: arithmetic evaluated by walking Python's syntax tree, never by ``eval``.

Small models are bad at arithmetic and good at writing ``(1309 - 809) / 1309``, so a calculator
is the first tool an agent gets. The obvious implementation, ``eval(expression)``, runs *any*
Python the model writes (or that a web page talked it into writing): ``__import__('os')
.system(...)``. Instead we parse the text with ``ast.parse(..., mode="eval")`` and evaluate the
tree ourselves, accepting only a whitelist of node types:

    numbers · + - * / // % ** · unary + - · parentheses · sqrt log exp sin cos tan abs round
    min max floor ceil · pi e

Anything else (a name, an attribute, a lambda, a string, a comprehension) is refused with a
message the model can act on. Safe syntax is not enough: ``9**9**9`` is valid arithmetic whose
result has 370 million digits, so exponents are capped at ``MAX_EXPONENT``, integer results at
``MAX_RESULT_BITS`` (checked *before* a power is computed), and the expression's length at
``MAX_EXPRESSION_CHARS``. Every refusal, including division by zero, is a ``ToolError``: the
toolbox hands its text back to the model as ``error: ...``.
"""

from __future__ import annotations

import ast
import math
import operator
from collections.abc import Callable
from typing import Any

from m5_agents_mlops.errors import ToolError
from m5_agents_mlops.tools.core import tool

Number = int | float

MAX_EXPRESSION_CHARS = 300
"""Longer input is refused: real arithmetic questions are short, and parsing has a cost."""
MAX_EXPONENT = 1000
"""``x ** y`` with ``|y|`` above this is refused (``2 ** 1000`` is fine, ``9 ** 9 ** 9`` is not)."""
MAX_RESULT_BITS = 10_000
"""Integer results (and intermediate values) are capped at ≈ 3,000 decimal digits."""

BINARY_OPERATORS: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: operator.pow,
}
UNARY_OPERATORS: dict[type[ast.unaryop], Callable[[Any], Any]] = {
    ast.UAdd: operator.pos,
    ast.USub: operator.neg,
}
FUNCTIONS: dict[str, Callable[..., Any]] = {
    "sqrt": math.sqrt,
    "log": math.log,
    "exp": math.exp,
    "sin": math.sin,
    "cos": math.cos,
    "tan": math.tan,
    "abs": abs,
    "round": round,
    "min": min,
    "max": max,
    "floor": math.floor,
    "ceil": math.ceil,
}
CONSTANTS: dict[str, float] = {"pi": math.pi, "e": math.e}

# Operators a model may reach for that Python spells differently: refuse with the right spelling.
HINTS: dict[type[ast.AST], str] = {
    ast.BitXor: "'^' is not a power here: write 2 ** 10",
    ast.MatMult: "'@' is not supported",
}


def evaluate(expression: str) -> Number:
    """The value of an arithmetic ``expression`` (an int when the arithmetic stays whole).

    Raises ToolError for anything that is not plain arithmetic, for results too large to be
    useful, and for mathematical errors (division by zero, ``sqrt(-1)``).
    """
    text = expression.strip()
    if not text:
        raise ToolError("the expression is empty: give arithmetic such as 2 * (3 + 4)")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise ToolError(
            f"the expression is too long ({len(text)} characters, at most "
            f"{MAX_EXPRESSION_CHARS}): split the calculation into smaller steps"
        )
    try:
        tree = ast.parse(text, mode="eval")
    except SyntaxError as error:
        raise ToolError(f"not a valid arithmetic expression: {error.msg}") from None
    return _checked(_evaluate(tree.body))


def _evaluate(node: ast.AST) -> Number:
    """Evaluate one node of the tree: the whitelist is exactly the branches below."""
    if isinstance(node, ast.Constant):
        # bool is an int subclass and complex a number: neither is arithmetic a model should do.
        if type(node.value) in (int, float):
            return node.value
        raise ToolError(f"only numbers are allowed, not {node.value!r}")
    if isinstance(node, ast.BinOp) and type(node.op) in BINARY_OPERATORS:
        left, right = _evaluate(node.left), _evaluate(node.right)
        if isinstance(node.op, ast.Pow):
            _check_power(left, right)
        return _checked(_apply(BINARY_OPERATORS[type(node.op)], left, right))
    if isinstance(node, ast.UnaryOp) and type(node.op) in UNARY_OPERATORS:
        return UNARY_OPERATORS[type(node.op)](_evaluate(node.operand))
    if isinstance(node, ast.Name):
        if node.id in CONSTANTS:
            return CONSTANTS[node.id]
        raise ToolError(f"unknown name {node.id!r}; {_vocabulary()}")
    if isinstance(node, ast.Call):
        return _call(node)
    raise ToolError(_refusal(node))


def _call(node: ast.Call) -> Number:
    """A whitelisted function applied to evaluated arguments (no keywords, no ``*args``)."""
    if not isinstance(node.func, ast.Name) or node.func.id not in FUNCTIONS:
        called = node.func.id if isinstance(node.func, ast.Name) else ast.unparse(node.func)
        raise ToolError(f"unknown function {called!r}; {_vocabulary()}")
    if node.keywords or any(isinstance(arg, ast.Starred) for arg in node.args):
        raise ToolError(f"{node.func.id}() takes plain positional arguments only")
    arguments = [_evaluate(arg) for arg in node.args]
    return _checked(_apply(FUNCTIONS[node.func.id], *arguments, name=node.func.id))


def _apply(function: Callable[..., Any], *arguments: Number, name: str = "") -> Any:
    """Call ``function``, turning Python's arithmetic exceptions into refusals a model can read."""
    where = f" in {name}()" if name else ""
    try:
        return function(*arguments)
    except ZeroDivisionError:
        raise ToolError(f"division by zero{where}") from None
    except OverflowError:
        raise ToolError(f"the result is too large{where} (overflow)") from None
    except (ValueError, TypeError) as error:  # math domain error, wrong number of arguments
        raise ToolError(f"{error}{where}") from None


def _check_power(base: Number, exponent: Number) -> None:
    """Refuse a power whose exponent, or whose integer result, would be huge, before computing."""
    if abs(exponent) > MAX_EXPONENT:
        raise ToolError(f"exponent {exponent} is too large (at most {MAX_EXPONENT} in size)")
    whole = isinstance(base, int) and isinstance(exponent, int) and exponent > 0
    if whole and base.bit_length() * exponent > MAX_RESULT_BITS:
        raise ToolError(f"{base} ** {exponent} would have more than {_max_digits()} digits")


def _checked(value: Any) -> Number:
    """``value`` if it is a finite real number of sensible size; a refusal otherwise."""
    if isinstance(value, complex):  # (-8) ** (1/3) is complex in Python
        raise ToolError("the result is not a real number (e.g. a fractional power of a negative)")
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError("the result is too large (overflow)")
    if isinstance(value, int) and value.bit_length() > MAX_RESULT_BITS:
        raise ToolError(f"the result would have more than {_max_digits()} digits")
    return value


def _refusal(node: ast.AST) -> str:
    """Why ``node`` is refused, in words (a hint for operators spelled differently in Python)."""
    if isinstance(node, ast.BinOp | ast.UnaryOp) and type(node.op) in HINTS:
        return HINTS[type(node.op)]
    if isinstance(node, ast.Attribute):
        return "attribute access (a.b) is not allowed: only arithmetic"
    kind = type(node).__name__
    return f"{kind} is not allowed: only numbers, + - * / // % **, parentheses; {_vocabulary()}"


def _vocabulary() -> str:
    return f"functions: {', '.join(FUNCTIONS)}; constants: {', '.join(CONSTANTS)}"


def _max_digits() -> int:
    return int(MAX_RESULT_BITS * math.log10(2))


@tool
def calculator(expression: str) -> Number:
    """Evaluate an arithmetic expression exactly and return its value; use it for every
    calculation instead of doing arithmetic yourself. Python syntax: numbers, + - * / // (floor
    division) % ** (power, not ^), parentheses, the functions sqrt, log (natural; log(x, base)),
    exp, sin, cos, tan (radians), abs, round, min, max, floor, ceil and the constants pi and e.
    No variables or other names. Example: (1309 - 809) / 1309 * 100.

    Args:
        expression: the arithmetic to evaluate, e.g. "sqrt(2) * (3 + 4) ** 2".
    """
    return evaluate(expression)

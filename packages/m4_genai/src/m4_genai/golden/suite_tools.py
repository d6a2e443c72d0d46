"""The typed tools the LLM suite offers its ``tool`` items: plain functions, specs by ``Tool``.

The model sees each tool's name, its docstring's first line and a JSON Schema written from the
signature (``Tool.from_function``): ``Unit``, a ``Literal``, becomes an ``enum``, so under
constrained decoding the model can only name a unit we know. The functions really work, so an
agent loop could run the calls; the suite itself only checks that the right call was asked for.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from m4_genai.errors import LLMError
from m4_genai.llm.tools import Tool

Unit = Literal["mm", "cm", "m", "km", "in", "ft", "mi", "g", "kg", "lb"]
UNIT_SIZE = {"mm": 1e-3, "cm": 1e-2, "m": 1.0, "km": 1e3, "in": 0.0254, "ft": 0.3048,
             "mi": 1609.344, "g": 1e-3, "kg": 1.0, "lb": 0.45359237}  # fmt: skip
"""In metres (lengths) or kilograms (masses)."""


def convert_units(value: float, from_unit: Unit, to_unit: Unit) -> float:
    """Convert a length or a mass from one unit to another.

    Args:
        value: the amount to convert.
        from_unit: the unit of value.
        to_unit: the unit wanted.
    """
    if (from_unit in ("g", "kg", "lb")) != (to_unit in ("g", "kg", "lb")):
        raise LLMError(f"cannot convert {from_unit} to {to_unit}: one is a mass, one a length")
    return value * UNIT_SIZE[from_unit] / UNIT_SIZE[to_unit]


def percent_of(percent: float, value: float) -> float:
    """Compute a percentage of a value.

    Args:
        percent: the percentage, e.g. 15 for 15%.
        value: the value to take it of.
    """
    return percent * value / 100


def days_between(start: str, end: str) -> int:
    """Count the days from one date to another.

    Args:
        start: the first date, as YYYY-MM-DD.
        end: the second date, as YYYY-MM-DD.
    """
    return (date.fromisoformat(end) - date.fromisoformat(start)).days


TOOLS: tuple[Tool, ...] = tuple(
    Tool.from_function(f) for f in (convert_units, percent_of, days_between)
)

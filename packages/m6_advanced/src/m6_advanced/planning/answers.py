"""Numbers out of a model's prose, compared exactly: the scoring half of a word-problem benchmark.

A model that reasons in words ends with something like ``So she pays $1,234.50 in total.`` or
``x = 12.`` or ``\\boxed{\\frac{7}{2}}``. Scoring needs the number it meant, and then an *exact*
comparison: answers are held as ``fractions.Fraction`` built from the decimal text, so
``12.50 == 12.5`` and ``0.1 + 0.2 == 0.3`` hold, where floats would round.

- ``numbers_in(text)``: every number in reading order, each as a Fraction
  (``1,234`` is one number; ``$`` and ``%`` and units around it are ignored; ``-7`` is negative
  but the hyphen of ``3-4`` is not a sign; ``x = 12.`` ends a sentence, not a decimal);
- ``first_number`` / ``last_number``: Kojima et al.'s answer cleansing takes the first number of
  the answer-extraction reply, and the last number of free reasoning when there is no such reply;
- ``final_answer(text)``: the robust one-stage parser: a ``\\boxed{...}``, else the number after the
  last "answer is", else the last number;
- ``as_number`` / ``same_number``: one value from a string, int, float or Decimal, and the exact test.
"""

from __future__ import annotations

import re
from decimal import Decimal
from fractions import Fraction

Number = int | float | str | Decimal | Fraction

# A number: an optional sign (ASCII hyphen or the Unicode minus) glued to it, an optional $, then
# digits grouped by commas ("1,234,567") or plain digits, and an optional decimal part that needs a
# digit after the point ("12." is a sentence end). The first look-behind refuses a sign glued to a
# word or digit ("3-4", "COVID-19"); a spaced minus ("18 - 3") is an operator, not a sign.
_NUMBER = re.compile(
    r"(?<![\w.])(?P<sign>[-−])?\$?(?<!\d)"
    r"(?P<int>\d{1,3}(?:,\d{3})+|\d+)?(?P<frac>\.\d+)?(?![\d])"
)
_LATEX_FRACTION = re.compile(r"\\d?frac\{\s*(-?\d+)\s*\}\{\s*(\d+)\s*\}")
# A full stop may end the sentence after a fraction ("is 7/2."), a decimal point may not ("7/2.5").
_SLASH_FRACTION = re.compile(r"(?<![\w./])(-?\d+)\s*/\s*(\d+)(?![\w/]|\.\d)")
_BOXED = re.compile(r"\\boxed\{((?:[^{}]|\{[^{}]*\})*)\}")
_ANSWER_IS = re.compile(r"answer\s*(?:is|:|=)", re.IGNORECASE)


def as_number(value: Number) -> Fraction:
    """``value`` as an exact Fraction: ``"12.50"`` → 25/2, ``Decimal("0.1")`` → 1/10.

    A float goes through its shortest repr (``0.1`` → ``"0.1"``), i.e. the decimal a person typed,
    not the binary approximation ``Fraction(0.1)`` would give.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(repr(value))
    if isinstance(value, str):
        value = value.replace(",", "").replace("$", "").replace("−", "-").strip()
    return Fraction(value)


def same_number(a: Number | None, b: Number | None) -> bool:
    """Exact equality of two numbers (``None`` — no number found — never equals anything)."""
    if a is None or b is None:
        return False
    return as_number(a) == as_number(b)


def numbers_in(text: str) -> list[Fraction]:
    """Every number in ``text``, in reading order, as exact Fractions.

    ``\\frac{7}{2}`` and ``7/2`` count as one number, 7/2, because a model that writes a fraction
    means its value; ``12:30`` reads as 12 and 30 (times are rare as final answers).
    """
    # Fractions first: each becomes one exact value; the text between them is scanned for numbers.
    fractions = [
        (match.start(), match.end(), int(match[1]), int(match[2]))
        for pattern in (_LATEX_FRACTION, _SLASH_FRACTION)
        for match in pattern.finditer(text)
    ]
    found: list[Fraction] = []
    position = 0
    for start, end, numerator, denominator in sorted(fractions):
        if start < position:
            continue  # "\\frac{1}{2}" also contains no slash fraction, but be safe about overlaps
        found += _plain_numbers(text[position:start])
        if denominator != 0:
            found.append(Fraction(numerator, denominator))
        position = end
    return found + _plain_numbers(text[position:])


def first_number(text: str) -> Fraction | None:
    """The first number in ``text``, or None: how the paper reads the answer-extraction reply."""
    found = numbers_in(text)
    return found[0] if found else None


def last_number(text: str) -> Fraction | None:
    """The last number in ``text``, or None: where free reasoning usually states its result."""
    found = numbers_in(text)
    return found[-1] if found else None


def final_answer(text: str) -> Fraction | None:
    """The answer a reasoning text commits to: the last ``\\boxed{}``'s number, else the first
    number after the last "answer is/:/=", else the last number (None when there is none).

    The "answer is" rule matters because models often check their result after stating it
    ("The answer is 18. Check: 18 − 3 = 15"), and the last number would then be 15.
    """
    boxes = _BOXED.findall(text)
    if boxes:
        inside = first_number(boxes[-1])
        if inside is not None:
            return inside
    cues = list(_ANSWER_IS.finditer(text))
    if cues:
        after = first_number(text[cues[-1].end() :])
        if after is not None:
            return after
    return last_number(text)


def _plain_numbers(text: str) -> list[Fraction]:
    """The numbers of ``text`` read by the number pattern alone (no fractions)."""
    found = []
    for match in _NUMBER.finditer(text):
        if match["int"] is None and match["frac"] is None:
            continue
        digits = (match["int"] or "0").replace(",", "") + (match["frac"] or "")
        value = Fraction(digits)
        found.append(-value if match["sign"] else value)
    return found

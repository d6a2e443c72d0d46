"""Money in US dollars as Decimal, rounded half up to the cent like the tax authorities do.

Python's ``round`` rounds half to even (``round(0.125, 2) == 0.12``), which is not how a
sales tax is computed, so every rounding goes through ``cents()``.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def cents(amount: Decimal | int | str) -> Decimal:
    """``amount`` rounded half up to a whole cent."""
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


def dollars(text: str) -> Decimal:
    """'$1,234.50' -> Decimal('1234.50')."""
    cleaned = text.strip().replace("$", "").replace(",", "")
    try:
        return cents(Decimal(cleaned))
    except ArithmeticError:
        raise ValueError(f"not an amount: {text!r}") from None


def percent(amount: Decimal, rate_percent: Decimal) -> Decimal:
    """``rate_percent`` % of ``amount``, rounded to the cent."""
    return cents(amount * rate_percent / 100)


def total(amounts: Iterable[Decimal]) -> Decimal:
    return cents(sum(amounts, ZERO))


def fmt(amount: Decimal) -> str:
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(cents(amount)):,.2f}"


def split_evenly(amount: Decimal, parts: int) -> list[Decimal]:
    """``amount`` in ``parts`` shares that add up exactly (the first shares get the extra cents)."""
    if parts < 1:
        raise ValueError("parts must be at least 1")
    whole = int(cents(amount) * 100)
    base, extra = divmod(whole, parts)
    return [Decimal(base + (1 if index < extra else 0)) / 100 for index in range(parts)]

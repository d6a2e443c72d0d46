"""Money as integer cents: parsing user input and formatting for invoices."""

from __future__ import annotations

import re

_AMOUNT = re.compile(r"^\$?(\d+)(?:\.(\d{1,2}))?$")


def parse_amount(text: str) -> int:
    """'12.5', '$12.50' or '12' as cents (1250, 1250, 1200)."""
    match = _AMOUNT.fullmatch(text.strip().replace(",", ""))
    if match is None:
        raise ValueError(f"not an amount: {text!r}")
    dollars, cents = match.groups()
    return int(dollars) * 100 + int((cents or "0").ljust(2, "0"))


def format_cents(cents: int) -> str:
    """1250 -> '$12.50'; negative amounts (credits) get a leading minus."""
    sign = "-" if cents < 0 else ""
    dollars, rest = divmod(abs(cents), 100)
    return f"{sign}${dollars:,}.{rest:02d}"


def percent_of(cents: int, percent: int) -> int:
    """``percent`` % of ``cents``, rounded half up to a whole cent."""
    return (cents * percent + 50) // 100

"""The date formats found in bank statement exports."""

from __future__ import annotations

from datetime import date, datetime

FORMATS = ("%Y-%m-%d",)


def parse_date(text: str) -> date:
    """``text`` in one of FORMATS as a date; ValueError if none fits."""
    for pattern in FORMATS:
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    raise ValueError(f"unknown date {text.strip()!r}")

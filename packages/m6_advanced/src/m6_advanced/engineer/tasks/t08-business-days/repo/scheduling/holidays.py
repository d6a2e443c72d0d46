"""The public holidays the support desk observes (fixed dates and a few movable ones)."""

from __future__ import annotations

from datetime import date, timedelta

FIXED = ((1, 1), (7, 4), (12, 25), (12, 26))


def last_weekday_of_month(year: int, month: int, weekday: int) -> date:
    """The last ``weekday`` (Monday=0) of the month."""
    first_of_next = date(year + month // 12, month % 12 + 1, 1)
    day = first_of_next - timedelta(days=1)
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def holidays(year: int) -> frozenset[date]:
    days = {date(year, month, day) for month, day in FIXED}
    days.add(last_weekday_of_month(year, 5, 0))  # Memorial Day: last Monday of May
    return frozenset(days)

"""Business days: Monday to Friday, public holidays excluded."""

from __future__ import annotations

from collections.abc import Container
from datetime import date, timedelta

NO_HOLIDAYS: frozenset[date] = frozenset()


def is_business_day(day: date, holidays: Container[date] = NO_HOLIDAYS) -> bool:
    return day.isoweekday() < 5 and day not in holidays


def next_business_day(day: date, holidays: Container[date] = NO_HOLIDAYS) -> date:
    """The first business day strictly after ``day``."""
    day += timedelta(days=1)
    while not is_business_day(day, holidays):
        day += timedelta(days=1)
    return day


def add_business_days(day: date, count: int, holidays: Container[date] = NO_HOLIDAYS) -> date:
    """``count`` business days after ``day`` (``day`` itself does not count)."""
    if count < 0:
        raise ValueError("count must not be negative")
    for _ in range(count):
        day = next_business_day(day, holidays)
    return day


def business_days_between(start: date, end: date, holidays: Container[date] = NO_HOLIDAYS) -> int:
    """Business days in [start, end): start counted, end not."""
    if end < start:
        raise ValueError("end is before start")
    days = (end - start).days
    return sum(is_business_day(start + timedelta(days=n), holidays) for n in range(days))

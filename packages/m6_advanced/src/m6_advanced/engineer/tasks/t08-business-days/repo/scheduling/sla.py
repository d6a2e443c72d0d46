"""When a support ticket is due, from its priority and when it was opened."""

from __future__ import annotations

from datetime import date, datetime

from scheduling.businessdays import add_business_days, is_business_day, next_business_day
from scheduling.holidays import holidays

BUSINESS_DAYS = {"urgent": 0, "high": 1, "normal": 1, "low": 3}
CUTOFF_HOUR = 17  # tickets opened later count from the next business day


def due_date(opened: datetime, priority: str) -> date:
    if priority not in BUSINESS_DAYS:
        raise ValueError(f"unknown priority {priority!r}")
    observed = holidays(opened.year) | holidays(opened.year + 1)
    start = opened.date()
    if opened.hour >= CUTOFF_HOUR or not is_business_day(start, observed):
        start = next_business_day(start, observed)
        if priority == "urgent":
            return start
    return add_business_days(start, BUSINESS_DAYS[priority], observed)

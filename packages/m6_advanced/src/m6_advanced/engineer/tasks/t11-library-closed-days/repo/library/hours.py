"""When the library is open: weekly hours, closed weekdays and public holidays.

Due dates and fines both depend on this calendar: nothing is ever due on a day the doors
are shut, and members are never charged for such days.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, time, timedelta

MONDAY, TUESDAY, WEDNESDAY, THURSDAY, FRIDAY, SATURDAY, SUNDAY = range(7)

DEFAULT_HOURS = {
    MONDAY: (time(10), time(19)),
    TUESDAY: (time(10), time(19)),
    WEDNESDAY: (time(10), time(19)),
    THURSDAY: (time(10), time(21)),
    FRIDAY: (time(10), time(18)),
    SATURDAY: (time(9), time(13)),
}


def days_after(start: date, end: date) -> Iterator[date]:
    """Every day in (start, end]: the day after ``start`` up to and including ``end``."""
    day = start + timedelta(days=1)
    while day <= end:
        yield day
        day += timedelta(days=1)


@dataclass
class LibraryCalendar:
    """Opening hours by weekday (a weekday missing from ``hours`` is closed) and holidays."""

    hours: dict[int, tuple[time, time]] = field(default_factory=lambda: dict(DEFAULT_HOURS))
    holidays: set[date] = field(default_factory=set)

    @property
    def closed_weekdays(self) -> set[int]:
        return {weekday for weekday in range(7) if weekday not in self.hours}

    def add_holidays(self, days: Iterable[date]) -> None:
        self.holidays.update(days)

    def is_open(self, day: date) -> bool:
        return day.weekday() not in self.closed_weekdays and day not in self.holidays

    def next_open_day(self, day: date) -> date:
        """``day`` itself if the library opens that day, else the first open day after it."""
        for _ in range(366):
            if self.is_open(day):
                return day
            day += timedelta(days=1)
        raise ValueError("the library is not open on any day of the coming year")

    def open_days_between(self, start: date, end: date) -> int:
        """How many days in (start, end] the library is open (0 when end <= start)."""
        closed = self.closed_weekdays
        return sum(1 for day in days_after(start, end) if day.weekday() not in closed)

    def opening_hours(self, day: date) -> tuple[time, time] | None:
        """(opens, closes) on ``day``, or None when closed."""
        if not self.is_open(day):
            return None
        return self.hours[day.weekday()]

    def describe(self, day: date) -> str:
        hours = self.opening_hours(day)
        if hours is None:
            reason = "public holiday" if day in self.holidays else "closed"
            return f"{day:%A %d %B}: {reason}"
        opens, closes = hours
        return f"{day:%A %d %B}: {opens:%H:%M}-{closes:%H:%M}"


def fixed_holidays(year: int) -> set[date]:
    """The holidays that fall on the same date every year."""
    return {
        date(year, 1, 1),
        date(year, 7, 4),
        date(year, 12, 24),
        date(year, 12, 25),
        date(year, 12, 26),
    }

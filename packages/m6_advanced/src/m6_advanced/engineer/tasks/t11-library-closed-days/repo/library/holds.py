"""Holds: members queue for a title; a returned copy goes to the first in line.

The copy then waits on the hold shelf for a number of open days; a member who does not come
loses the hold and the copy passes to the next in line.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from datetime import date, timedelta

from library.hours import LibraryCalendar
from library.policies import HOLD_SHELF_OPEN_DAYS, MAX_HOLDS


class HoldError(ValueError):
    """A hold the desk refuses (twice for the same title, too many holds)."""


@dataclass
class Hold:
    member_id: str
    isbn: str
    placed: date
    barcode: str | None = None  # set once a copy waits on the hold shelf
    ready_until: date | None = None


def shelf_deadline(ready: date, calendar: LibraryCalendar) -> date:
    """The last day a held copy waits: HOLD_SHELF_OPEN_DAYS open days, counting ``ready``."""
    day, counted = ready, 0
    while True:
        if calendar.is_open(day):
            counted += 1
            if counted == HOLD_SHELF_OPEN_DAYS:
                return day
        day += timedelta(days=1)


class HoldQueues:
    def __init__(self) -> None:
        self.queues: dict[str, deque[Hold]] = {}

    def place(self, member_id: str, isbn: str, today: date) -> Hold:
        queue = self.queues.setdefault(isbn, deque())
        if any(hold.member_id == member_id for hold in queue):
            raise HoldError(f"{member_id} already holds {isbn}")
        if len(self.of_member(member_id)) >= MAX_HOLDS:
            raise HoldError(f"{member_id} has {MAX_HOLDS} holds already")
        hold = Hold(member_id, isbn, today)
        queue.append(hold)
        return hold

    def of_member(self, member_id: str) -> list[Hold]:
        return [
            hold for queue in self.queues.values() for hold in queue if hold.member_id == member_id
        ]

    def waiting(self, isbn: str) -> list[Hold]:
        """Holds still waiting for a copy, first in line first."""
        return [hold for hold in self.queues.get(isbn, ()) if hold.barcode is None]

    def cancel(self, member_id: str, isbn: str) -> Hold:
        queue = self.queues.get(isbn, deque())
        for hold in queue:
            if hold.member_id == member_id:
                queue.remove(hold)
                return hold
        raise HoldError(f"{member_id} has no hold on {isbn}")

    def assign(
        self, isbn: str, barcode: str, today: date, calendar: LibraryCalendar
    ) -> Hold | None:
        """Put ``barcode`` on the hold shelf for the first member waiting, if any."""
        waiting = self.waiting(isbn)
        if not waiting:
            return None
        hold = waiting[0]
        hold.barcode = barcode
        hold.ready_until = shelf_deadline(calendar.next_open_day(today), calendar)
        return hold

    def collect(self, member_id: str, barcode: str) -> Hold:
        """The member picks up their held copy: the hold is fulfilled and leaves the queue."""
        for queue in self.queues.values():
            for hold in queue:
                if hold.member_id == member_id and hold.barcode == barcode:
                    queue.remove(hold)
                    return hold
        raise HoldError(f"{barcode} is not on the hold shelf for {member_id}")

    def expire(self, today: date) -> list[Hold]:
        """Remove holds whose shelf time is over; the caller re-assigns their copies."""
        expired = []
        for queue in self.queues.values():
            for hold in list(queue):
                if hold.ready_until is not None and today > hold.ready_until:
                    queue.remove(hold)
                    expired.append(hold)
        return expired

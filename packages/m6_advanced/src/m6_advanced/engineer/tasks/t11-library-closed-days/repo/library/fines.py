"""Overdue fines: charged per open day late, capped, payable in part, waivable by staff."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from library.catalog import MediaType
from library.hours import LibraryCalendar
from library.loans import Loan
from library.members import MemberType
from library.money import ZERO, Money, total
from library.policies import daily_fine, fine_cap


@dataclass
class Fine:
    member_id: str
    barcode: str
    days_late: int
    amount: Money
    issued: date
    paid: Money = ZERO
    waived: bool = False

    @property
    def outstanding(self) -> Money:
        return ZERO if self.waived else self.amount - self.paid

    def receipt(self) -> str:
        day = "day" if self.days_late == 1 else "days"
        return f"{self.barcode}: {self.days_late} {day} overdue, {self.amount}"


def days_late(loan: Loan, returned: date, calendar: LibraryCalendar) -> int:
    """Open days between the due date and the return: closed days are never charged."""
    return calendar.open_days_between(loan.due, returned)


def assess(
    loan: Loan,
    returned: date,
    media: MediaType,
    member_type: MemberType,
    replacement_cost: Money,
    calendar: LibraryCalendar,
) -> Fine | None:
    """The fine for returning ``loan`` on ``returned``, or None when nothing is owed."""
    late = days_late(loan, returned, calendar)
    if late <= 0:
        return None
    amount = min(daily_fine(media, member_type) * late, fine_cap(replacement_cost))
    if not amount:
        return None
    return Fine(loan.member_id, loan.barcode, late, amount, returned)


class FineLedger:
    def __init__(self) -> None:
        self.fines: list[Fine] = []

    def add(self, fine: Fine) -> Fine:
        self.fines.append(fine)
        return fine

    def of(self, member_id: str) -> list[Fine]:
        return [fine for fine in self.fines if fine.member_id == member_id]

    def balance(self, member_id: str) -> Money:
        return total([fine.outstanding for fine in self.of(member_id)])

    def pay(self, member_id: str, amount: Money) -> Money:
        """Apply a payment to the member's oldest fines first; return the change (if overpaid)."""
        if amount.cents <= 0:
            raise ValueError("a payment must be positive")
        left = amount
        for fine in sorted(self.of(member_id), key=lambda fine: fine.issued):
            if not left:
                break
            due = fine.outstanding
            if due.cents <= 0:
                continue
            applied = min(due, left)
            fine.paid += applied
            left -= applied
        return left

    def waive(self, member_id: str, barcode: str) -> Fine:
        for fine in self.of(member_id):
            if fine.barcode == barcode and fine.outstanding.cents > 0:
                fine.waived = True
                return fine
        raise LookupError(f"no outstanding fine of {member_id} for {barcode}")

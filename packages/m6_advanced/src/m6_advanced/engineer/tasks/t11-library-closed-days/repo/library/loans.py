"""Loans: which copy is out with which member, and when it is due back.

A due date never falls on a day the library is closed: it moves to the next open day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from library.hours import LibraryCalendar


class LoanError(ValueError):
    """A checkout, return or renewal the desk must refuse."""


@dataclass
class Loan:
    barcode: str
    member_id: str
    start: date
    due: date
    renewals: int = 0
    returned: date | None = None

    @property
    def active(self) -> bool:
        return self.returned is None

    def is_overdue(self, today: date) -> bool:
        return self.active and today > self.due


def due_date(start: date, loan_days: int, calendar: LibraryCalendar) -> date:
    return calendar.next_open_day(start + timedelta(days=loan_days))


class LoanLedger:
    def __init__(self) -> None:
        self.loans: list[Loan] = []

    def active_loan(self, barcode: str) -> Loan | None:
        return next((loan for loan in self.loans if loan.barcode == barcode and loan.active), None)

    def active_loans(self, member_id: str | None = None) -> list[Loan]:
        return [
            loan
            for loan in self.loans
            if loan.active and (member_id is None or loan.member_id == member_id)
        ]

    def history(self, member_id: str) -> list[Loan]:
        return [loan for loan in self.loans if loan.member_id == member_id]

    def open(
        self, barcode: str, member_id: str, start: date, loan_days: int, calendar: LibraryCalendar
    ) -> Loan:
        if self.active_loan(barcode) is not None:
            raise LoanError(f"{barcode} is already on loan")
        if not calendar.is_open(start):
            raise LoanError(f"the library is closed on {start.isoformat()}")
        loan = Loan(barcode, member_id, start, due_date(start, loan_days, calendar))
        self.loans.append(loan)
        return loan

    def close(self, barcode: str, returned: date) -> Loan:
        loan = self.active_loan(barcode)
        if loan is None:
            raise LoanError(f"{barcode} is not on loan")
        if returned < loan.start:
            raise LoanError("a copy cannot come back before it went out")
        loan.returned = returned
        return loan

    def renew(self, barcode: str, today: date, loan_days: int, calendar: LibraryCalendar) -> Loan:
        """A new loan period from today (not from the old due date); overdue loans included."""
        loan = self.active_loan(barcode)
        if loan is None:
            raise LoanError(f"{barcode} is not on loan")
        loan.due = due_date(today, loan_days, calendar)
        loan.renewals += 1
        return loan

    def overdue(self, today: date) -> list[Loan]:
        return sorted(
            (loan for loan in self.loans if loan.is_overdue(today)),
            key=lambda loan: (loan.due, loan.barcode),
        )

"""Payment plans: an invoice total paid in monthly installments."""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

from billing.invoice import Invoice
from billing.money import format_cents


@dataclass(frozen=True)
class Installment:
    number: int
    due: date
    amount_cents: int

    def __str__(self) -> str:
        return f"#{self.number} due {self.due.isoformat()}: {format_cents(self.amount_cents)}"


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later, clamped to the month's end (Jan 31 + 1 -> Feb 28/29)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def split_amount(total_cents: int, count: int) -> list[int]:
    """``total_cents`` in ``count`` installments that differ by at most a cent, larger first."""
    if count < 1:
        raise ValueError("a payment plan needs at least one installment")
    if total_cents < 0:
        raise ValueError("cannot split a negative amount")
    base, remainder = divmod(total_cents, count)
    parts = [base] * count
    for index in range(remainder - 1):
        parts[index] += 1
    return parts


def plan(invoice: Invoice, count: int) -> list[Installment]:
    """The installments for ``invoice``: the first due a month after it was issued."""
    amounts = split_amount(invoice.total_cents(), count)
    return [
        Installment(number, add_months(invoice.issued, number), amount)
        for number, amount in enumerate(amounts, start=1)
    ]

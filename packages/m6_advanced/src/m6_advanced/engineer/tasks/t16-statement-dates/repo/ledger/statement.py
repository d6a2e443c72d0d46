"""Bank statements: one ``date;description;amount`` line per transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from ledger.dates import parse_date


class StatementError(ValueError):
    """A statement line that cannot be read; the message names the line."""


@dataclass(frozen=True)
class Transaction:
    day: date
    description: str
    amount: Decimal


def parse_line(line: str, number: int) -> Transaction:
    fields = line.split(";")
    if len(fields) != 3:
        raise StatementError(f"line {number}: expected date;description;amount")
    day_text, description, amount_text = (field.strip() for field in fields)
    try:
        day = parse_date(day_text)
    except ValueError as error:
        raise StatementError(f"line {number}: {error}") from None
    try:
        amount = Decimal(amount_text)
    except InvalidOperation:
        raise StatementError(f"line {number}: {amount_text!r} is not an amount") from None
    return Transaction(day, description, amount)


def parse_statement(text: str) -> list[Transaction]:
    return [
        parse_line(line, number)
        for number, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]

from datetime import date
from decimal import Decimal

from ledger.dates import parse_date
from ledger.statement import parse_statement

NEW_BANK = """31/01/2024;Coffee Corner;-3.50
01/02/2024;Salary ACME;2500.00
03/02/2024;Rent;-950.00
"""


def test_the_new_banks_export():
    transactions = parse_statement(NEW_BANK)
    assert [t.day for t in transactions] == [date(2024, 1, 31), date(2024, 2, 1), date(2024, 2, 3)]
    assert transactions[1].amount == Decimal("2500.00")


def test_slash_dates_are_day_first():
    assert parse_date("03/04/2024") == date(2024, 4, 3)
    assert parse_date("12/11/2023") == date(2023, 11, 12)
    assert parse_date("29/02/2024") == date(2024, 2, 29)


def test_iso_dates_still_work():
    assert parse_date("2024-04-03") == date(2024, 4, 3)

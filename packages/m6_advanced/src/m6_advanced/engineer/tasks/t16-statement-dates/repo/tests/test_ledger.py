from datetime import date
from decimal import Decimal

import pytest
from ledger.dates import parse_date
from ledger.statement import StatementError, parse_statement
from ledger.summary import monthly_totals

OLD_BANK = """2024-01-31;Coffee Corner;-3.50
2024-02-01;Salary ACME;2500.00

2024-02-03;Rent;-950.00
"""


def test_iso_dates():
    assert parse_date(" 2024-02-29 ") == date(2024, 2, 29)
    with pytest.raises(ValueError):
        parse_date("2024-02-30")


def test_statement_and_summary():
    transactions = parse_statement(OLD_BANK)
    assert [t.day for t in transactions] == [date(2024, 1, 31), date(2024, 2, 1), date(2024, 2, 3)]
    assert monthly_totals(transactions) == {
        "2024-01": {"in": Decimal(0), "out": Decimal("3.50"), "net": Decimal("-3.50")},
        "2024-02": {"in": Decimal("2500.00"), "out": Decimal("950.00"), "net": Decimal("1550.00")},
    }


def test_bad_lines_are_named():
    with pytest.raises(StatementError, match="line 2"):
        parse_statement("2024-01-01;a;1\n2024-01-02;b;lots\n")
    with pytest.raises(StatementError, match="line 1"):
        parse_statement("2024-01-01;no amount\n")

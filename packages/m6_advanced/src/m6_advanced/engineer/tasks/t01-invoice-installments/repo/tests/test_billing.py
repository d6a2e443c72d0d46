from datetime import date

import pytest
from billing.installments import add_months, plan, split_amount
from billing.invoice import Invoice
from billing.money import format_cents, parse_amount


def test_parse_and_format_amounts():
    assert parse_amount("$12.5") == 1250
    assert parse_amount("1,200") == 120000
    assert format_cents(123456) == "$1,234.56"
    assert format_cents(-5) == "-$0.05"


def test_invoice_total_includes_tax():
    invoice = Invoice("INV-1", "ACME", date(2024, 1, 15), tax_percent=8)
    invoice.add("Widget", 3, 1000)
    assert invoice.total_cents() == 3240


def test_add_months_clamps_to_month_end():
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2023, 11, 30), 3) == date(2024, 2, 29)


def test_even_split():
    assert split_amount(900, 3) == [300, 300, 300]
    with pytest.raises(ValueError):
        split_amount(900, 0)


def test_plan_due_dates():
    invoice = Invoice("INV-2", "ACME", date(2024, 1, 31))
    invoice.add("Service", 1, 60000)
    installments = plan(invoice, 3)
    assert [i.due for i in installments] == [
        date(2024, 2, 29),
        date(2024, 3, 31),
        date(2024, 4, 30),
    ]
    assert str(installments[0]) == "#1 due 2024-02-29: $200.00"

from datetime import date

from billing.installments import plan, split_amount
from billing.invoice import Invoice


def test_the_reported_plan():
    assert split_amount(10000, 3) == [3334, 3333, 3333]
    assert split_amount(1003, 4) == [251, 251, 251, 250]


def test_every_split_sums_to_the_total_and_is_fair():
    for total in (0, 1, 2, 99, 100, 1003, 10000, 12345):
        for count in range(1, 8):
            parts = split_amount(total, count)
            assert len(parts) == count
            assert sum(parts) == total
            assert max(parts) - min(parts) <= 1
            assert parts == sorted(parts, reverse=True)


def test_plan_pays_the_invoice_total():
    invoice = Invoice("INV-1042", "Jane", date(2024, 3, 1), tax_percent=7)
    invoice.add("Desk", 1, 34999)
    invoice.add("Lamp", 2, 2450)
    assert sum(i.amount_cents for i in plan(invoice, 6)) == invoice.total_cents()

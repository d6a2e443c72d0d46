from decimal import Decimal

from depot.reports import tax_by_state
from factories import TODAY, address


def test_gift_from_california_to_oregon_is_not_taxed(depot):
    billing, shipping = address("CA", "94103"), address("OR", "97201", name="Alex Roe")
    invoice = depot.fulfil(billing, shipping, {"MUG-01": 2}, TODAY)
    assert invoice.bill_to == billing
    assert invoice.tax == Decimal("0.00")
    assert invoice.total == Decimal("42.90")
    assert "Sales tax CA" not in invoice.render()


def test_oregon_customer_shipping_to_washington_pays_washington_tax(depot):
    billing, shipping = address("OR", "97201"), address("WA", "98101")
    invoice = depot.fulfil(billing, shipping, {"MUG-01": 1, "TEE-M": 1}, TODAY)
    assert invoice.shipping == Decimal("16.80")
    assert invoice.tax == Decimal("3.89")  # 6.5% of goods and shipping
    assert invoice.total == Decimal("63.69")


def test_tax_report_is_by_destination(depot):
    depot.fulfil(address("CA", "94103"), address("OR", "97201"), {"MUG-01": 2}, TODAY)
    depot.fulfil(address("OR", "97201"), address("WA", "98101"), {"MUG-01": 1, "TEE-M": 1}, TODAY)
    depot.fulfil(address("NV", "89501"), address("NV", "89501"), {"MUG-01": 2}, TODAY)
    owed = {state: amount for state, amount in tax_by_state(depot.invoices).items() if amount}
    assert owed == {"WA": Decimal("3.89"), "NV": Decimal("2.47")}

"""Invoices: what the customer is charged once the order ships.

The invoice goes to the billing address (the person who pays); the goods go to the
shipping address, which may be someone else's (gifts).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from depot.addresses import Address
from depot.money import cents, fmt
from depot.orders import Order
from depot.products import ProductCatalog
from depot.tax import rate, sales_tax


@dataclass(frozen=True)
class InvoiceLine:
    sku: str
    description: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return cents(self.unit_price * self.quantity)


@dataclass(frozen=True)
class Invoice:
    number: str
    order_number: str
    issued: date
    bill_to: Address
    ship_to: Address
    lines: tuple[InvoiceLine, ...]
    shipping: Decimal
    tax_state: str
    tax: Decimal

    @property
    def subtotal(self) -> Decimal:
        return cents(sum((line.amount for line in self.lines), Decimal(0)))

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.shipping + self.tax

    def render(self) -> str:
        rows = [
            f"INVOICE {self.number} (order {self.order_number}, {self.issued.isoformat()})",
            "Bill to:",
            self.bill_to.label(),
            "Ship to:",
            self.ship_to.label(),
            "",
        ]
        for line in self.lines:
            rows.append(f"{line.quantity:>3} x {line.description:<30} {fmt(line.amount):>10}")
        rows.append(f"{'Subtotal':<36} {fmt(self.subtotal):>10}")
        rows.append(f"{'Shipping':<36} {fmt(self.shipping):>10}")
        rows.append(
            f"{f'Sales tax {self.tax_state} {rate(self.tax_state)}%':<36} {fmt(self.tax):>10}"
        )
        rows.append(f"{'TOTAL':<36} {fmt(self.total):>10}")
        return "\n".join(rows)


def build_invoice(
    order: Order, catalog: ProductCatalog, shipping: Decimal, issued: date, number: str
) -> Invoice:
    """The invoice of a shipped ``order``; prices are those at the time it was placed."""
    customer = order.billing
    lines = tuple(
        InvoiceLine(line.sku, catalog.get(line.sku).name, line.quantity, line.unit_price)
        for line in order.lines
    )
    taxed = [(catalog.get(line.sku).category, line.amount) for line in lines]
    tax = sales_tax(taxed, shipping, customer.state)
    return Invoice(
        number, order.number, issued, customer, order.shipping, lines, shipping, customer.state, tax
    )


def credit_note(
    invoice: Invoice, catalog: ProductCatalog, returned: dict[str, int], number: str, issued: date
) -> Invoice:
    """A negative invoice for returned units, taxed like the original (shipping not refunded)."""
    lines = []
    for line in invoice.lines:
        quantity = returned.get(line.sku, 0)
        if quantity > line.quantity:
            raise ValueError(f"{line.sku}: {quantity} returned but {line.quantity} invoiced")
        if quantity:
            lines.append(InvoiceLine(line.sku, line.description, -quantity, line.unit_price))
    if not lines:
        raise ValueError("nothing returned")
    taxed = [(catalog.get(line.sku).category, line.amount) for line in lines]
    tax = sales_tax(taxed, Decimal("0.00"), invoice.tax_state)
    return Invoice(
        number,
        invoice.order_number,
        issued,
        invoice.bill_to,
        invoice.ship_to,
        tuple(lines),
        Decimal("0.00"),
        invoice.tax_state,
        tax,
    )

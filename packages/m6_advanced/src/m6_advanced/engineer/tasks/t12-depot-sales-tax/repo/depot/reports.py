"""Daily reports for the warehouse manager and the accountant."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from decimal import Decimal

from depot.inventory import Inventory
from depot.invoicing import Invoice
from depot.money import ZERO, fmt
from depot.orders import OrderBook, Status


def shipped_on(book: OrderBook, invoices: list[Invoice], day: date) -> list[str]:
    """Order numbers invoiced (hence shipped) on ``day``."""
    numbers = {invoice.order_number for invoice in invoices if invoice.issued == day}
    return sorted(n for n in numbers if book.get(n).status is Status.SHIPPED)


def tax_by_state(invoices: list[Invoice]) -> dict[str, Decimal]:
    """Sales tax collected per state: what the accountant files with each state."""
    owed: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for invoice in invoices:
        owed[invoice.tax_state] += invoice.tax
    return dict(sorted(owed.items()))


def revenue(invoices: list[Invoice], start: date, end: date) -> dict[str, Decimal]:
    selected = [i for i in invoices if start <= i.issued <= end]
    return {
        "goods": sum((i.subtotal for i in selected), ZERO),
        "shipping": sum((i.shipping for i in selected), ZERO),
        "tax": sum((i.tax for i in selected), ZERO),
        "total": sum((i.total for i in selected), ZERO),
    }


def backlog(book: OrderBook) -> dict[str, int]:
    """How many orders wait in each status before shipping."""
    waiting = (Status.PLACED, Status.BACKORDERED, Status.ALLOCATED, Status.PICKED, Status.PACKED)
    return {status.value: len(book.with_status(status)) for status in waiting}


def stock_report(inventory: Inventory, skus: list[str]) -> str:
    rows = ["SKU        ON HAND   FREE  BINS"]
    for sku in sorted(skus):
        bins = ", ".join(str(bin_) for bin_, slot in inventory.bins_of(sku) if slot.on_hand)
        rows.append(f"{sku:<10} {inventory.on_hand(sku):>7} {inventory.free(sku):>6}  {bins}")
    return "\n".join(rows)


def tax_report(invoices: list[Invoice]) -> str:
    lines = [f"{state}: {fmt(amount)}" for state, amount in tax_by_state(invoices).items()]
    return "\n".join(["Sales tax collected", *lines]) if lines else "No sales tax collected"

"""Invoices: line items, a tax rate and the total a customer owes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from billing.money import format_cents, percent_of


@dataclass(frozen=True)
class LineItem:
    description: str
    quantity: int
    unit_cents: int

    @property
    def subtotal_cents(self) -> int:
        return self.quantity * self.unit_cents


@dataclass
class Invoice:
    number: str
    customer: str
    issued: date
    tax_percent: int = 0
    lines: list[LineItem] = field(default_factory=list)

    def add(self, description: str, quantity: int, unit_cents: int) -> LineItem:
        if quantity <= 0:
            raise ValueError("quantity must be positive")
        item = LineItem(description, quantity, unit_cents)
        self.lines.append(item)
        return item

    def subtotal_cents(self) -> int:
        return sum(line.subtotal_cents for line in self.lines)

    def tax_cents(self) -> int:
        return percent_of(self.subtotal_cents(), self.tax_percent)

    def total_cents(self) -> int:
        return self.subtotal_cents() + self.tax_cents()

    def render(self) -> str:
        rows = [f"Invoice {self.number} for {self.customer} ({self.issued.isoformat()})"]
        for line in self.lines:
            rows.append(
                f"  {line.quantity} x {line.description}: {format_cents(line.subtotal_cents)}"
            )
        rows.append(f"  Tax {self.tax_percent}%: {format_cents(self.tax_cents())}")
        rows.append(f"  Total: {format_cents(self.total_cents())}")
        return "\n".join(rows)

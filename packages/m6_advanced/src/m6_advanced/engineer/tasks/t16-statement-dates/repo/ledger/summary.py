"""Monthly income and spending."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from ledger.statement import Transaction


def monthly_totals(transactions: Iterable[Transaction]) -> dict[str, dict[str, Decimal]]:
    """'YYYY-MM' -> {"in": income, "out": spending (positive), "net": in - out}, by month."""
    months: dict[str, dict[str, Decimal]] = defaultdict(
        lambda: {"in": Decimal(0), "out": Decimal(0), "net": Decimal(0)}
    )
    for transaction in transactions:
        month = months[transaction.day.strftime("%Y-%m")]
        if transaction.amount >= 0:
            month["in"] += transaction.amount
        else:
            month["out"] -= transaction.amount
        month["net"] += transaction.amount
    return dict(sorted(months.items()))

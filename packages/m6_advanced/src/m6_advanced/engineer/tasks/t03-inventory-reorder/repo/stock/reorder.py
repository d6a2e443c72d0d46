"""The weekly reorder run: which items to buy, how many, and from whom."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from stock.items import Item


def needs_reorder(item: Item) -> bool:
    """Whether ``item`` should be bought again: available stock at or below its reorder point.

    A discontinued item that still has stock is sold off rather than replenished.
    """
    if item.discontinued and item.on_hand > 0:
        return False
    return item.available <= item.reorder_point


def order_quantity(item: Item) -> int:
    """Enough to bring available stock back above the reorder point by the reorder quantity."""
    shortfall = max(0, item.reorder_point - item.available)
    return shortfall + item.reorder_quantity


def purchase_orders(items: Iterable[Item]) -> dict[str, list[tuple[str, int]]]:
    """Supplier -> [(sku, quantity)] for every item that needs reordering, skus sorted."""
    orders: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for item in items:
        if needs_reorder(item):
            orders[item.supplier].append((item.sku, order_quantity(item)))
    return {supplier: sorted(lines) for supplier, lines in sorted(orders.items())}


def render(orders: dict[str, list[tuple[str, int]]]) -> str:
    if not orders:
        return "Nothing to reorder."
    lines = []
    for supplier, items in orders.items():
        lines.append(f"{supplier}:")
        lines.extend(f"  {sku} x {quantity}" for sku, quantity in items)
    return "\n".join(lines)

"""Pick lists: the allocations of one or more orders in the order a picker walks the aisles.

The depot is walked in a serpentine: aisle A front to back, aisle B back to front, and so
on, so a picker never walks an aisle twice. Within a bay, lower levels come first.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from depot.allocation import Allocation
from depot.inventory import Bin, Inventory


@dataclass(frozen=True)
class PickLine:
    bin: Bin
    sku: str
    quantity: int
    orders: tuple[str, ...]


def walk_key(bin_: Bin) -> tuple[int, int, int]:
    aisle_index = ord(bin_.aisle) - ord("A")
    bay = bin_.bay if aisle_index % 2 == 0 else -bin_.bay
    return aisle_index, bay, bin_.level


def pick_list(batches: dict[str, list[Allocation]]) -> list[PickLine]:
    """One line per (bin, sku) for a batch of orders (order number -> its allocations)."""
    merged: dict[tuple[Bin, str], int] = defaultdict(int)
    owners: dict[tuple[Bin, str], set[str]] = defaultdict(set)
    for number, allocations in batches.items():
        for allocation in allocations:
            key = (allocation.bin, allocation.sku)
            merged[key] += allocation.quantity
            owners[key].add(number)
    lines = [
        PickLine(bin_, sku, quantity, tuple(sorted(owners[(bin_, sku)])))
        for (bin_, sku), quantity in merged.items()
    ]
    return sorted(lines, key=lambda line: (walk_key(line.bin), line.sku))


def confirm(allocations: list[Allocation], inventory: Inventory) -> None:
    """The picker scanned every unit: the reserved stock leaves its bins."""
    for allocation in allocations:
        inventory.take(allocation.sku, allocation.bin, allocation.quantity)


def render(lines: list[PickLine]) -> str:
    rows = [
        f"{line.bin!s:<8} {line.sku:<10} x{line.quantity:<3} {', '.join(line.orders)}"
        for line in lines
    ]
    return "\n".join(["BIN      SKU        QTY  ORDERS", *rows])

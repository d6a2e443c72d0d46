"""Allocation: promising stock in particular bins to an order's lines.

Bins are drained fullest-first for each line, so that few half-empty bins are left behind;
if the depot cannot cover every line, nothing is reserved and the order is backordered
(the store ships complete orders only).
"""

from __future__ import annotations

from dataclasses import dataclass

from depot.inventory import Bin, Inventory
from depot.orders import Order, Status


@dataclass(frozen=True)
class Allocation:
    sku: str
    bin: Bin
    quantity: int


def plan(order: Order, inventory: Inventory) -> list[Allocation] | None:
    """Where each line's units would come from, or None if some line cannot be covered."""
    allocations = []
    for line in order.lines:
        needed = line.quantity
        bins = sorted(inventory.bins_of(line.sku), key=lambda item: (-item[1].free, item[0]))
        for bin_, slot in bins:
            if needed == 0:
                break
            take = min(needed, slot.free)
            if take > 0:
                allocations.append(Allocation(line.sku, bin_, take))
                needed -= take
        if needed > 0:
            return None
    return allocations


def allocate(order: Order, inventory: Inventory) -> list[Allocation]:
    """Reserve stock for ``order`` and mark it allocated, or mark it backordered ([])."""
    allocations = plan(order, inventory)
    if allocations is None:
        if order.status is not Status.BACKORDERED:
            order.move_to(Status.BACKORDERED)
        return []
    for allocation in allocations:
        inventory.reserve(allocation.sku, allocation.bin, allocation.quantity)
    order.move_to(Status.ALLOCATED)
    return allocations


def release(allocations: list[Allocation], inventory: Inventory) -> None:
    """Give reserved stock back (an allocated order was cancelled)."""
    for allocation in allocations:
        inventory.release(allocation.sku, allocation.bin, allocation.quantity)


def shortages(order: Order, inventory: Inventory) -> dict[str, int]:
    """sku -> units missing, for the purchasing team's backorder report."""
    return {
        line.sku: line.quantity - inventory.free(line.sku)
        for line in order.lines
        if inventory.free(line.sku) < line.quantity
    }

"""Stock in bins. A bin is a shelf position like 'A-03-2' (aisle, bay, level).

Stock is either on hand or reserved for an order that has been allocated but not shipped;
only the difference can be promised to new orders.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass

_BIN = re.compile(r"([A-Z])-(\d{2})-(\d)")


class StockError(ValueError):
    """Not enough stock, or a bin that does not exist."""


@dataclass(frozen=True, order=True)
class Bin:
    aisle: str
    bay: int
    level: int

    @classmethod
    def parse(cls, text: str) -> Bin:
        match = _BIN.fullmatch(text.strip().upper())
        if match is None:
            raise StockError(f"{text!r} is not a bin (like A-03-2)")
        aisle, bay, level = match.groups()
        return cls(aisle, int(bay), int(level))

    def __str__(self) -> str:
        return f"{self.aisle}-{self.bay:02d}-{self.level}"


@dataclass
class Slot:
    on_hand: int = 0
    reserved: int = 0

    @property
    def free(self) -> int:
        return self.on_hand - self.reserved


class Inventory:
    def __init__(self) -> None:
        self.slots: dict[str, dict[Bin, Slot]] = defaultdict(dict)

    def receive(self, sku: str, bin_text: str, quantity: int) -> None:
        if quantity <= 0:
            raise StockError("received quantity must be positive")
        slot = self.slots[sku].setdefault(Bin.parse(bin_text), Slot())
        slot.on_hand += quantity

    def bins_of(self, sku: str) -> list[tuple[Bin, Slot]]:
        return sorted(self.slots.get(sku, {}).items())

    def free(self, sku: str) -> int:
        return sum(slot.free for _, slot in self.bins_of(sku))

    def on_hand(self, sku: str) -> int:
        return sum(slot.on_hand for _, slot in self.bins_of(sku))

    def reserve(self, sku: str, bin_: Bin, quantity: int) -> None:
        slot = self.slots.get(sku, {}).get(bin_)
        if slot is None or slot.free < quantity:
            raise StockError(f"cannot reserve {quantity} of {sku} in {bin_}")
        slot.reserved += quantity

    def release(self, sku: str, bin_: Bin, quantity: int) -> None:
        slot = self.slots[sku][bin_]
        if quantity > slot.reserved:
            raise StockError(f"only {slot.reserved} of {sku} reserved in {bin_}")
        slot.reserved -= quantity

    def take(self, sku: str, bin_: Bin, quantity: int) -> None:
        """Remove reserved stock that has been picked (it leaves the building)."""
        self.release(sku, bin_, quantity)
        self.slots[sku][bin_].on_hand -= quantity

    def move(self, sku: str, source: str, target: str, quantity: int) -> None:
        origin = self.slots.get(sku, {}).get(Bin.parse(source))
        if origin is None or origin.free < quantity:
            raise StockError(f"cannot move {quantity} of {sku} from {source}")
        origin.on_hand -= quantity
        self.receive(sku, target, quantity)

    def low_stock(self, thresholds: dict[str, int]) -> list[tuple[str, int]]:
        """(sku, free) for every sku whose free stock is at or below its threshold."""
        return sorted(
            (sku, self.free(sku)) for sku, limit in thresholds.items() if self.free(sku) <= limit
        )

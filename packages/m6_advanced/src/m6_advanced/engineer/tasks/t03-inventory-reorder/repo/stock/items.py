"""Stock items: what is on the shelf, what is promised to open orders, and when to reorder."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Item:
    sku: str
    name: str
    supplier: str
    on_hand: int
    reorder_point: int
    reorder_quantity: int
    reserved: int = 0
    discontinued: bool = False

    @property
    def available(self) -> int:
        """What can still be sold: stock on hand minus stock reserved for open orders."""
        return self.on_hand - self.reserved

    def reserve(self, quantity: int) -> None:
        if quantity > self.available:
            raise ValueError(f"only {self.available} of {self.sku} available")
        self.reserved += quantity

    def ship(self, quantity: int) -> None:
        if quantity > self.reserved:
            raise ValueError(f"only {self.reserved} of {self.sku} reserved")
        self.reserved -= quantity
        self.on_hand -= quantity

"""Packing: which boxes an order's items go into.

The depot stocks a few box sizes. Items are packed largest first into the smallest box that
still has room (by volume, with 15% kept for padding) and can carry the weight; fragile
items always get a box of their own.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from depot.products import Product
from depot.units import fits_inside, volume_cm3

PADDING = 0.85  # share of a box's volume usable for goods


@dataclass(frozen=True)
class BoxSize:
    name: str
    dims_mm: tuple[int, int, int]
    max_weight_g: int
    weight_g: int  # the empty box and its filling

    @property
    def capacity_cm3(self) -> float:
        return volume_cm3(self.dims_mm) * PADDING


BOXES = (
    BoxSize("S", (250, 180, 100), 5_000, 150),
    BoxSize("M", (400, 300, 200), 15_000, 350),
    BoxSize("L", (600, 400, 400), 25_000, 700),
    BoxSize("XL", (1200, 600, 500), 30_000, 1_400),
)


class PackingError(ValueError):
    """An item that fits in no box the depot stocks."""


@dataclass
class Parcel:
    box: BoxSize
    items: list[Product] = field(default_factory=list)

    @property
    def weight_g(self) -> int:
        return self.box.weight_g + sum(item.weight_g for item in self.items)

    @property
    def used_cm3(self) -> float:
        return sum(volume_cm3(item.dims_mm) for item in self.items)

    def has_room_for(self, item: Product) -> bool:
        return (
            fits_inside(item.dims_mm, self.box.dims_mm)
            and self.used_cm3 + volume_cm3(item.dims_mm) <= self.box.capacity_cm3
            and self.weight_g + item.weight_g <= self.box.max_weight_g
        )


def smallest_box_for(item: Product) -> BoxSize:
    for box in BOXES:
        if Parcel(box).has_room_for(item):
            return box
    raise PackingError(f"{item.sku} fits in no box")


def pack(items: list[Product]) -> list[Parcel]:
    """Parcels for ``items`` (one entry per unit), largest items first."""
    parcels: list[Parcel] = []
    for item in sorted(items, key=lambda p: (volume_cm3(p.dims_mm), p.sku), reverse=True):
        if not item.fragile:
            target = next(
                (
                    p
                    for p in parcels
                    if not any(i.fragile for i in p.items) and p.has_room_for(item)
                ),
                None,
            )
            if target is not None:
                target.items.append(item)
                continue
        parcels.append(Parcel(smallest_box_for(item), [item]))
    return parcels

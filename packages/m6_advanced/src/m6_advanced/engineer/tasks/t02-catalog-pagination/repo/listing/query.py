"""Filtering and sorting products before they are paginated."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

SORT_KEYS = {
    "name": lambda product: product.name.lower(),
    "price": lambda product: product.price_cents,
    "newest": lambda product: -product.added,
}


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    category: str
    price_cents: int
    added: int = 0  # a sequence number: larger is newer
    in_stock: bool = True


def select(
    products: Iterable[Product],
    category: str | None = None,
    in_stock_only: bool = False,
    sort: str = "name",
) -> list[Product]:
    """The products of ``category`` (all when None), sorted by one of SORT_KEYS."""
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort {sort!r}; one of {', '.join(SORT_KEYS)}")
    chosen = [
        product
        for product in products
        if (category is None or product.category == category)
        and (product.in_stock or not in_stock_only)
    ]
    return sorted(chosen, key=SORT_KEYS[sort])

"""A shopping cart: products and quantities, merged by SKU."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price_cents: int
    oversized: bool = False


@dataclass
class Cart:
    quantities: dict[str, int] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)

    def add(self, product: Product, quantity: int = 1) -> None:
        if quantity < 1:
            raise ValueError("quantity must be at least 1")
        self.products[product.sku] = product
        self.quantities[product.sku] = self.quantities.get(product.sku, 0) + quantity

    def remove(self, sku: str) -> None:
        self.quantities.pop(sku, None)
        self.products.pop(sku, None)

    def is_empty(self) -> bool:
        return not self.quantities

    def subtotal_cents(self) -> int:
        return sum(self.products[sku].price_cents * qty for sku, qty in self.quantities.items())

    def has_oversized(self) -> bool:
        return any(self.products[sku].oversized for sku in self.quantities)

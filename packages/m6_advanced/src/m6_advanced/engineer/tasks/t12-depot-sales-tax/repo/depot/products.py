"""The products the store sells, with what the depot needs to know to ship them."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from depot.money import cents


class TaxCategory(Enum):
    GENERAL = "general"
    CLOTHING = "clothing"
    GROCERY = "grocery"
    GIFT_CARD = "gift_card"  # never taxed: tax is due when the card is spent


@dataclass(frozen=True)
class Product:
    sku: str
    name: str
    price: Decimal
    weight_g: int
    dims_mm: tuple[int, int, int]
    category: TaxCategory = TaxCategory.GENERAL
    fragile: bool = False

    def __post_init__(self) -> None:
        if self.price < 0:
            raise ValueError(f"{self.sku}: negative price")
        if self.weight_g <= 0 or min(self.dims_mm) <= 0:
            raise ValueError(f"{self.sku}: weight and dimensions must be positive")


class UnknownProduct(LookupError):
    pass


class ProductCatalog:
    def __init__(self) -> None:
        self.products: dict[str, Product] = {}

    def add(
        self,
        sku: str,
        name: str,
        price: str,
        weight_g: int,
        dims_mm: tuple[int, int, int],
        category: TaxCategory = TaxCategory.GENERAL,
        fragile: bool = False,
    ) -> Product:
        key = sku.strip().upper()
        if key in self.products:
            raise ValueError(f"{key} already exists")
        product = Product(key, name, cents(price), weight_g, dims_mm, category, fragile)
        self.products[key] = product
        return product

    def get(self, sku: str) -> Product:
        key = sku.strip().upper()
        if key not in self.products:
            raise UnknownProduct(f"no product {key}")
        return self.products[key]

    def reprice(self, sku: str, price: str) -> Product:
        old = self.get(sku)
        new = Product(
            old.sku, old.name, cents(price), old.weight_g, old.dims_mm, old.category, old.fragile
        )
        self.products[old.sku] = new
        return new

    def search(self, text: str) -> list[Product]:
        needle = text.strip().lower()
        return sorted(
            (p for p in self.products.values() if needle in p.name.lower()),
            key=lambda product: product.sku,
        )

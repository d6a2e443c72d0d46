"""US sales tax, as the store's accountant set it up.

Sales tax is owed to the state the goods are delivered to (the "destination"), at that
state's rate. Some states exempt clothing or groceries, some also tax the shipping charge,
and gift cards are never taxed when sold.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from depot.money import ZERO, percent, total
from depot.products import TaxCategory

RATES = {
    "CA": Decimal("7.25"),
    "NY": Decimal("4.00"),
    "TX": Decimal("6.25"),
    "WA": Decimal("6.50"),
    "PA": Decimal("6.00"),
    "NV": Decimal("6.85"),
    "IL": Decimal("6.25"),
    "FL": Decimal("6.00"),
    "OR": Decimal("0"),
    "MT": Decimal("0"),
    "NH": Decimal("0"),
    "DE": Decimal("0"),
    "AK": Decimal("0"),
}
DEFAULT_RATE = Decimal("5.00")
EXEMPT = {
    "NY": {TaxCategory.CLOTHING},
    "PA": {TaxCategory.CLOTHING, TaxCategory.GROCERY},
    "TX": {TaxCategory.GROCERY},
    "WA": {TaxCategory.GROCERY},
    "CA": {TaxCategory.GROCERY},
}
SHIPPING_TAXED = {"NY", "TX", "WA", "PA"}


def rate(state: str) -> Decimal:
    return RATES.get(state, DEFAULT_RATE)


def is_taxable(category: TaxCategory, state: str) -> bool:
    if category is TaxCategory.GIFT_CARD:
        return False
    return category not in EXEMPT.get(state, set())


def taxable_amount(
    lines: Iterable[tuple[TaxCategory, Decimal]], shipping: Decimal, state: str
) -> Decimal:
    """The part of an order the tax applies to: taxable lines, and shipping where taxed."""
    goods = total(amount for category, amount in lines if is_taxable(category, state))
    return goods + (shipping if state in SHIPPING_TAXED else ZERO)


def sales_tax(
    lines: Iterable[tuple[TaxCategory, Decimal]], shipping: Decimal, state: str
) -> Decimal:
    """The tax on an order delivered to ``state``, rounded half up to the cent."""
    return percent(taxable_amount(lines, shipping, state), rate(state))

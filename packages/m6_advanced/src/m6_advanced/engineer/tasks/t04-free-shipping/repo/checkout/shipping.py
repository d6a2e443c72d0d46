"""Standard shipping: a flat rate, free from a threshold, a surcharge for oversized items."""

from __future__ import annotations

from checkout.cart import Cart

FLAT_RATE_CENTS = 499
FREE_FROM_CENTS = 5000
OVERSIZED_SURCHARGE_CENTS = 1500


def shipping_cents(cart: Cart) -> int:
    """What standard shipping costs for ``cart``.

    Orders from FREE_FROM_CENTS ship free, except orders with an oversized item, which
    always pay the flat rate and the surcharge.
    """
    if cart.is_empty():
        return 0
    if cart.subtotal_cents() >= FREE_FROM_CENTS or not cart.has_oversized():
        return 0
    cost = FLAT_RATE_CENTS
    if cart.has_oversized():
        cost += OVERSIZED_SURCHARGE_CENTS
    return cost

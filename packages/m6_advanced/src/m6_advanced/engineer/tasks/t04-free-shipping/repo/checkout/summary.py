"""The order summary shown before payment."""

from __future__ import annotations

from checkout.cart import Cart
from checkout.shipping import shipping_cents


def dollars(cents: int) -> str:
    return f"${cents // 100}.{cents % 100:02d}"


def summary(cart: Cart) -> dict[str, str]:
    subtotal = cart.subtotal_cents()
    shipping = shipping_cents(cart)
    return {
        "subtotal": dollars(subtotal),
        "shipping": dollars(shipping),
        "total": dollars(subtotal + shipping),
    }

"""The messages the app sends, by event name."""

from __future__ import annotations

TEMPLATES = {
    "order_shipped": ("Your order {order} has shipped", "It is on its way with {carrier}."),
    "refund_approved": (
        "Your refund for order {order} was approved",
        "{amount} will be back on your card within 5 days.",
    ),
    "back_in_stock": ("{product} is back in stock", "Get it before it sells out again."),
}


def render(event: str, **values: str) -> tuple[str, str]:
    """The (title, body) of ``event`` with ``values`` filled in."""
    if event not in TEMPLATES:
        raise KeyError(f"unknown event {event!r}")
    title, body = TEMPLATES[event]
    return title.format(**values), body.format(**values)

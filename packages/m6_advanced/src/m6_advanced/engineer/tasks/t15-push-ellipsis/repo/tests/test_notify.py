import pytest
from notify.push import BODY_LIMIT, TITLE_LIMIT, payload
from notify.templates import render
from notify.text import shorten


def test_short_texts_are_unchanged():
    assert shorten("Order shipped", 28) == "Order shipped"
    assert shorten("  Order \n shipped ", 28) == "Order shipped"
    assert shorten("exactly ten", 11) == "exactly ten"
    with pytest.raises(ValueError):
        shorten("x", 0)


def test_templates():
    assert render("order_shipped", order="7", carrier="DHL") == (
        "Your order 7 has shipped",
        "It is on its way with DHL.",
    )
    with pytest.raises(KeyError):
        render("birthday")


def test_payload_respects_limits():
    for order in ("1", "1234", "1234567890"):
        sent = payload("device-1", "refund_approved", order=order, amount="$1,234.56")
        assert len(sent["title"]) <= TITLE_LIMIT
        assert len(sent["body"]) <= BODY_LIMIT

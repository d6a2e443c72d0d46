import pytest
from checkout.cart import Cart, Product
from checkout.shipping import shipping_cents
from checkout.summary import summary

LAMP = Product("LAMP", "Desk lamp", 3000)
SHED = Product("SHED", "Tool shed", 2000, oversized=True)


def test_cart_merges_quantities():
    cart = Cart()
    cart.add(LAMP)
    cart.add(LAMP, 2)
    assert cart.quantities == {"LAMP": 3}
    assert cart.subtotal_cents() == 9000
    with pytest.raises(ValueError):
        cart.add(LAMP, 0)


def test_large_orders_ship_free():
    cart = Cart()
    cart.add(LAMP, 2)
    assert shipping_cents(cart) == 0


def test_small_order_with_oversized_item_pays_the_surcharge():
    cart = Cart()
    cart.add(SHED)
    assert shipping_cents(cart) == 1999
    assert summary(cart) == {"subtotal": "$20.00", "shipping": "$19.99", "total": "$39.99"}


def test_empty_cart():
    assert shipping_cents(Cart()) == 0

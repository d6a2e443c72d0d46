from checkout.cart import Cart, Product
from checkout.shipping import shipping_cents
from checkout.summary import summary

MUG = Product("MUG", "Mug", 1200)
BENCH = Product("BENCH", "Garden bench", 15000, oversized=True)
CUSHION = Product("CUSHION", "Cushion", 1500)


def test_small_order_pays_the_flat_rate():
    cart = Cart()
    cart.add(MUG)
    assert shipping_cents(cart) == 499
    assert summary(cart)["shipping"] == "$4.99"


def test_large_order_with_an_oversized_item_is_not_free():
    cart = Cart()
    cart.add(BENCH)
    cart.add(CUSHION, 2)
    assert shipping_cents(cart) == 1999


def test_the_threshold_itself_ships_free():
    cart = Cart()
    cart.add(Product("GIFT", "Gift card", 5000))
    assert shipping_cents(cart) == 0

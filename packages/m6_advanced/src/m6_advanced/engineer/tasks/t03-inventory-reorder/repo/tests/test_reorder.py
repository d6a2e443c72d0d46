import pytest
from stock.items import Item
from stock.reorder import needs_reorder, order_quantity, purchase_orders, render


def mug(**changes):
    fields = dict(
        sku="MUG-RED",
        name="Mug",
        supplier="Potters",
        on_hand=50,
        reorder_point=20,
        reorder_quantity=60,
    )
    return Item(**{**fields, **changes})


def test_reserving_reduces_available():
    item = mug(on_hand=30)
    item.reserve(12)
    assert item.available == 18
    with pytest.raises(ValueError):
        item.reserve(19)
    item.ship(12)
    assert (item.on_hand, item.reserved) == (18, 0)


def test_low_stock_is_reordered():
    assert not needs_reorder(mug(on_hand=50))
    assert needs_reorder(mug(on_hand=20))
    assert needs_reorder(mug(on_hand=30, reserved=15))
    assert order_quantity(mug(on_hand=5)) == 75


def test_discontinued_stock_is_sold_off():
    assert not needs_reorder(mug(on_hand=3, discontinued=True))


def test_purchase_orders_grouped_by_supplier():
    items = [
        mug(sku="MUG-RED", on_hand=4),
        mug(sku="MUG-GREEN", on_hand=90),
        mug(sku="BOWL", supplier="Bowls Ltd", on_hand=0, reorder_quantity=10),
    ]
    orders = purchase_orders(items)
    assert orders == {"Bowls Ltd": [("BOWL", 30)], "Potters": [("MUG-RED", 76)]}
    assert render(orders).splitlines()[0] == "Bowls Ltd:"
    assert render({}) == "Nothing to reorder."

from stock.items import Item
from stock.reorder import needs_reorder, purchase_orders


def mug(**changes):
    fields = dict(
        sku="MUG-BLUE",
        name="Classic Mug (blue)",
        supplier="Potters",
        on_hand=0,
        reorder_point=20,
        reorder_quantity=60,
        discontinued=True,
    )
    return Item(**{**fields, **changes})


def test_sold_out_discontinued_items_are_not_reordered():
    assert not needs_reorder(mug(on_hand=0))
    assert not needs_reorder(mug(on_hand=5, reserved=5))
    assert not needs_reorder(mug(on_hand=12))


def test_purchase_orders_skip_discontinued_items():
    items = [mug(), mug(sku="MUG-RED", discontinued=False, on_hand=2)]
    assert purchase_orders(items) == {"Potters": [("MUG-RED", 78)]}


def test_active_items_still_reordered():
    assert needs_reorder(mug(discontinued=False, on_hand=0))

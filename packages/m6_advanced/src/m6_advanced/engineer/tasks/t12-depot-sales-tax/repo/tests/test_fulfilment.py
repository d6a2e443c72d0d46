from decimal import Decimal

import pytest
from depot.inventory import Bin
from depot.orders import OrderError, Status
from depot.reports import tax_by_state
from depot.shipping import zone
from factories import TODAY, address


def test_allocation_prefers_the_fullest_bin(depot):
    order = depot.place_order(address("NV", "89501"), address("NV", "89501"), {"MUG-01": 12}, TODAY)
    assert depot.allocate(order.number)
    assert [(a.bin, a.quantity) for a in depot.allocations[order.number]] == [(Bin("A", 1, 1), 12)]
    assert depot.inventory.free("MUG-01") == 28


def test_backorder_reserves_nothing(depot):
    order = depot.place_order(address("NV", "89501"), address("NV", "89501"), {"VASE-1": 5}, TODAY)
    assert not depot.allocate(order.number)
    assert order.status is Status.BACKORDERED
    assert depot.inventory.free("VASE-1") == 3


def test_pick_list_follows_the_serpentine(depot):
    first = depot.place_order(
        address("NV", "89501"), address("NV", "89501"), {"MUG-01": 35, "TEE-M": 1}, TODAY
    )
    depot.allocate(first.number)
    lines = depot.pick([first.number])
    assert [str(line.bin) for line in lines] == ["A-01-1", "A-03-1", "B-04-2"]


def test_fragile_items_get_their_own_box(depot):
    order = depot.place_order(
        address("NV", "89501"), address("NV", "89501"), {"VASE-1": 1, "MUG-01": 2}, TODAY
    )
    depot.allocate(order.number)
    depot.pick([order.number])
    parcels = depot.pack(order.number)
    assert sorted(len(parcel.items) for parcel in parcels) == [1, 2]


def test_zones():
    assert zone(address("NV", "89501")) == 1
    assert zone(address("NY", "10001")) == 7
    assert zone(address("AK", "99501")) == 8


def test_invoice_for_a_local_order(depot):
    customer = address("NV", "89501")
    invoice = depot.fulfil(customer, customer, {"MUG-01": 2, "GIFT-50": 1}, TODAY)
    assert invoice.subtotal == Decimal("86.00")
    assert invoice.shipping == Decimal("6.35")  # 1.5 kg billed, zone 1
    assert invoice.tax_state == "NV"
    assert invoice.tax == Decimal("2.47")  # 6.85% of the mugs; gift cards are not taxed
    assert invoice.total == Decimal("94.82")
    assert tax_by_state(depot.invoices) == {"NV": Decimal("2.47")}


def test_clothing_is_exempt_in_new_york(depot):
    customer = address("NY", "10001")
    invoice = depot.fulfil(customer, customer, {"TEE-M": 2}, TODAY)
    assert invoice.tax == Decimal("0.70")  # only the shipping ($17.55) is taxed, at 4%
    with pytest.raises(OrderError):
        depot.cancel(invoice.order_number)


def test_returns_restock_and_credit(depot):
    customer = address("NV", "89501")
    invoice = depot.fulfil(customer, customer, {"MUG-01": 4}, TODAY)
    request = depot.request_return(invoice.number, {"MUG-01": 2}, TODAY)
    note = depot.receive_return(request.rma, {"MUG-01": 1}, TODAY)
    assert note.subtotal == Decimal("-36.00") and note.tax == Decimal("-2.47")
    assert depot.inventory.free("MUG-01") == 37

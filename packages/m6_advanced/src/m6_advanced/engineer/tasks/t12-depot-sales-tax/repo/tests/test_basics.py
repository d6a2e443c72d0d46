from decimal import Decimal

import pytest
from depot.addresses import AddressError, make_address
from depot.money import cents, fmt, split_evenly
from depot.units import fits_inside, parse_length, parse_weight


def test_units():
    assert parse_weight("1.5 kg") == 1500
    assert parse_weight("1lb") == 454
    assert parse_length("12 in") == 305
    assert fits_inside((300, 100, 50), (120, 60, 400))


def test_money_rounds_half_up():
    assert cents("0.125") == Decimal("0.13")
    assert fmt(Decimal("-1234.5")) == "-$1,234.50"
    assert split_evenly(Decimal("10.00"), 3) == [Decimal("3.34"), Decimal("3.33"), Decimal("3.33")]


def test_addresses_are_normalised():
    address = make_address("Sam  Doe", "1 Main St", "portland", "oregon", "972011234")
    assert (address.state, address.zip_code, address.city) == ("OR", "97201-1234", "Portland")
    with pytest.raises(AddressError):
        make_address("Sam", "1 Main St", "Nowhere", "ZZ", "12345")

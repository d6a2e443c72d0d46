import pytest
from library.ids import InvalidIdentifier, barcodes, check_member_id, normalize_isbn
from library.money import Money


def test_isbn_forms():
    assert normalize_isbn("978-0-261-10221-7") == "9780261102217"
    assert normalize_isbn("0-261-10221-4") == "9780261102217"
    with pytest.raises(InvalidIdentifier):
        normalize_isbn("978-0-261-10221-8")


def test_sequences_skip_used_numbers():
    sequence = barcodes({"C000001", "C000002"})
    assert sequence.next() == "C000003"
    assert check_member_id(" m-0042 ") == "M-0042"


def test_money():
    assert Money.dollars("12.5") == Money(1250)
    assert str(Money.dollars("-0.05")) == "-$0.05"
    assert Money(25) * 3 == Money(75)
    assert Money(25).half() == Money(12)

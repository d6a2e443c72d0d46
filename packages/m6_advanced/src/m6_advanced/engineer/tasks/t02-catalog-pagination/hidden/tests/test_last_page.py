from listing.api import listing_response
from listing.paginate import page_count, paginate
from listing.query import Product


def products(count):
    return [Product(f"SKU{i:03d}", f"Item {i:03d}", "Garden", 100 * i) for i in range(count)]


def test_the_garden_category():
    items = products(25)
    second = listing_response(items, page=2)
    assert second["pages"] == 3
    assert second["links"]["next"] == "/products?page=3&per_page=10"
    third = listing_response(items, page=3)
    assert [item["sku"] for item in third["items"]] == [f"SKU{i:03d}" for i in range(20, 25)]
    assert "next" not in third["links"]


def test_partial_last_pages():
    assert page_count(1, 10) == 1
    assert page_count(11, 10) == 2
    assert page_count(21, 10) == 3
    assert page_count(7, 3) == 3
    assert paginate(list(range(7)), 3, 3).items == [6]

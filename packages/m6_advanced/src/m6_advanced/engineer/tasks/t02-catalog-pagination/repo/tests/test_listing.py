import pytest
from listing.api import listing_response
from listing.paginate import PageOutOfRange, page_count, paginate
from listing.query import Product, select


def products(count, category="Garden"):
    return [
        Product(f"SKU{i:03d}", f"Item {i:03d}", category, 100 * i, added=i) for i in range(count)
    ]


def test_full_pages():
    assert page_count(30, 10) == 3
    page = paginate(list(range(30)), 3, 10)
    assert page.items == list(range(20, 30))
    assert not page.has_next and page.has_previous


def test_empty_listing_has_one_empty_page():
    assert page_count(0, 10) == 1
    assert paginate([], 1, 10).items == []
    with pytest.raises(PageOutOfRange):
        paginate([], 2, 10)


def test_select_filters_and_sorts():
    items = products(3) + products(2, category="Kitchen")
    chosen = select(items, category="Garden", sort="newest")
    assert [p.sku for p in chosen] == ["SKU002", "SKU001", "SKU000"]
    with pytest.raises(ValueError):
        select(items, sort="colour")


def test_response_links():
    body = listing_response(products(20), page=1)
    assert body["pages"] == 2
    assert body["links"] == {"next": "/products?page=2&per_page=10"}

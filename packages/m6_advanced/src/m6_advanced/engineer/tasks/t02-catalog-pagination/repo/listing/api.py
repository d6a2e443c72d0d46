"""The JSON body of ``GET /products``: one page of products and the links around it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from listing.paginate import paginate
from listing.query import Product

DEFAULT_PER_PAGE = 10
MAX_PER_PAGE = 100


def link(page: int, per_page: int) -> str:
    return f"/products?page={page}&per_page={per_page}"


def listing_response(
    products: Sequence[Product], page: int = 1, per_page: int = DEFAULT_PER_PAGE
) -> dict[str, Any]:
    per_page = min(per_page, MAX_PER_PAGE)
    current = paginate(products, page, per_page)
    body: dict[str, Any] = {
        "items": [{"sku": p.sku, "name": p.name, "price": p.price_cents} for p in current.items],
        "page": current.number,
        "pages": current.pages,
        "total": current.total,
        "links": {},
    }
    if current.has_previous:
        body["links"]["previous"] = link(current.number - 1, per_page)
    if current.has_next:
        body["links"]["next"] = link(current.number + 1, per_page)
    return body

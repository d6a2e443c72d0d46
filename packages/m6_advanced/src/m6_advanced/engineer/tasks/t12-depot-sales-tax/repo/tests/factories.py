"""Test data: a depot stocked with a few products, and addresses."""

from datetime import date

from depot.addresses import make_address
from depot.products import TaxCategory
from depot.service import Depot

TODAY = date(2024, 5, 6)


def make_depot():
    depot = Depot()
    depot.catalog.add("MUG-01", "Stoneware mug", "18.00", 450, (120, 90, 100))
    depot.catalog.add(
        "TEE-M", "Cotton T-shirt (M)", "25.00", 200, (250, 200, 20), category=TaxCategory.CLOTHING
    )
    depot.catalog.add("VASE-1", "Glass vase", "60.00", 1200, (200, 200, 350), fragile=True)
    depot.catalog.add(
        "GIFT-50", "Gift card $50", "50.00", 20, (90, 60, 5), category=TaxCategory.GIFT_CARD
    )
    depot.inventory.receive("MUG-01", "A-01-1", 30)
    depot.inventory.receive("MUG-01", "B-04-2", 10)
    depot.inventory.receive("TEE-M", "A-03-1", 20)
    depot.inventory.receive("VASE-1", "C-02-1", 3)
    depot.inventory.receive("GIFT-50", "A-01-2", 100)
    return depot


def address(state, zip_code, name="Sam Doe"):
    return make_address(name, "1 Main St", "Springfield", state, zip_code)

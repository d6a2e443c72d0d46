"""Returns: a customer sends goods back within 30 days; sound units go back on the shelf.

Each return gets an RMA number the customer writes on the parcel. When it arrives, the
depot inspects every unit: sound ones are restocked in the returns bay, damaged ones are
written off, and the customer gets a credit note for all of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from depot.inventory import Inventory
from depot.invoicing import Invoice

RETURN_WINDOW_DAYS = 30
RETURNS_BIN = "Z-01-1"


class ReturnError(ValueError):
    """A return the depot refuses (too late, more than was bought, unknown RMA)."""


@dataclass
class ReturnRequest:
    rma: str
    invoice_number: str
    requested: date
    units: dict[str, int]
    received: date | None = None
    restocked: dict[str, int] = field(default_factory=dict)
    written_off: dict[str, int] = field(default_factory=dict)


class Returns:
    def __init__(self) -> None:
        self.requests: dict[str, ReturnRequest] = {}

    def open(self, invoice: Invoice, units: dict[str, int], today: date) -> ReturnRequest:
        if today > invoice.issued + timedelta(days=RETURN_WINDOW_DAYS):
            raise ReturnError(f"{invoice.number}: the {RETURN_WINDOW_DAYS}-day window has passed")
        bought = {line.sku: line.quantity for line in invoice.lines}
        already = self.returned_units(invoice.number)
        for sku, quantity in units.items():
            if quantity <= 0:
                raise ReturnError(f"{sku}: return at least one unit")
            if quantity + already.get(sku, 0) > bought.get(sku, 0):
                raise ReturnError(f"{sku}: more units than were bought")
        rma = f"RMA-{len(self.requests) + 1:05d}"
        request = ReturnRequest(rma, invoice.number, today, dict(units))
        self.requests[rma] = request
        return request

    def returned_units(self, invoice_number: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for request in self.requests.values():
            if request.invoice_number == invoice_number:
                for sku, quantity in request.units.items():
                    counts[sku] = counts.get(sku, 0) + quantity
        return counts

    def receive(
        self, rma: str, damaged: dict[str, int], inventory: Inventory, today: date
    ) -> ReturnRequest:
        request = self.requests.get(rma)
        if request is None:
            raise ReturnError(f"unknown RMA {rma}")
        if request.received is not None:
            raise ReturnError(f"{rma} was already received")
        for sku, quantity in request.units.items():
            broken = min(damaged.get(sku, 0), quantity)
            if quantity - broken:
                inventory.receive(sku, RETURNS_BIN, quantity - broken)
                request.restocked[sku] = quantity - broken
            if broken:
                request.written_off[sku] = broken
        request.received = today
        return request

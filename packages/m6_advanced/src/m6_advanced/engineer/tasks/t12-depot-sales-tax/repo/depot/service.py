"""The depot as the web shop sees it: one object, one method per step of an order's way.

depot = Depot()
depot.catalog.add("MUG-01", "Mug", "12.00", 400, (120, 90, 100))
depot.inventory.receive("MUG-01", "A-01-1", 50)
invoice = depot.fulfil(billing, shipping, {"MUG-01": 2}, today)   # every step at once
"""

from __future__ import annotations

from datetime import date

from depot.addresses import Address
from depot.allocation import Allocation, allocate, release
from depot.inventory import Inventory
from depot.invoicing import Invoice, build_invoice, credit_note
from depot.orders import Order, OrderBook, OrderError, OrderLine, Status
from depot.packing import Parcel, pack
from depot.picking import PickLine, confirm, pick_list
from depot.products import ProductCatalog
from depot.returns import ReturnRequest, Returns
from depot.shipping import quote, tracking_number


class Depot:
    def __init__(self) -> None:
        self.catalog = ProductCatalog()
        self.inventory = Inventory()
        self.orders = OrderBook()
        self.allocations: dict[str, list[Allocation]] = {}
        self.parcels: dict[str, list[Parcel]] = {}
        self.invoices: list[Invoice] = []
        self.returns = Returns()

    def place_order(
        self, billing: Address, shipping: Address, items: dict[str, int], today: date
    ) -> Order:
        """An order at today's prices; ``items`` maps SKU to quantity."""
        lines = [
            OrderLine(self.catalog.get(sku).sku, quantity, self.catalog.get(sku).price)
            for sku, quantity in items.items()
        ]
        order = Order(self.orders.new_number(), today, billing, shipping, lines)
        return self.orders.add(order)

    def allocate(self, number: str) -> bool:
        """Reserve stock; False when the order had to be backordered."""
        order = self.orders.get(number)
        allocations = allocate(order, self.inventory)
        if allocations:
            self.allocations[number] = allocations
        return bool(allocations)

    def pick(self, numbers: list[str]) -> list[PickLine]:
        """One pick list for a batch of allocated orders; the picked stock leaves the bins."""
        batch = {number: self.allocations[number] for number in numbers}
        lines = pick_list(batch)
        for number, allocations in batch.items():
            confirm(allocations, self.inventory)
            self.orders.get(number).move_to(Status.PICKED)
        return lines

    def pack(self, number: str) -> list[Parcel]:
        order = self.orders.get(number)
        units = [self.catalog.get(line.sku) for line in order.lines for _ in range(line.quantity)]
        parcels = pack(units)
        order.move_to(Status.PACKED)
        self.parcels[number] = parcels
        return parcels

    def ship(self, number: str, today: date) -> Invoice:
        order = self.orders.get(number)
        parcels = self.parcels[number]
        shipping = quote(parcels, order.shipping)
        order.tracking = ", ".join(tracking_number(number, i) for i in range(1, len(parcels) + 1))
        order.move_to(Status.SHIPPED)
        invoice = build_invoice(
            order, self.catalog, shipping, today, f"INV-{len(self.invoices) + 1:06d}"
        )
        self.invoices.append(invoice)
        return invoice

    def fulfil(
        self, billing: Address, shipping: Address, items: dict[str, int], today: date
    ) -> Invoice:
        """Place, allocate, pick, pack and ship an order in one go (the express lane)."""
        order = self.place_order(billing, shipping, items, today)
        if not self.allocate(order.number):
            raise OrderError(f"{order.number}: not enough stock, backordered")
        self.pick([order.number])
        self.pack(order.number)
        return self.ship(order.number, today)

    def cancel(self, number: str) -> None:
        order = self.orders.get(number)
        if order.status is Status.ALLOCATED:
            release(self.allocations.pop(number), self.inventory)
        order.move_to(Status.CANCELLED)

    def invoice(self, number: str) -> Invoice:
        for invoice in self.invoices:
            if invoice.number == number:
                return invoice
        raise LookupError(f"no invoice {number}")

    def request_return(
        self, invoice_number: str, units: dict[str, int], today: date
    ) -> ReturnRequest:
        return self.returns.open(self.invoice(invoice_number), units, today)

    def receive_return(self, rma: str, damaged: dict[str, int], today: date) -> Invoice:
        """Restock what came back and issue the customer's credit note."""
        request = self.returns.receive(rma, damaged, self.inventory, today)
        original = self.invoice(request.invoice_number)
        note = credit_note(
            original, self.catalog, request.units, f"CN-{len(self.invoices) + 1:06d}", today
        )
        self.invoices.append(note)
        return note

"""Orders and their life cycle: placed -> allocated -> picked -> packed -> shipped.

An order can be cancelled until it is packed. Every change of status is checked here, so no
other module can, say, ship an order that was never packed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import Enum

from depot.addresses import Address
from depot.money import total


class Status(Enum):
    PLACED = "placed"
    ALLOCATED = "allocated"
    BACKORDERED = "backordered"
    PICKED = "picked"
    PACKED = "packed"
    SHIPPED = "shipped"
    CANCELLED = "cancelled"


NEXT = {
    Status.PLACED: {Status.ALLOCATED, Status.BACKORDERED, Status.CANCELLED},
    Status.BACKORDERED: {Status.ALLOCATED, Status.CANCELLED},
    Status.ALLOCATED: {Status.PICKED, Status.CANCELLED},
    Status.PICKED: {Status.PACKED, Status.CANCELLED},
    Status.PACKED: {Status.SHIPPED},
    Status.SHIPPED: set(),
    Status.CANCELLED: set(),
}


class OrderError(ValueError):
    """An order that cannot be placed, or a status change that is not allowed."""


@dataclass(frozen=True)
class OrderLine:
    sku: str
    quantity: int
    unit_price: Decimal

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


@dataclass
class Order:
    number: str
    placed: date
    billing: Address
    shipping: Address
    lines: list[OrderLine]
    status: Status = Status.PLACED
    history: list[Status] = field(default_factory=list)
    tracking: str = ""

    def __post_init__(self) -> None:
        if not self.lines:
            raise OrderError(f"{self.number}: an order needs at least one line")
        if any(line.quantity <= 0 for line in self.lines):
            raise OrderError(f"{self.number}: quantities must be positive")
        skus = [line.sku for line in self.lines]
        if len(set(skus)) != len(skus):
            raise OrderError(f"{self.number}: the same product on two lines")

    @property
    def subtotal(self) -> Decimal:
        return total(line.amount for line in self.lines)

    @property
    def units(self) -> int:
        return sum(line.quantity for line in self.lines)

    def move_to(self, status: Status) -> None:
        if status not in NEXT[self.status]:
            raise OrderError(f"{self.number}: cannot go from {self.status.value} to {status.value}")
        self.history.append(self.status)
        self.status = status


class OrderBook:
    def __init__(self, prefix: str = "SO") -> None:
        self.prefix = prefix
        self.orders: dict[str, Order] = {}

    def new_number(self) -> str:
        return f"{self.prefix}-{len(self.orders) + 1:06d}"

    def add(self, order: Order) -> Order:
        if order.number in self.orders:
            raise OrderError(f"{order.number} exists")
        self.orders[order.number] = order
        return order

    def get(self, number: str) -> Order:
        if number not in self.orders:
            raise OrderError(f"no order {number}")
        return self.orders[number]

    def with_status(self, status: Status) -> list[Order]:
        return [order for order in self.orders.values() if order.status is status]

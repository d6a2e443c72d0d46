"""Amounts of money as whole cents, so that fines add up exactly."""

from __future__ import annotations

from dataclasses import dataclass
from functools import total_ordering


@total_ordering
@dataclass(frozen=True)
class Money:
    cents: int

    @classmethod
    def dollars(cls, amount: str | int | float) -> Money:
        """Money.dollars("12.99") -> 1299 cents. Floats are rounded to the nearest cent."""
        if isinstance(amount, int):
            return cls(amount * 100)
        if isinstance(amount, float):
            return cls(round(amount * 100))
        whole, _, fraction = amount.strip().lstrip("$").partition(".")
        if not whole.lstrip("-").isdigit() or (fraction and not fraction.isdigit()):
            raise ValueError(f"not an amount: {amount!r}")
        sign = -1 if whole.startswith("-") else 1
        cents = abs(int(whole)) * 100 + int((fraction or "0")[:2].ljust(2, "0"))
        return cls(sign * cents)

    def __add__(self, other: Money) -> Money:
        return Money(self.cents + other.cents)

    def __sub__(self, other: Money) -> Money:
        return Money(self.cents - other.cents)

    def __mul__(self, times: int) -> Money:
        return Money(self.cents * times)

    __rmul__ = __mul__

    def __lt__(self, other: Money) -> bool:
        return self.cents < other.cents

    def __bool__(self) -> bool:
        return self.cents != 0

    def half(self) -> Money:
        """Half, rounded down to a whole cent (the member's favour)."""
        return Money(self.cents // 2)

    def __str__(self) -> str:
        sign = "-" if self.cents < 0 else ""
        dollars, cents = divmod(abs(self.cents), 100)
        return f"{sign}${dollars}.{cents:02d}"


ZERO = Money(0)


def total(amounts: list[Money]) -> Money:
    result = ZERO
    for amount in amounts:
        result += amount
    return result

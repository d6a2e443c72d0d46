"""Weights and lengths. The depot stores grams and millimetres; carriers speak kg and cm,
and American customers pounds and inches, so every conversion lives here."""

from __future__ import annotations

GRAMS_PER = {"g": 1.0, "kg": 1000.0, "oz": 28.349523125, "lb": 453.59237}
MM_PER = {"mm": 1.0, "cm": 10.0, "m": 1000.0, "in": 25.4, "ft": 304.8}


class UnitError(ValueError):
    """An unknown unit or a quantity that cannot be parsed."""


def to_grams(value: float, unit: str) -> int:
    if unit not in GRAMS_PER:
        raise UnitError(f"unknown weight unit {unit!r}; one of {', '.join(GRAMS_PER)}")
    return round(value * GRAMS_PER[unit])


def from_grams(grams: int, unit: str) -> float:
    if unit not in GRAMS_PER:
        raise UnitError(f"unknown weight unit {unit!r}")
    return grams / GRAMS_PER[unit]


def to_mm(value: float, unit: str) -> int:
    if unit not in MM_PER:
        raise UnitError(f"unknown length unit {unit!r}; one of {', '.join(MM_PER)}")
    return round(value * MM_PER[unit])


def parse_weight(text: str) -> int:
    """'1.5 kg', '12oz', '3 lb' -> grams."""
    number, unit = split_quantity(text)
    return to_grams(number, unit)


def parse_length(text: str) -> int:
    """'30 cm', '12in' -> millimetres."""
    number, unit = split_quantity(text)
    return to_mm(number, unit)


def split_quantity(text: str) -> tuple[float, str]:
    cleaned = text.strip().lower()
    index = len(cleaned)
    while index > 0 and cleaned[index - 1].isalpha():
        index -= 1
    number_text, unit = cleaned[:index].strip(), cleaned[index:]
    try:
        return float(number_text), unit
    except ValueError:
        raise UnitError(f"not a quantity: {text!r}") from None


def volume_cm3(dims_mm: tuple[int, int, int]) -> float:
    length, width, height = dims_mm
    return length * width * height / 1000


def fits_inside(item_mm: tuple[int, int, int], box_mm: tuple[int, int, int]) -> bool:
    """Whether an item fits in a box in some orientation (both sorted, compared side by side)."""
    return all(i <= b for i, b in zip(sorted(item_mm), sorted(box_mm), strict=True))

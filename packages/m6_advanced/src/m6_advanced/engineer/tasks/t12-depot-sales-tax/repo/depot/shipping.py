"""Shipping rates: by zone (how far the parcel travels) and billable weight.

Carriers bill the larger of the actual weight and the "volumetric" weight (length x width x
height in cm / 5000), rounded up to the next half kilogram, so a big light box costs what a
heavy one would.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from depot.addresses import Address
from depot.money import cents, total
from depot.packing import Parcel

VOLUMETRIC_DIVISOR = 5000
DEPOT_ZIP_FIRST_DIGIT = 8  # Reno, NV
REMOTE_ZIP3 = {"967", "968", "995", "996", "997", "998", "999"}  # Hawaii and Alaska
BASE_RATE = {
    1: "5.90",
    2: "6.40",
    3: "6.95",
    4: "7.60",
    5: "8.30",
    6: "9.10",
    7: "9.95",
    8: "14.50",
}
PER_HALF_KG = {
    1: "0.45",
    2: "0.50",
    3: "0.55",
    4: "0.65",
    5: "0.75",
    6: "0.85",
    7: "0.95",
    8: "1.60",
}
FRAGILE_SURCHARGE = Decimal("3.00")


@dataclass(frozen=True)
class Quote:
    zone: int
    billable_kg: float
    amount: Decimal


def zone(destination: Address) -> int:
    """1 (next door) to 7 (across the country); 8 for Alaska and Hawaii."""
    if destination.zip3 in REMOTE_ZIP3:
        return 8
    distance = abs(int(destination.zip_code[0]) - DEPOT_ZIP_FIRST_DIGIT)
    return min(7, distance + 1)


def billable_kg(parcel: Parcel) -> float:
    length, width, height = (side / 10 for side in parcel.box.dims_mm)
    volumetric = length * width * height / VOLUMETRIC_DIVISOR
    actual = parcel.weight_g / 1000
    return math.ceil(max(actual, volumetric) * 2) / 2


def quote_parcel(parcel: Parcel, destination: Address) -> Quote:
    parcel_zone = zone(destination)
    kg = billable_kg(parcel)
    extra_half_kgs = max(0, math.ceil((kg - 1) * 2))
    amount = Decimal(BASE_RATE[parcel_zone]) + extra_half_kgs * Decimal(PER_HALF_KG[parcel_zone])
    if any(item.fragile for item in parcel.items):
        amount += FRAGILE_SURCHARGE
    return Quote(parcel_zone, kg, cents(amount))


def quote(parcels: list[Parcel], destination: Address) -> Decimal:
    """What shipping all ``parcels`` to ``destination`` costs."""
    return total(quote_parcel(parcel, destination).amount for parcel in parcels)


def tracking_number(order_number: str, parcel_index: int) -> str:
    digits = "".join(ch for ch in order_number if ch.isdigit())
    check = sum(int(d) for d in digits + str(parcel_index)) % 10
    return f"1Z{digits}{parcel_index:02d}{check}"

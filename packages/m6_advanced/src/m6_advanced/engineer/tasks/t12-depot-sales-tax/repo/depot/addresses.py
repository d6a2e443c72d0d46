"""Postal addresses (US only for now): normalised so that zones and tax rates can be looked up."""

from __future__ import annotations

import re
from dataclasses import dataclass

STATES = {
    "AL",
    "AK",
    "AZ",
    "AR",
    "CA",
    "CO",
    "CT",
    "DE",
    "DC",
    "FL",
    "GA",
    "HI",
    "ID",
    "IL",
    "IN",
    "IA",
    "KS",
    "KY",
    "LA",
    "ME",
    "MD",
    "MA",
    "MI",
    "MN",
    "MS",
    "MO",
    "MT",
    "NE",
    "NV",
    "NH",
    "NJ",
    "NM",
    "NY",
    "NC",
    "ND",
    "OH",
    "OK",
    "OR",
    "PA",
    "RI",
    "SC",
    "SD",
    "TN",
    "TX",
    "UT",
    "VT",
    "VA",
    "WA",
    "WV",
    "WI",
    "WY",
}
STATE_NAMES = {
    "california": "CA",
    "oregon": "OR",
    "washington": "WA",
    "new york": "NY",
    "texas": "TX",
    "pennsylvania": "PA",
    "alaska": "AK",
    "hawaii": "HI",
}
_ZIP = re.compile(r"(\d{5})(?:-?(\d{4}))?")


class AddressError(ValueError):
    """An address the carriers would reject."""


@dataclass(frozen=True)
class Address:
    name: str
    street: str
    city: str
    state: str
    zip_code: str

    def label(self) -> str:
        return f"{self.name}\n{self.street}\n{self.city}, {self.state} {self.zip_code}"

    @property
    def zip3(self) -> str:
        """The first three digits: carriers' zone charts are keyed by them."""
        return self.zip_code[:3]


def normalize_state(text: str) -> str:
    cleaned = text.strip()
    code = STATE_NAMES.get(cleaned.lower(), cleaned.upper())
    if code not in STATES:
        raise AddressError(f"unknown state {text!r}")
    return code


def normalize_zip(text: str) -> str:
    match = _ZIP.fullmatch(text.strip())
    if match is None:
        raise AddressError(f"{text!r} is not a ZIP code")
    five, four = match.groups()
    return f"{five}-{four}" if four else five


def make_address(name: str, street: str, city: str, state: str, zip_code: str) -> Address:
    """A checked, normalised address: 'oregon' -> 'OR', '972011234' -> '97201-1234'."""
    for field, value in (("name", name), ("street", street), ("city", city)):
        if not value.strip():
            raise AddressError(f"the {field} is empty")
    return Address(
        " ".join(name.split()),
        " ".join(street.split()),
        city.strip().title(),
        normalize_state(state),
        normalize_zip(zip_code),
    )

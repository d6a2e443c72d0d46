"""Identifiers: ISBNs printed in books, barcodes stuck on copies, member card numbers.

ISBNs carry a check digit, so most typing mistakes at the desk are caught before a lookup.
"""

from __future__ import annotations

import itertools
import re

_NON_DIGITS = re.compile(r"[^0-9X]")
_BARCODE = re.compile(r"C\d{6}")
_MEMBER = re.compile(r"M-\d{4}")


class InvalidIdentifier(ValueError):
    """An ISBN, barcode or member number that is malformed or fails its check digit."""


def clean_isbn(text: str) -> str:
    """'978-0-261-10221-7' -> '9780261102217' (hyphens and spaces dropped, 'x' uppercased)."""
    return _NON_DIGITS.sub("", text.upper())


def isbn10_check_digit(first_nine: str) -> str:
    total = sum((10 - index) * int(digit) for index, digit in enumerate(first_nine))
    check = (11 - total % 11) % 11
    return "X" if check == 10 else str(check)


def isbn13_check_digit(first_twelve: str) -> str:
    total = sum(
        int(digit) * (1 if index % 2 == 0 else 3) for index, digit in enumerate(first_twelve)
    )
    return str((10 - total % 10) % 10)


def isbn10_to_13(isbn10: str) -> str:
    body = "978" + isbn10[:9]
    return body + isbn13_check_digit(body)


def normalize_isbn(text: str) -> str:
    """Any valid ISBN-10 or ISBN-13 as its ISBN-13 form; InvalidIdentifier otherwise."""
    isbn = clean_isbn(text)
    if len(isbn) == 10 and isbn[:9].isdigit():
        if isbn10_check_digit(isbn[:9]) != isbn[9]:
            raise InvalidIdentifier(f"{text!r}: wrong ISBN-10 check digit")
        return isbn10_to_13(isbn)
    if len(isbn) == 13 and isbn.isdigit():
        if isbn13_check_digit(isbn[:12]) != isbn[12]:
            raise InvalidIdentifier(f"{text!r}: wrong ISBN-13 check digit")
        return isbn
    raise InvalidIdentifier(f"{text!r} is not an ISBN")


def check_barcode(text: str) -> str:
    """Copy barcodes look like 'C000123'."""
    barcode = text.strip().upper()
    if not _BARCODE.fullmatch(barcode):
        raise InvalidIdentifier(f"{text!r} is not a copy barcode (C + 6 digits)")
    return barcode


def check_member_id(text: str) -> str:
    """Member card numbers look like 'M-0042'."""
    member_id = text.strip().upper()
    if not _MEMBER.fullmatch(member_id):
        raise InvalidIdentifier(f"{text!r} is not a member number (M-#### )")
    return member_id


class Sequence:
    """Hands out the next barcode or member number, skipping those already in use."""

    def __init__(self, prefix: str, width: int, used: set[str] | None = None) -> None:
        self.prefix = prefix
        self.width = width
        self.used = set(used or ())

    def next(self) -> str:
        for number in itertools.count(1):
            candidate = f"{self.prefix}{number:0{self.width}d}"
            if candidate not in self.used:
                self.used.add(candidate)
                return candidate
        raise AssertionError("unreachable")


def barcodes(used: set[str] | None = None) -> Sequence:
    return Sequence("C", 6, used)


def member_numbers(used: set[str] | None = None) -> Sequence:
    return Sequence("M-", 4, used)

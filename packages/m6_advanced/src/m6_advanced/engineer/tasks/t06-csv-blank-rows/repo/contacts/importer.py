"""CSV upload -> contacts. Header names are matched case-insensitively."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from typing import TextIO

from contacts.model import Contact, InvalidRow, check_email

COLUMNS = ("email", "name", "city")


class ImportFormatError(ValueError):
    """The file itself is unusable (no header, no email column)."""


@dataclass
class ImportResult:
    contacts: list[Contact] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors


def cell(row: dict[str, str | None], column: str) -> str:
    return (row.get(column) or "").strip()


def parse_row(row: dict[str, str | None]) -> Contact:
    email = cell(row, "email")
    if not email:
        raise InvalidRow("email is required")
    return Contact(check_email(email), cell(row, "name"), cell(row, "city"))


def import_contacts(stream: TextIO) -> ImportResult:
    """Every row of ``stream`` as a contact, or an error naming its line in the file."""
    reader = csv.reader(stream)
    header = [name.strip().lower() for name in next(reader, [])]
    if "email" not in header:
        raise ImportFormatError("the first line must be a header with an 'email' column")
    result = ImportResult()
    seen: set[str] = set()
    for number, values in enumerate(reader, start=2):
        if not values:
            continue
        row = dict(zip(header, values, strict=False))
        try:
            contact = parse_row(row)
        except InvalidRow as error:
            result.errors.append(f"row {number}: {error}")
            continue
        if contact.email in seen:
            result.errors.append(f"row {number}: {contact.email} appears twice")
            continue
        seen.add(contact.email)
        result.contacts.append(contact)
    return result

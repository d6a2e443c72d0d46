"""A contact, as stored after import."""

from __future__ import annotations

import re
from dataclasses import dataclass

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


class InvalidRow(ValueError):
    """A row that cannot become a contact; the message says why."""


@dataclass(frozen=True)
class Contact:
    email: str
    name: str = ""
    city: str = ""


def check_email(email: str) -> str:
    """The address lowercased, or InvalidRow if it does not look like one."""
    if not _EMAIL.fullmatch(email):
        raise InvalidRow(f"{email!r} is not an email address")
    return email.lower()

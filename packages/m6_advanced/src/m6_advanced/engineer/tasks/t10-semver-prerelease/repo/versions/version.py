"""A semantic version: MAJOR.MINOR.PATCH."""

from __future__ import annotations

import re
from dataclasses import dataclass

_VERSION = re.compile(r"v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")


class InvalidVersion(ValueError):
    """Text that is not a semantic version."""


@dataclass(frozen=True)
class Version:
    major: int
    minor: int
    patch: int

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def bump(self, part: str) -> Version:
        """The next major, minor or patch release."""
        if part == "major":
            return Version(self.major + 1, 0, 0)
        if part == "minor":
            return Version(self.major, self.minor + 1, 0)
        if part == "patch":
            return Version(self.major, self.minor, self.patch + 1)
        raise ValueError(f"unknown part {part!r}")


def parse(text: str) -> Version:
    """'1.4.2' or 'v1.4.2' as a Version."""
    match = _VERSION.fullmatch(text.strip())
    if match is None:
        raise InvalidVersion(f"{text!r} is not MAJOR.MINOR.PATCH")
    major, minor, patch = (int(group) for group in match.groups())
    return Version(major, minor, patch)

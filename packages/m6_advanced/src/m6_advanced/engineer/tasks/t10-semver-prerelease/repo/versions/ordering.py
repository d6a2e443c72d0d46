"""Ordering versions: which release is newer, and the newest of a list."""

from __future__ import annotations

from collections.abc import Iterable

from versions.version import Version, parse


def sort_key(version: Version) -> tuple[int, ...]:
    return (version.major, version.minor, version.patch)


def compare(a: str, b: str) -> int:
    """-1, 0 or 1 as version ``a`` is older than, the same as, or newer than ``b``."""
    key_a, key_b = sort_key(parse(a)), sort_key(parse(b))
    return (key_a > key_b) - (key_a < key_b)


def sort_versions(texts: Iterable[str]) -> list[str]:
    """The versions oldest first, as written."""
    return sorted(texts, key=lambda text: sort_key(parse(text)))


def latest(texts: Iterable[str]) -> str:
    versions = list(texts)
    if not versions:
        raise ValueError("no versions")
    return sort_versions(versions)[-1]

"""Cutting a listing into pages (pages are numbered from 1, as in the URLs)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

T = TypeVar("T")


class PageOutOfRange(LookupError):
    """A page number below 1 or past the last page."""


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    number: int
    pages: int
    total: int

    @property
    def has_next(self) -> bool:
        return self.number < self.pages

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def page_count(total: int, per_page: int) -> int:
    """How many pages ``total`` items fill; an empty listing still has one (empty) page."""
    if per_page < 1:
        raise ValueError("per_page must be at least 1")
    return max(1, total // per_page)


def paginate(items: Sequence[T], page: int, per_page: int) -> Page[T]:
    pages = page_count(len(items), per_page)
    if not 1 <= page <= pages:
        raise PageOutOfRange(f"page {page} of {pages}")
    start = (page - 1) * per_page
    return Page(list(items[start : start + per_page]), page, pages, len(items))

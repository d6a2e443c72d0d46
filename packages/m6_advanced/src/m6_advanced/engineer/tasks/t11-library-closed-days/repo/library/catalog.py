"""The catalogue: titles (what the library holds) and copies (the things on the shelves)."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from library.ids import barcodes, check_barcode, normalize_isbn
from library.money import Money


class MediaType(Enum):
    BOOK = "book"
    CHILDRENS_BOOK = "childrens_book"
    DVD = "dvd"
    MAGAZINE = "magazine"


class CopyStatus(Enum):
    AVAILABLE = "available"
    ON_LOAN = "on_loan"
    ON_HOLD_SHELF = "on_hold_shelf"
    LOST = "lost"
    WITHDRAWN = "withdrawn"


@dataclass
class Title:
    isbn: str
    name: str
    author: str
    year: int
    media: MediaType = MediaType.BOOK
    subjects: list[str] = field(default_factory=list)

    def label(self) -> str:
        return f"{self.name} ({self.author}, {self.year})"


@dataclass
class Copy:
    barcode: str
    isbn: str
    replacement_cost: Money
    status: CopyStatus = CopyStatus.AVAILABLE
    shelf: str = ""

    @property
    def lendable(self) -> bool:
        return self.status is CopyStatus.AVAILABLE


class CatalogError(LookupError):
    """A title or copy that is not in the catalogue, or added twice."""


class Catalog:
    def __init__(self) -> None:
        self.titles: dict[str, Title] = {}
        self.copies: dict[str, Copy] = {}
        self._barcodes = barcodes()

    def add_title(
        self,
        isbn: str,
        name: str,
        author: str,
        year: int,
        media: MediaType = MediaType.BOOK,
        subjects: list[str] | None = None,
    ) -> Title:
        key = normalize_isbn(isbn)
        if key in self.titles:
            raise CatalogError(f"{name!r} is already catalogued as {key}")
        title = Title(key, name, author, year, media, list(subjects or []))
        self.titles[key] = title
        return title

    def add_copy(self, isbn: str, replacement_cost: Money, shelf: str = "") -> Copy:
        title = self.title(isbn)
        barcode = self._barcodes.next()
        while barcode in self.copies:
            barcode = self._barcodes.next()
        copy = Copy(barcode, title.isbn, replacement_cost, shelf=shelf)
        self.copies[barcode] = copy
        return copy

    def title(self, isbn: str) -> Title:
        key = normalize_isbn(isbn)
        if key not in self.titles:
            raise CatalogError(f"no title with ISBN {key}")
        return self.titles[key]

    def copy(self, barcode: str) -> Copy:
        key = check_barcode(barcode)
        if key not in self.copies:
            raise CatalogError(f"no copy with barcode {key}")
        return self.copies[key]

    def title_of(self, copy: Copy) -> Title:
        return self.titles[copy.isbn]

    def copies_of(self, isbn: str) -> list[Copy]:
        key = self.title(isbn).isbn
        return [copy for copy in self.copies.values() if copy.isbn == key]

    def available_copies(self, isbn: str) -> list[Copy]:
        return [copy for copy in self.copies_of(isbn) if copy.lendable]

    def withdraw(self, barcode: str) -> Copy:
        copy = self.copy(barcode)
        if copy.status is CopyStatus.ON_LOAN:
            raise CatalogError(f"{copy.barcode} is on loan and cannot be withdrawn")
        copy.status = CopyStatus.WITHDRAWN
        return copy

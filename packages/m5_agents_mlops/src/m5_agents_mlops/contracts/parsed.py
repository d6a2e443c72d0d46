"""What a parsed contract is made of: pages of text, then clauses in document order."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Page:
    """One page of text. ``number`` is 1-based; None where the format has no pages (DOCX, TXT)."""

    number: int | None
    text: str


@dataclass(frozen=True)
class ParsedClause:
    """One clause of a contract: what a citation points at.

    ``number`` is the clause's own numbering as written ("4", "4.2", "Schedule 1"; None for a
    preamble), ``heading`` its title ("Termination"), ``page`` the page it starts on (None for
    formats without pages) and ``text`` the whole clause, heading line included.
    """

    position: int
    number: str | None
    heading: str | None
    page: int | None
    text: str

    @property
    def label(self) -> str:
        """How a person cites it: ``§4.2 Termination`` (or just the heading, or ``preamble``)."""
        parts = [f"§{self.number}" if self.number else "", self.heading or ""]
        return " ".join(part for part in parts if part) or "preamble"

"""Monthly reports for the library board: circulation, popular titles, fines, overdue items."""

from __future__ import annotations

from collections import Counter
from datetime import date

from library.catalog import Catalog, CopyStatus, MediaType
from library.fines import FineLedger
from library.loans import LoanLedger
from library.money import ZERO, Money, total


def month_key(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def circulation_by_month(loans: LoanLedger, catalog: Catalog) -> dict[str, dict[str, int]]:
    """'YYYY-MM' -> {media type value: checkouts}, months in order."""
    counts: dict[str, Counter[str]] = {}
    for loan in loans.loans:
        media = catalog.title_of(catalog.copy(loan.barcode)).media
        counts.setdefault(month_key(loan.start), Counter())[media.value] += 1
    return {month: dict(sorted(counter.items())) for month, counter in sorted(counts.items())}


def popular_titles(
    loans: LoanLedger, catalog: Catalog, start: date, end: date, limit: int = 10
) -> list[tuple[str, int]]:
    """The most borrowed title names between ``start`` and ``end`` (inclusive), with counts."""
    counter: Counter[str] = Counter()
    for loan in loans.loans:
        if start <= loan.start <= end:
            counter[catalog.title_of(catalog.copy(loan.barcode)).name] += 1
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))[:limit]


def fines_summary(fines: FineLedger) -> dict[str, Money]:
    charged = total([fine.amount for fine in fines.fines])
    paid = total([fine.paid for fine in fines.fines])
    waived = total([fine.amount - fine.paid for fine in fines.fines if fine.waived])
    outstanding = total([fine.outstanding for fine in fines.fines])
    return {"charged": charged, "paid": paid, "waived": waived, "outstanding": outstanding}


def overdue_report(loans: LoanLedger, catalog: Catalog, today: date) -> list[str]:
    rows = []
    for loan in loans.overdue(today):
        title = catalog.title_of(catalog.copy(loan.barcode))
        days = (today - loan.due).days
        rows.append(
            f"{loan.due.isoformat()}  {loan.barcode}  {loan.member_id}  {days:>3}d  {title.name}"
        )
    return rows


def collection_value(catalog: Catalog, media: MediaType | None = None) -> Money:
    """Replacement value of every copy still owned (lost and withdrawn copies excluded)."""
    owned = [
        copy.replacement_cost
        for copy in catalog.copies.values()
        if copy.status not in (CopyStatus.LOST, CopyStatus.WITHDRAWN)
        and (media is None or catalog.title_of(copy).media is media)
    ]
    return total(owned) if owned else ZERO


def render_table(rows: list[tuple[str, str]], title: str) -> str:
    """A plain-text two-column table for the board's email."""
    if not rows:
        return f"{title}\n(none)"
    width = max(len(left) for left, _ in rows)
    lines = [title, "-" * len(title)]
    lines.extend(f"{left:<{width}}  {right}" for left, right in rows)
    return "\n".join(lines)

"""The lending rules the library board sets: loan periods, renewals, fines and limits.

Rules depend on the kind of item and the kind of member. Staff are never fined; children
pay nothing for children's books; seniors pay half. A fine never exceeds what it would cost
to replace the item.
"""

from __future__ import annotations

from dataclasses import dataclass

from library.catalog import MediaType
from library.members import MemberType
from library.money import Money


@dataclass(frozen=True)
class LoanRule:
    loan_days: int
    max_renewals: int
    daily_fine: Money


RULES: dict[MediaType, LoanRule] = {
    MediaType.BOOK: LoanRule(loan_days=21, max_renewals=2, daily_fine=Money(25)),
    MediaType.CHILDRENS_BOOK: LoanRule(loan_days=21, max_renewals=3, daily_fine=Money(10)),
    MediaType.DVD: LoanRule(loan_days=7, max_renewals=1, daily_fine=Money(100)),
    MediaType.MAGAZINE: LoanRule(loan_days=7, max_renewals=0, daily_fine=Money(10)),
}

MAX_LOANS = {
    MemberType.ADULT: 20,
    MemberType.CHILD: 10,
    MemberType.SENIOR: 20,
    MemberType.STAFF: 50,
}
BLOCK_THRESHOLD = Money(1000)  # unpaid fines from which a member may not borrow
HOLD_SHELF_OPEN_DAYS = 5  # how long a held copy waits for its member
MAX_HOLDS = 10


def rule_for(media: MediaType) -> LoanRule:
    return RULES[media]


def daily_fine(media: MediaType, member_type: MemberType) -> Money:
    """What one overdue open day costs this member for this kind of item."""
    if member_type is MemberType.STAFF:
        return Money(0)
    if member_type is MemberType.CHILD and media is MediaType.CHILDRENS_BOOK:
        return Money(0)
    rate = RULES[media].daily_fine
    return rate.half() if member_type is MemberType.SENIOR else rate


def fine_cap(replacement_cost: Money) -> Money:
    """The most a single overdue return can cost: the item's replacement cost."""
    return replacement_cost


def may_renew(media: MediaType, renewals_so_far: int, has_waiting_holds: bool) -> str | None:
    """None if a renewal is allowed, else the reason it is refused."""
    if has_waiting_holds:
        return "another member is waiting for this title"
    if renewals_so_far >= RULES[media].max_renewals:
        return f"already renewed {renewals_so_far} times"
    return None

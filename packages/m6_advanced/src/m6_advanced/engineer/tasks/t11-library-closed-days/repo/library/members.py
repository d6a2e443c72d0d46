"""Library members: who may borrow, until when, and what kind of card they hold."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum

from library.ids import check_member_id, member_numbers

MEMBERSHIP_DAYS = 365
_EMAIL_AT = "@"


class MemberType(Enum):
    ADULT = "adult"
    CHILD = "child"
    SENIOR = "senior"
    STAFF = "staff"


class MemberError(LookupError):
    """An unknown member, or a member who may not borrow (expired or blocked)."""


@dataclass
class Member:
    id: str
    name: str
    email: str
    type: MemberType
    joined: date
    expires: date
    blocked_reason: str = ""

    def is_active(self, today: date) -> bool:
        return today <= self.expires and not self.blocked_reason

    def why_not_active(self, today: date) -> str | None:
        if self.blocked_reason:
            return f"{self.id} is blocked: {self.blocked_reason}"
        if today > self.expires:
            return f"{self.id}'s card expired on {self.expires.isoformat()}"
        return None


class MemberRegistry:
    def __init__(self) -> None:
        self.members: dict[str, Member] = {}
        self._numbers = member_numbers()

    def register(self, name: str, email: str, member_type: MemberType, today: date) -> Member:
        if not name.strip():
            raise ValueError("a member needs a name")
        if _EMAIL_AT not in email:
            raise ValueError(f"{email!r} is not an email address")
        member_id = self._numbers.next()
        while member_id in self.members:
            member_id = self._numbers.next()
        expires = today + timedelta(days=MEMBERSHIP_DAYS)
        member = Member(member_id, name.strip(), email.strip(), member_type, today, expires)
        self.members[member_id] = member
        return member

    def get(self, member_id: str) -> Member:
        key = check_member_id(member_id)
        if key not in self.members:
            raise MemberError(f"no member {key}")
        return self.members[key]

    def active(self, member_id: str, today: date) -> Member:
        """The member, or MemberError saying why they may not borrow today."""
        member = self.get(member_id)
        reason = member.why_not_active(today)
        if reason:
            raise MemberError(reason)
        return member

    def renew(self, member_id: str, today: date) -> Member:
        """Extend a card by a year from today, or from its expiry if it has not expired yet."""
        member = self.get(member_id)
        start = max(today, member.expires)
        member.expires = start + timedelta(days=MEMBERSHIP_DAYS)
        return member

    def block(self, member_id: str, reason: str) -> None:
        self.get(member_id).blocked_reason = reason

    def unblock(self, member_id: str) -> None:
        self.get(member_id).blocked_reason = ""

    def expiring(self, today: date, within_days: int = 30) -> list[Member]:
        """Active members whose card expires in the next ``within_days`` days, soonest first."""
        horizon = today + timedelta(days=within_days)
        soon = [m for m in self.members.values() if today <= m.expires <= horizon]
        return sorted(soon, key=lambda member: (member.expires, member.id))

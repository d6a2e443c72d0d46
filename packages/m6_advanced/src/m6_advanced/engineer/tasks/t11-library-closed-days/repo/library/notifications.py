"""Messages to members. The outbox is a list: the mail gateway drains it every night."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from library.catalog import Title
from library.fines import Fine
from library.loans import Loan
from library.members import Member


@dataclass(frozen=True)
class Message:
    to: str
    subject: str
    body: str


@dataclass
class Outbox:
    messages: list[Message] = field(default_factory=list)

    def send(self, member: Member, subject: str, body: str) -> Message:
        message = Message(member.email, subject, f"Dear {member.name},\n\n{body}\n\nYour library")
        self.messages.append(message)
        return message

    def to(self, email: str) -> list[Message]:
        return [message for message in self.messages if message.to == email]

    def drain(self) -> list[Message]:
        sent, self.messages = self.messages, []
        return sent


def overdue_notice(
    outbox: Outbox, member: Member, loans: list[tuple[Loan, Title]], today: date
) -> Message:
    lines = [
        f"- {title.label()}, due {loan.due:%d %B %Y} ({(today - loan.due).days} days ago)"
        for loan, title in loans
    ]
    body = "These items are overdue:\n" + "\n".join(lines) + "\nPlease return or renew them."
    return outbox.send(member, "Overdue items", body)


def hold_ready(outbox: Outbox, member: Member, title: Title, until: date) -> Message:
    body = f"{title.label()} is waiting for you at the desk until {until:%A %d %B}."
    return outbox.send(member, "Your hold is ready", body)


def fine_receipt(outbox: Outbox, member: Member, fine: Fine) -> Message:
    return outbox.send(member, "Overdue fine", f"We charged a fine: {fine.receipt()}.")


def expiry_reminder(outbox: Outbox, member: Member) -> Message:
    body = f"Your library card expires on {member.expires:%d %B %Y}. Renew it at the desk."
    return outbox.send(member, "Your card expires soon", body)

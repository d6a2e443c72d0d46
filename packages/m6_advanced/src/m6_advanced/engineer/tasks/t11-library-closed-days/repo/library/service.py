"""The front desk: every action staff take goes through ``Library``, which applies the rules.

library = Library(LibraryCalendar(holidays=fixed_holidays(2024)))
member = library.register("Ada", "ada@example.org", MemberType.ADULT, today)
loan = library.checkout(member.id, "C000001", today)
fine = library.checkin("C000001", later)    # a Fine, or None when on time
"""

from __future__ import annotations

from datetime import date

from library.catalog import Catalog, CopyStatus, MediaType, Title
from library.fines import Fine, FineLedger, assess
from library.holds import Hold, HoldQueues
from library.hours import LibraryCalendar
from library.loans import Loan, LoanError, LoanLedger
from library.members import Member, MemberRegistry, MemberType
from library.money import Money
from library.notifications import Outbox, fine_receipt, hold_ready, overdue_notice
from library.policies import BLOCK_THRESHOLD, MAX_LOANS, may_renew, rule_for

DEFAULT_COST = Money(2000)  # replacement cost when the invoice is not at hand


class Library:
    def __init__(self, calendar: LibraryCalendar | None = None) -> None:
        self.calendar = calendar or LibraryCalendar()
        self.catalog = Catalog()
        self.members = MemberRegistry()
        self.loans = LoanLedger()
        self.fines = FineLedger()
        self.holds = HoldQueues()
        self.outbox = Outbox()

    # -- setting up -------------------------------------------------------------------
    def register(self, name: str, email: str, member_type: MemberType, today: date) -> Member:
        return self.members.register(name, email, member_type, today)

    def acquire(
        self,
        isbn: str,
        name: str,
        author: str,
        year: int,
        copies: int = 1,
        cost: Money = DEFAULT_COST,
        media: MediaType = MediaType.BOOK,
    ) -> list[str]:
        """Catalogue a title (if new) and add ``copies`` copies; their barcodes."""
        try:
            self.catalog.title(isbn)
        except LookupError:
            self.catalog.add_title(isbn, name, author, year, media)
        return [self.catalog.add_copy(isbn, cost).barcode for _ in range(copies)]

    # -- lending ----------------------------------------------------------------------
    def checkout(self, member_id: str, barcode: str, today: date) -> Loan:
        member = self.members.active(member_id, today)
        balance = self.fines.balance(member.id)
        if balance >= BLOCK_THRESHOLD:
            raise LoanError(f"{member.id} owes {balance}; please pay before borrowing")
        if len(self.loans.active_loans(member.id)) >= MAX_LOANS[member.type]:
            raise LoanError(f"{member.id} has reached the limit of {MAX_LOANS[member.type]} loans")
        copy = self.catalog.copy(barcode)
        if copy.status is CopyStatus.ON_HOLD_SHELF:
            self.holds.collect(member.id, copy.barcode)  # only its holder may take it
        elif not copy.lendable:
            raise LoanError(f"{copy.barcode} is {copy.status.value}")
        title = self.catalog.title_of(copy)
        loan = self.loans.open(
            copy.barcode, member.id, today, rule_for(title.media).loan_days, self.calendar
        )
        copy.status = CopyStatus.ON_LOAN
        return loan

    def checkin(self, barcode: str, today: date) -> Fine | None:
        """Take a copy back: close the loan, charge any fine, pass the copy to a waiting hold."""
        copy = self.catalog.copy(barcode)
        loan = self.loans.close(copy.barcode, today)
        title = self.catalog.title_of(copy)
        member = self.members.get(loan.member_id)
        fine = assess(loan, today, title.media, member.type, copy.replacement_cost, self.calendar)
        if fine is not None:
            self.fines.add(fine)
            fine_receipt(self.outbox, member, fine)
        self._pass_on(copy.barcode, title, today)
        return fine

    def renew(self, member_id: str, barcode: str, today: date) -> Loan:
        copy = self.catalog.copy(barcode)
        loan = self.loans.active_loan(copy.barcode)
        if loan is None or loan.member_id != member_id:
            raise LoanError(f"{copy.barcode} is not on loan to {member_id}")
        title = self.catalog.title_of(copy)
        reason = may_renew(title.media, loan.renewals, bool(self.holds.waiting(title.isbn)))
        if reason:
            raise LoanError(f"cannot renew {copy.barcode}: {reason}")
        return self.loans.renew(copy.barcode, today, rule_for(title.media).loan_days, self.calendar)

    # -- holds ------------------------------------------------------------------------
    def place_hold(self, member_id: str, isbn: str, today: date) -> Hold:
        member = self.members.active(member_id, today)
        title = self.catalog.title(isbn)
        hold = self.holds.place(member.id, title.isbn, today)
        available = self.catalog.available_copies(title.isbn)
        if available and len(self.holds.waiting(title.isbn)) == 1:
            self._pass_on(available[0].barcode, title, today)
        return hold

    def _pass_on(self, barcode: str, title: Title, today: date) -> None:
        copy = self.catalog.copy(barcode)
        hold = self.holds.assign(title.isbn, barcode, today, self.calendar)
        if hold is None:
            copy.status = CopyStatus.AVAILABLE
            return
        copy.status = CopyStatus.ON_HOLD_SHELF
        assert hold.ready_until is not None
        hold_ready(self.outbox, self.members.get(hold.member_id), title, hold.ready_until)

    def nightly(self, today: date) -> None:
        """Expire uncollected holds (passing their copies on) and send overdue notices."""
        for hold in self.holds.expire(today):
            assert hold.barcode is not None
            self._pass_on(hold.barcode, self.catalog.title(hold.isbn), today)
        by_member: dict[str, list[tuple[Loan, Title]]] = {}
        for loan in self.loans.overdue(today):
            title = self.catalog.title_of(self.catalog.copy(loan.barcode))
            by_member.setdefault(loan.member_id, []).append((loan, title))
        for member_id, items in sorted(by_member.items()):
            overdue_notice(self.outbox, self.members.get(member_id), items, today)

    # -- money ------------------------------------------------------------------------
    def pay(self, member_id: str, amount: Money) -> Money:
        return self.fines.pay(self.members.get(member_id).id, amount)

    def balance(self, member_id: str) -> Money:
        return self.fines.balance(self.members.get(member_id).id)

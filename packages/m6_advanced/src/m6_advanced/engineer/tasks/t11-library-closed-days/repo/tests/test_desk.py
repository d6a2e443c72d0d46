from datetime import date

import pytest
from library.catalog import MediaType
from library.hours import LibraryCalendar, fixed_holidays
from library.loans import LoanError
from library.members import MemberType
from library.money import Money
from library.search import search
from library.service import Library

HOBBIT = "978-0-261-10221-7"


def make_desk():
    desk = Library(LibraryCalendar(holidays=fixed_holidays(2024)))
    desk.acquire(HOBBIT, "The Hobbit", "J. R. R. Tolkien", 1937, copies=2, cost=Money(1299))
    desk.acquire(
        "0-7475-3269-9",
        "Harry Potter and the Philosopher's Stone",
        "J. K. Rowling",
        1997,
        media=MediaType.CHILDRENS_BOOK,
    )
    return desk


def test_due_dates_skip_closed_days():
    desk = make_desk()
    ada = desk.register("Ada", "ada@example.org", MemberType.ADULT, date(2024, 1, 2))
    loan = desk.checkout(ada.id, "C000001", date(2024, 12, 4))
    assert loan.due == date(2024, 12, 27)  # 25 December is a holiday, and so is the 26th


def test_late_return_over_a_sunday():
    desk = make_desk()
    ada = desk.register("Ada", "ada@example.org", MemberType.ADULT, date(2024, 1, 2))
    desk.checkout(ada.id, "C000001", date(2024, 5, 18))  # due Saturday 8 June
    fine = desk.checkin("C000001", date(2024, 6, 10))  # Monday: Sunday is not charged
    assert fine is not None and fine.days_late == 1 and fine.amount == Money(25)
    assert desk.outbox.messages[-1].subject == "Overdue fine"


def test_on_time_and_capped_returns():
    desk = make_desk()
    ada = desk.register("Ada", "ada@example.org", MemberType.ADULT, date(2024, 1, 2))
    desk.checkout(ada.id, "C000001", date(2024, 2, 1))
    assert desk.checkin("C000001", date(2024, 2, 20)) is None
    desk.checkout(ada.id, "C000001", date(2024, 2, 20))
    fine = desk.checkin("C000001", date(2024, 11, 20))
    assert fine is not None and fine.amount == Money(1299)  # capped at the replacement cost


def test_holds_pass_returned_copies_on():
    desk = make_desk()
    ada = desk.register("Ada", "ada@example.org", MemberType.ADULT, date(2024, 1, 2))
    bob = desk.register("Bob", "bob@example.org", MemberType.SENIOR, date(2024, 1, 2))
    desk.checkout(ada.id, "C000003", date(2024, 3, 1))
    desk.place_hold(bob.id, "0747532699", date(2024, 3, 2))
    with pytest.raises(LoanError):
        desk.renew(ada.id, "C000003", date(2024, 3, 5))
    desk.checkin("C000003", date(2024, 3, 6))
    assert desk.outbox.messages[-1].subject == "Your hold is ready"
    with pytest.raises(Exception, match="not on the hold shelf"):
        desk.checkout(ada.id, "C000003", date(2024, 3, 7))
    assert desk.checkout(bob.id, "C000003", date(2024, 3, 7)).member_id == bob.id


def test_search_ranks_title_words_first():
    desk = make_desk()
    names = [title.name for title in search(desk.catalog, "hobbit tolkien")]
    assert names == ["The Hobbit"]
    assert search(desk.catalog, "the") == []

from datetime import date

from library.hours import LibraryCalendar, fixed_holidays
from library.members import MemberType
from library.money import Money
from library.service import Library

HOBBIT = "978-0-261-10221-7"


def desk():
    library = Library(LibraryCalendar(holidays=fixed_holidays(2024) | fixed_holidays(2025)))
    library.acquire(HOBBIT, "The Hobbit", "J. R. R. Tolkien", 1937, copies=1, cost=Money(1299))
    member = library.register("Member", "m@example.org", MemberType.ADULT, date(2024, 1, 2))
    return library, member


def test_the_reported_return_after_christmas():
    library, member = desk()
    loan = library.checkout(member.id, "C000001", date(2024, 12, 2))
    assert loan.due == date(2024, 12, 23)
    fine = library.checkin("C000001", date(2024, 12, 27))
    assert fine is not None
    assert fine.days_late == 1
    assert fine.amount == Money(25)


def test_holidays_and_sundays_together():
    library, member = desk()
    library.checkout(member.id, "C000001", date(2024, 11, 29))  # due Friday 20 December
    fine = library.checkin("C000001", date(2024, 12, 27))
    # 21 Sat, 23 Mon and 27 Fri are open; 22 (Sunday) and 24-26 (holidays) are not
    assert fine is not None and fine.days_late == 3 and fine.amount == Money(75)


def test_open_days_between_skips_holidays():
    calendar = LibraryCalendar(holidays=fixed_holidays(2024) | fixed_holidays(2025))
    assert calendar.open_days_between(date(2024, 12, 23), date(2024, 12, 27)) == 1
    assert calendar.open_days_between(date(2024, 12, 30), date(2025, 1, 2)) == 2

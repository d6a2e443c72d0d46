from datetime import date

from library.hours import LibraryCalendar, fixed_holidays


def calendar():
    return LibraryCalendar(holidays=fixed_holidays(2024))


def test_sundays_and_holidays_are_closed():
    cal = calendar()
    assert not cal.is_open(date(2024, 6, 9))  # a Sunday
    assert not cal.is_open(date(2024, 12, 25))
    assert cal.is_open(date(2024, 12, 27))
    assert cal.describe(date(2024, 12, 25)) == "Wednesday 25 December: public holiday"
    assert cal.describe(date(2024, 6, 8)) == "Saturday 08 June: 09:00-13:00"


def test_next_open_day():
    cal = calendar()
    assert cal.next_open_day(date(2024, 6, 9)) == date(2024, 6, 10)
    assert cal.next_open_day(date(2024, 12, 24)) == date(2024, 12, 27)
    assert cal.next_open_day(date(2024, 6, 10)) == date(2024, 6, 10)


def test_open_days_in_an_ordinary_week():
    cal = calendar()
    assert cal.open_days_between(date(2024, 6, 3), date(2024, 6, 10)) == 6  # Sunday closed
    assert cal.open_days_between(date(2024, 6, 10), date(2024, 6, 3)) == 0

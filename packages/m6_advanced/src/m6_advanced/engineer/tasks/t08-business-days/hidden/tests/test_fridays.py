from datetime import date, datetime

from scheduling.businessdays import add_business_days, business_days_between, is_business_day
from scheduling.sla import due_date


def test_friday_is_a_business_day():
    assert is_business_day(date(2024, 6, 7))
    assert not is_business_day(date(2024, 6, 8))


def test_the_reported_ticket():
    assert due_date(datetime(2024, 6, 6, 10), "normal") == date(2024, 6, 7)


def test_counting_a_week():
    assert business_days_between(date(2024, 6, 3), date(2024, 6, 10)) == 5
    assert add_business_days(date(2024, 6, 6), 1) == date(2024, 6, 7)
    assert add_business_days(date(2024, 6, 7), 1) == date(2024, 6, 10)

from datetime import date, datetime

import pytest
from scheduling.businessdays import add_business_days, is_business_day
from scheduling.holidays import holidays
from scheduling.sla import due_date


def test_weekends_and_holidays_are_not_business_days():
    assert not is_business_day(date(2024, 6, 8))  # Saturday
    assert not is_business_day(date(2024, 6, 9))  # Sunday
    assert is_business_day(date(2024, 6, 10))  # Monday
    assert not is_business_day(date(2024, 12, 25), holidays(2024))


def test_memorial_day():
    assert date(2024, 5, 27) in holidays(2024)
    assert date(2025, 5, 26) in holidays(2025)


def test_adding_business_days():
    assert add_business_days(date(2024, 6, 3), 2) == date(2024, 6, 5)
    with pytest.raises(ValueError):
        add_business_days(date(2024, 6, 3), -1)


def test_due_dates():
    assert due_date(datetime(2024, 6, 3, 9), "low") == date(2024, 6, 6)
    assert due_date(datetime(2024, 6, 3, 18), "urgent") == date(2024, 6, 4)
    with pytest.raises(ValueError):
        due_date(datetime(2024, 6, 3, 9), "whenever")

"""Deadline arithmetic: month ends, leap years, business days, renewals, notice deadlines."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from m5_agents_mlops.contracts.deadlines import (
    FactMissing,
    add,
    current_term_end,
    notice_deadline,
    subtract,
)
from m5_agents_mlops.contracts.facts import ContractFacts, Duration
from m5_agents_mlops.errors import AgentError


def d(value: int, unit: str) -> Duration:
    return Duration(value=value, unit=unit)  # type: ignore[arg-type]


dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (date(2023, 1, 31), d(1, "month"), date(2023, 2, 28)),  # clamped to the month's end
        (date(2024, 1, 31), d(1, "month"), date(2024, 2, 29)),  # leap year
        (date(2024, 1, 31), d(2, "month"), date(2024, 3, 31)),  # one step, no drift to the 29th
        (date(2024, 2, 29), d(1, "year"), date(2025, 2, 28)),
        (date(2024, 2, 29), d(4, "year"), date(2028, 2, 29)),
        (date(2026, 12, 20), d(3, "week"), date(2027, 1, 10)),
        (date(2026, 12, 31), d(1, "day"), date(2027, 1, 1)),
        (date(2026, 3, 6), d(1, "business_day"), date(2026, 3, 9)),  # Friday → Monday
        (date(2026, 3, 7), d(1, "business_day"), date(2026, 3, 9)),  # Saturday → Monday
        (date(2026, 3, 4), d(10, "business_day"), date(2026, 3, 18)),  # two weeks of weekdays
    ],
)
def test_add(start: date, duration: Duration, expected: date) -> None:
    assert add(start, duration) == expected


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (date(2024, 3, 31), d(1, "month"), date(2024, 2, 29)),
        (date(2025, 3, 31), d(1, "month"), date(2025, 2, 28)),
        (date(2027, 2, 28), d(90, "day"), date(2026, 11, 30)),
        (date(2026, 3, 9), d(1, "business_day"), date(2026, 3, 6)),  # Monday → Friday
        (date(2026, 3, 8), d(5, "business_day"), date(2026, 3, 2)),  # from a Sunday
    ],
)
def test_subtract(start: date, duration: Duration, expected: date) -> None:
    assert subtract(start, duration) == expected


@given(dates, st.integers(min_value=1, max_value=2000), st.sampled_from(["day", "week"]))
def test_add_then_subtract_days_is_identity(start: date, n: int, unit: str) -> None:
    assert subtract(add(start, d(n, unit)), d(n, unit)) == start


@given(dates, st.integers(min_value=1, max_value=120))
def test_month_arithmetic_clamps_but_never_overshoots(start: date, n: int) -> None:
    later = add(start, d(n, "month"))
    assert (later.year * 12 + later.month) - (start.year * 12 + start.month) == n
    assert later.day <= start.day
    assert start - timedelta(days=3) <= subtract(later, d(n, "month")) <= start


@given(dates, st.integers(min_value=-60, max_value=60).filter(bool))
def test_business_days_agree_with_counting_one_by_one(start: date, n: int) -> None:
    expected, left, step = start, abs(n), 1 if n > 0 else -1
    while left:
        expected += timedelta(days=step)
        left -= expected.weekday() < 5
    shifted = add(start, d(n, "business_day")) if n > 0 else subtract(start, d(-n, "business_day"))
    assert shifted == expected
    assert shifted.weekday() < 5


def test_current_term_end_without_renewal_is_the_initial_end_even_when_past() -> None:
    end = current_term_end(date(2020, 3, 1), d(12, "month"), None, today=date(2026, 1, 1))
    assert end == date(2021, 2, 28)


def test_current_term_end_rolls_renewals_forward() -> None:
    effective, year = date(2026, 3, 1), d(12, "month")
    assert current_term_end(effective, year, year, today=date(2026, 6, 1)) == date(2027, 2, 28)
    assert current_term_end(effective, year, year, today=date(2029, 6, 1)) == date(2030, 2, 28)
    # The renewal that ends on a leap day, and a today that is the term's last day.
    assert current_term_end(effective, year, year, today=date(2027, 3, 1)) == date(2028, 2, 29)
    assert current_term_end(effective, year, year, today=date(2028, 2, 29)) == date(2028, 2, 29)
    # Before the contract starts, the initial term is the current one.
    assert current_term_end(effective, year, year, today=date(2025, 1, 1)) == date(2027, 2, 28)


@given(
    dates,
    st.integers(min_value=1, max_value=36),
    st.integers(min_value=1, max_value=24),
    st.integers(min_value=0, max_value=4000),
)
def test_current_term_is_the_one_in_force_today(start: date, t: int, r: int, later: int) -> None:
    today = start + timedelta(days=later)
    end = current_term_end(start, d(t, "month"), d(r, "month"), today)
    assert end >= today
    initial_end = add(start, d(t, "month")) - timedelta(days=1)
    if end > initial_end:  # a renewed term: it started on or before today
        assert subtract(end + timedelta(days=1), d(r, "month")) <= today + timedelta(days=3)


def saas(**changes: object) -> ContractFacts:
    fields = {
        "effective_date": date(2026, 3, 1),
        "term": d(12, "month"),
        "auto_renewal": d(12, "month"),
        "notice_period": d(90, "day"),
    }
    return ContractFacts(**(fields | changes))


def test_notice_deadline_counts_back_from_the_term_end() -> None:
    deadline = notice_deadline(saas(), today=date(2026, 6, 1))
    assert deadline.term_end == date(2027, 2, 28)
    assert deadline.last_day == date(2026, 11, 30)
    assert deadline.notice == d(90, "day")
    assert not deadline.passed
    for words in ("Sunday 28 February 2027", "Monday 30 November 2026", "90 days", "renews"):
        assert words in deadline.explanation


def test_a_passed_deadline_rolls_to_the_next_renewal() -> None:
    deadline = notice_deadline(saas(), today=date(2026, 12, 1))
    assert (deadline.term_end, deadline.last_day) == (date(2028, 2, 29), date(2027, 12, 1))
    assert "already past" in deadline.explanation and not deadline.passed


def test_without_renewal_a_passed_deadline_is_reported_as_passed() -> None:
    deadline = notice_deadline(saas(auto_renewal=None), today=date(2026, 12, 1))
    assert deadline.last_day == date(2026, 11, 30)
    assert deadline.passed and "has passed" in deadline.explanation


def test_notice_in_months_and_business_days() -> None:
    by_month = notice_deadline(saas(notice_period=d(3, "month")), today=date(2026, 6, 1))
    assert by_month.last_day == date(2026, 11, 28)
    by_business_day = notice_deadline(saas(notice_period=d(10, "business_day")), date(2026, 6, 1))
    assert by_business_day.last_day == date(2027, 2, 15)  # Sunday 28 Feb back 10 weekdays


def test_an_explicit_end_date_is_enough() -> None:
    facts = ContractFacts(end_date=date(2031, 3, 31), notice_period=d(6, "month"))
    assert notice_deadline(facts, today=date(2026, 1, 1)).last_day == date(2030, 9, 30)


@pytest.mark.parametrize(
    ("facts", "missing"),
    [
        (saas(notice_period=None), ["notice_period"]),
        (saas(term=None), ["end_date", "term"]),
        (ContractFacts(notice_period=d(1, "month")), ["end_date", "effective_date", "term"]),
    ],
)
def test_missing_facts_are_named(facts: ContractFacts, missing: list[str]) -> None:
    with pytest.raises(FactMissing) as error:
        notice_deadline(facts, today=date(2026, 1, 1))
    assert error.value.missing == missing
    assert all(name in str(error.value) for name in missing)
    assert isinstance(error.value, AgentError)

"""The phrase readers: numbers, durations, dates and money as contracts write them."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from m5_agents_mlops.contracts.phrases import (
    normalise,
    parse_date,
    parse_duration,
    parse_money,
    sentences,
    word_to_int,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ninety (90) days' written notice", (90, "day")),
        ("three months", (3, "month")),
        ("30 days", (30, "day")),
        ("one (1) year", (1, "year")),
        ("twelve months", (12, "month")),
        ("successive 12-month periods", (12, "month")),
        ("a two-year term", (2, "year")),
        ("ten Business Days", (10, "business_day")),
        ("five (5) working days", (5, "business_day")),
        ("sixty (60) calendar days", (60, "day")),
        ("1 (one) month's notice", (1, "month")),
        ("a further year", (1, "year")),
        ("one hundred and eighty (180) days", (180, "day")),
        ("twenty-one days", (21, "day")),
        ("four weeks", (4, "week")),
        # The digits win when words and digits disagree: they are what drafters check.
        ("thirty (31) days", (31, "day")),
    ],
)
def test_durations_in_words_and_digits(text: str, expected: tuple[int, str]) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize("text", ["0 days", "the 1st day of March", "ninety percent", "days"])
def test_non_durations_read_as_none(text: str) -> None:
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("words", "value"),
    [("seven", 7), ("forty-five", 45), ("ninety nine", 99), ("two hundred and ten", 210)],
)
def test_number_words(words: str, value: int) -> None:
    assert word_to_int(words) == value


@given(st.integers(min_value=1, max_value=9999), st.sampled_from(["days", "months", "years"]))
def test_any_digit_duration_round_trips(value: int, unit: str) -> None:
    assert parse_duration(f"within {value} {unit} of") == (value, unit.rstrip("s"))


@pytest.mark.parametrize(
    "text",
    [
        "1 March 2026",
        "1st March 2026",
        "March 1, 2026",
        "Mar. 1st, 2026",
        "2026-03-01",
        "the 1st day of March, 2026",
    ],
)
def test_dates_in_several_styles(text: str) -> None:
    assert parse_date(text) == date(2026, 3, 1)


def test_numeric_dates_only_when_unambiguous() -> None:
    assert parse_date("signed on 13/04/2026") == date(2026, 4, 13)
    assert parse_date("signed on 04/13/2026") == date(2026, 4, 13)
    assert parse_date("signed on 03/04/2026") is None  # 3 April or 4 March: no guess


@pytest.mark.parametrize("text", ["31 February 2026", "no date here", "March 2026"])
def test_impossible_or_partial_dates_are_none(text: str) -> None:
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "amount", "currency"),
    [
        ("$4,500.00", "4500.00", "USD"),
        ("EUR 12,000", "12000", "EUR"),
        ("£2,750 per calendar month", "2750", "GBP"),
        ("USD 1,200 per month", "1200", "USD"),
        ("12,000 EUR", "12000", "EUR"),
        ("€ 900", "900", "EUR"),
        ("25,000 euros", "25000", "EUR"),
        ("10,000 pounds sterling", "10000", "GBP"),
        ("C$900", "900", "CAD"),
        ("CHF 150.50", "150.50", "CHF"),
    ],
)
def test_money_with_symbols_codes_and_names(text: str, amount: str, currency: str) -> None:
    assert parse_money(text) == (Decimal(amount), currency)


def test_a_bare_dollar_follows_the_contract() -> None:
    assert parse_money("$500", context="All sums are in Canadian dollars.") == (
        Decimal("500"),
        "CAD",
    )
    assert parse_money("$500", context="")[1] == "USD"
    assert parse_money("30 days") is None


def test_normalise_and_sentences() -> None:
    text = "**Fees**\nAcme Ltd. pays “£10”\u00a0a month;  then (a) that. See No. 5 of it. Done."
    flat = normalise(text)
    assert flat == 'Fees Acme Ltd. pays "£10" a month; then (a) that. See No. 5 of it. Done.'
    assert sentences(flat) == [
        'Fees Acme Ltd. pays "£10" a month; then (a) that.',
        "See No. 5 of it.",
        "Done.",
    ]

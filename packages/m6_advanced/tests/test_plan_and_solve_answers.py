"""The number parser and the exact comparison: what a benchmark's scores silently depend on."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from m6_advanced.planning.answers import (
    as_number,
    final_answer,
    first_number,
    last_number,
    numbers_in,
    same_number,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So she pays $1,234.50 in total.", Fraction("1234.5")),
        ("The population is 12,500,000 people", 12_500_000),
        ("x = 12.", 12),  # a sentence's full stop, not a decimal point
        ("It costs $4.25", Fraction("4.25")),
        ("About 45% of them", 45),
        ("It drops to -7 degrees", -7),
        ("It drops to −7 degrees", -7),  # the Unicode minus sign
        ("x = -12.5kg.", Fraction("-12.5")),
        ("-$5 after the refund", -5),
        ("The trip is 350km long", 350),
        ("Each box weighs 2.75 kg", Fraction("2.75")),
        ("that leaves 0.5 of it", Fraction(1, 2)),
        ("we need .75 cups", Fraction(3, 4)),
        ("so \\boxed{\\frac{7}{2}}", Fraction(7, 2)),
        ("so 7/2 cups", Fraction(7, 2)),
        ("so the answer is 7/2.", Fraction(7, 2)),  # a fraction ending the sentence
        ("the answer is 1,2,3", 3),  # commas between one-digit numbers are a list
    ],
)
def test_last_number_reads_the_numbers_people_write(text: str, expected: Fraction | int) -> None:
    assert last_number(text) == expected


def test_hyphens_and_spaced_minus_are_not_signs() -> None:
    assert numbers_in("3-4 apples") == [3, 4]
    assert numbers_in("COVID-19") == [19]
    assert numbers_in("18 - 3 = 15") == [18, 3, 15]
    assert numbers_in("(-4) + 2") == [-4, 2]


def test_no_number_gives_none() -> None:
    assert last_number("I am not sure.") is None
    assert first_number("") is None
    assert final_answer("no idea, sorry") is None
    assert numbers_in("x. y, z") == []


def test_first_number_is_the_papers_reading_of_the_extraction_reply() -> None:
    assert first_number(" 18 dollars, since 20 - 2 = 18") == 18
    assert first_number("The printer prints \\(\\boxed{2700}\\) pages in 2.5 hours.") == 2700


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("So it is 12. The answer is 18. Check: 18 - 3 = 15.", 18),  # a check after the answer
        ("Step 1: 3 * 4 = 12\nStep 2: 12 + 6 = 18\nTherefore \\boxed{18} apples.", 18),
        ("The answer: $1,020.", 1020),
        ("First 60, then 66 in total", 66),  # no cue: the last number
        ("The answer is unclear, but 5 + 5 = 10", 5),  # the cue wins, then its first number
    ],
)
def test_final_answer_prefers_a_box_then_an_answer_cue(text: str, expected: int) -> None:
    assert final_answer(text) == expected


def test_numbers_compare_exactly() -> None:
    assert same_number("12.50", 12.5)
    assert same_number(Decimal("24.40"), "24.4")
    assert same_number(as_number(0.1) + as_number(0.2), "0.3")  # floats would say no
    assert same_number("1,234", 1234)
    assert not same_number("12.51", "12.5")
    assert not same_number(None, 0)
    assert as_number("$3.60") == Fraction(18, 5)

import pytest

from roadmap_data.stats import wilson_interval


def test_wilson_interval_matches_the_formula_and_is_wide_for_small_sets() -> None:
    low, high = wilson_interval(10, 20)
    assert low == pytest.approx(0.299, abs=1e-3) and high == pytest.approx(0.701, abs=1e-3)
    # Narrower with more data at the same proportion, and always around it.
    low_big, high_big = wilson_interval(1000, 2000)
    assert low < low_big < 0.5 < high_big < high


def test_wilson_interval_stays_inside_zero_one_at_the_edges() -> None:
    low, high = wilson_interval(0, 5)
    assert low == 0.0 and 0.4 < high < 0.5  # no hits is not "exactly zero"
    low, high = wilson_interval(5, 5)
    assert high == 1.0 and 0.5 < low < 0.6
    assert wilson_interval(0, 0) == (0.0, 1.0)  # nothing measured: anything is possible

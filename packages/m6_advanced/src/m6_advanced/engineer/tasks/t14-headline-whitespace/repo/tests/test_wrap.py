import pytest
from textkit.wrap import fill, wrap


def test_wrap_fits_words_greedily():
    text = "The quick brown fox jumps over the lazy dog"
    assert wrap(text, 10) == ["The quick", "brown fox", "jumps over", "the lazy", "dog"]


def test_long_words_are_cut():
    assert wrap("see https://example.com/abc", 10) == ["see", "https://ex", "ample.com/", "abc"]


def test_fill_indents():
    assert fill("one two three", 9, indent="> ") == "> one two\n> three"
    with pytest.raises(ValueError):
        wrap("x", 0)

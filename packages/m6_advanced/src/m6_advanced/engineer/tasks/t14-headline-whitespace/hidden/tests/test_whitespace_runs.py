from textkit.case import headline
from textkit.tokens import word_count, words
from textkit.wrap import wrap


def test_the_reported_headline():
    text = "  budget  talks\tresume\nafter the   summer "
    assert headline(text) == "Budget Talks Resume After the Summer"


def test_pasted_paragraph_wraps_cleanly():
    text = "Hello  world.\tThis is\na test.  "
    assert wrap(text, 12) == ["Hello world.", "This is a", "test."]
    for line in wrap("a  b   c\t\td \n e" * 3, 5):
        assert "  " not in line and line == line.strip()


def test_any_whitespace_separates_words():
    assert words(" one\t two\r\nthree  ") == ["one", "two", "three"]
    assert word_count("one  two\tthree") == 3

from textkit.tokens import reading_minutes, word_count, words


def test_words_keep_punctuation():
    assert words("Hello, world. Bye!") == ["Hello,", "world.", "Bye!"]
    assert words("two\nlines") == ["two", "lines"]


def test_counts():
    assert word_count("") == 0
    assert word_count("one two three") == 3
    assert reading_minutes("word " * 231) == 2
    assert reading_minutes("") == 0

"""Splitting text into words, the first step of every textkit function."""

from __future__ import annotations


def words(text: str) -> list[str]:
    """The words of ``text`` in order; punctuation stays attached ('end.' is one word)."""
    return text.replace("\n", " ").strip().split(" ")


def word_count(text: str) -> int:
    return len(words(text)) if text.strip() else 0


def reading_minutes(text: str, words_per_minute: int = 230) -> int:
    """Minutes to read ``text``, rounded up; at least 1 for any non-empty text."""
    count = word_count(text)
    return 0 if count == 0 else max(1, -(-count // words_per_minute))

"""Headline case, the house style: capitalise words, except short joining words.

Joining words stay lowercase unless they open or close the headline; words written in
capitals (acronyms such as NASA) are kept as they are.
"""

from __future__ import annotations

from textkit.tokens import words

SMALL_WORDS = {
    "a",
    "an",
    "and",
    "as",
    "at",
    "but",
    "by",
    "for",
    "in",
    "of",
    "on",
    "or",
    "the",
    "to",
    "vs",
}


def capitalise(word: str) -> str:
    if word.isupper():
        return word
    return word[0].upper() + word[1:].lower()


def headline(text: str) -> str:
    parts = words(text)
    result = []
    for index, word in enumerate(parts):
        inner = 0 < index < len(parts) - 1
        if inner and word.lower() in SMALL_WORDS:
            result.append(word.lower())
        else:
            result.append(capitalise(word))
    return " ".join(result)

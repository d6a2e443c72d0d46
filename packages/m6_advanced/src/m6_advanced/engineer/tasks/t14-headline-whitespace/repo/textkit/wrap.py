"""Greedy line wrapping for plain-text newsletters (fixed-width columns)."""

from __future__ import annotations

from textkit.tokens import words


def pieces(word: str, width: int) -> list[str]:
    """``word`` cut into chunks of at most ``width`` characters (URLs can be that long)."""
    return [word[start : start + width] for start in range(0, len(word), width)] or [word]


def wrap(text: str, width: int = 72) -> list[str]:
    """The lines of ``text`` wrapped at ``width``: as many words per line as fit."""
    if width < 1:
        raise ValueError("width must be at least 1")
    lines: list[str] = []
    current = ""
    for word in words(text):
        for piece in pieces(word, width):
            if not current:
                current = piece
            elif len(current) + 1 + len(piece) <= width:
                current = f"{current} {piece}"
            else:
                lines.append(current)
                current = piece
    if current:
        lines.append(current)
    return lines


def fill(text: str, width: int = 72, indent: str = "") -> str:
    """``wrap`` joined into one string, each line prefixed with ``indent``."""
    return "\n".join(indent + line for line in wrap(text, width - len(indent)))

"""Fitting text into the fixed limits of push notifications."""

from __future__ import annotations

ELLIPSIS = "…"


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters (surrounding blanks removed first)."""
    if limit < 1:
        raise ValueError("limit must be at least 1")
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit]

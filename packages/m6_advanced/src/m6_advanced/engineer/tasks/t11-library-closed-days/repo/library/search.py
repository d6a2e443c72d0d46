"""Catalogue search for the public terminal: words in any order, best matches first.

A title scores a point for every query word found in its name, author or subjects, and two
for a word in its name (people mostly search by title). Accents and case are ignored.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from library.catalog import Catalog, MediaType, Title

_WORD = re.compile(r"[a-z0-9]+")
STOP_WORDS = {"a", "an", "and", "the", "of", "in", "on", "to"}


def fold(text: str) -> str:
    """Lowercase ASCII: 'Crème Brûlée' -> 'creme brulee'."""
    decomposed = unicodedata.normalize("NFKD", text)
    return decomposed.encode("ascii", "ignore").decode().lower()


def words(text: str) -> list[str]:
    return [word for word in _WORD.findall(fold(text)) if word not in STOP_WORDS]


def score(title: Title, query_words: Iterable[str]) -> int:
    name = set(words(title.name))
    others = set(words(title.author)) | {w for subject in title.subjects for w in words(subject)}
    points = 0
    for word in query_words:
        if word in name:
            points += 2
        elif word in others:
            points += 1
    return points


def search(
    catalog: Catalog,
    query: str,
    media: MediaType | None = None,
    available_only: bool = False,
    limit: int = 20,
) -> list[Title]:
    """Titles matching ``query``, best first; ties broken by newest, then by name."""
    query_words = words(query)
    if not query_words:
        return []
    scored = []
    for title in catalog.titles.values():
        if media is not None and title.media is not media:
            continue
        if available_only and not catalog.available_copies(title.isbn):
            continue
        points = score(title, query_words)
        if points:
            scored.append((-points, -title.year, title.name, title))
    scored.sort(key=lambda entry: entry[:3])
    return [entry[3] for entry in scored[:limit]]


def suggest(catalog: Catalog, prefix: str, limit: int = 5) -> list[str]:
    """Title names starting with ``prefix`` (accents and case ignored), for autocompletion."""
    folded = fold(prefix).strip()
    if not folded:
        return []
    names = sorted(
        title.name for title in catalog.titles.values() if fold(title.name).startswith(folded)
    )
    return names[:limit]

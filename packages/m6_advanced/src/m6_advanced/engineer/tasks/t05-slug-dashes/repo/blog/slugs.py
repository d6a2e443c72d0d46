"""URL slugs: lowercase ASCII words joined by dashes, unique within the blog."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

MAX_LENGTH = 60
_SEPARATORS = re.compile(r"[^a-z0-9]+")


def slugify(title: str, max_length: int = MAX_LENGTH) -> str:
    """'Crème Brûlée Recipes' -> 'creme-brulee-recipes' (accents dropped, apostrophes too)."""
    ascii_text = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    words = ascii_text.lower().replace("'", "")
    slug = _SEPARATORS.sub("-", words)
    return slug[:max_length]


def unique_slug(title: str, taken: Container[str]) -> str:
    """The slug of ``title``, or slug-2, slug-3... when it is already taken."""
    base = slugify(title) or "post"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug

"""A recursive character text splitter, from scratch, that matches LangChain's chunk for chunk.

Why split at all? An embedding model reads a few hundred tokens (MiniLM: 256 word pieces) and a
chat model's prompt holds a few sources, so documents are cut into *chunks* of about
``chunk_size`` characters. Cutting blindly every N characters slices sentences in half; the
recursive splitter instead tries the most natural boundary first and falls back to finer ones:

    "\\n\\n" (paragraphs)  →  "\\n" (lines)  →  " " (words)  →  "" (characters)

1. Split the text on the first separator that occurs in it (keeping the separator at the start of
   the following piece, so no character is lost).
2. Pieces shorter than ``chunk_size`` are *merged* greedily into chunks of at most ``chunk_size``;
   consecutive chunks share up to ``chunk_overlap`` characters of whole pieces, so a fact cut at a
   boundary still appears whole in one of them.
3. A piece that is still too long is split again, recursively, with the remaining separators.

``langchain_text_splitters.RecursiveCharacterTextSplitter(chunk_size, chunk_overlap)`` with its
defaults (``keep_separator=True``, ``strip_whitespace=True``, ``length_function=len``) gives the
same output; ``tests/test_splitter.py`` checks that on real texts and on random ones.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

DEFAULT_SEPARATORS = ("\n\n", "\n", " ", "")


def split_keeping_separator(text: str, separator: str) -> list[str]:
    """Split ``text`` on ``separator``, gluing each separator to the *start* of the next piece.

    >>> split_keeping_separator("a\\n\\nb\\n\\nc", "\\n\\n")
    ['a', '\\n\\nb', '\\n\\nc']

    The empty separator means "every character". Empty pieces are dropped.
    """
    if not separator:
        return list(text)
    parts = re.split(f"({re.escape(separator)})", text)  # [piece, sep, piece, sep, piece, ...]
    pieces = [parts[0]] + [parts[i] + parts[i + 1] for i in range(1, len(parts) - 1, 2)]
    return [piece for piece in pieces if piece]


class RecursiveSplitter:
    """Cut text into chunks of at most ``chunk_size`` characters (when the separators allow).

    >>> RecursiveSplitter(chunk_size=12, chunk_overlap=0).split("Hello world.\\n\\nBye now.")
    ['Hello world.', 'Bye now.']
    """

    def __init__(
        self,
        chunk_size: int = 1000,
        chunk_overlap: int = 150,
        separators: Sequence[str] = DEFAULT_SEPARATORS,
    ) -> None:
        if chunk_size <= 0:
            raise ValueError(f"chunk_size must be > 0, got {chunk_size}")
        if not 0 <= chunk_overlap <= chunk_size:
            raise ValueError(f"chunk_overlap must be in [0, chunk_size], got {chunk_overlap}")
        self.chunk_size = chunk_size
        self.chunk_overlap = chunk_overlap
        self.separators = list(separators)

    def split(self, text: str) -> list[str]:
        """The chunks of ``text``, in order, stripped of surrounding whitespace."""
        return self._split(text, self.separators)

    def _split(self, text: str, separators: list[str]) -> list[str]:
        # The coarsest separator present in the text wins; "" (characters) always matches.
        separator, finer = separators[-1], []
        for i, candidate in enumerate(separators):
            if candidate == "":
                separator = candidate
                break
            if candidate in text:
                separator, finer = candidate, separators[i + 1 :]
                break

        chunks: list[str] = []
        small: list[str] = []  # consecutive pieces that fit, waiting to be merged
        for piece in split_keeping_separator(text, separator):
            if len(piece) < self.chunk_size:
                small.append(piece)
                continue
            if small:
                chunks.extend(self.merge(small))
                small = []
            # Too long: recurse with finer separators, or keep it whole when none are left.
            chunks.extend(self._split(piece, finer) if finer else [piece])
        if small:
            chunks.extend(self.merge(small))
        return chunks

    def merge(self, pieces: list[str]) -> list[str]:
        """Greedily pack ``pieces`` into chunks ≤ chunk_size, carrying ≤ chunk_overlap to the next.

        The separators already sit inside the pieces, so pieces are joined with "" here.
        """
        chunks: list[str] = []
        window: list[str] = []  # the pieces of the chunk being built
        total = 0  # len("".join(window))
        for piece in pieces:
            if total + len(piece) > self.chunk_size and window:
                chunks.append("".join(window).strip())
                # Slide the window: drop pieces from the front until what remains is a valid
                # overlap (≤ chunk_overlap) that still leaves room for the new piece.
                while total > self.chunk_overlap or (
                    total + len(piece) > self.chunk_size and total > 0
                ):
                    total -= len(window.pop(0))
            window.append(piece)
            total += len(piece)
        chunks.append("".join(window).strip())
        return [chunk for chunk in chunks if chunk]  # a whitespace-only chunk is no chunk


def split_text(text: str, chunk_size: int = 1000, chunk_overlap: int = 150) -> list[str]:
    """Shortcut for ``RecursiveSplitter(chunk_size, chunk_overlap).split(text)``."""
    return RecursiveSplitter(chunk_size, chunk_overlap).split(text)


def locate_chunks(text: str, chunks: Sequence[str]) -> list[int]:
    """Character offset of each chunk in ``text`` (chunks are in order and may overlap).

    Each chunk is a stripped substring of the original, so a forward search finds it; we search
    from just after the previous chunk's start because overlapping chunks begin before the previous
    one ends.
    """
    offsets, cursor = [], 0
    for chunk in chunks:
        found = text.find(chunk, cursor)
        if found < 0:  # cannot happen for our splitter's output; stay robust for callers' chunks
            found = text.find(chunk)
        offsets.append(max(found, 0))
        cursor = max(found, 0) + 1
    return offsets

"""The unit of retrieval: a ``Chunk`` of a document, with where it came from and a stable id.

Every chunk knows its source file and its first and last line (or PDF page), so an answer can cite
``registry.py:42`` and a reader can jump there. Its id is a hash of (source, position, text): index
the same file twice and every chunk gets the same id, so an upsert overwrites instead of
duplicating; change a paragraph and only that chunk's id changes.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any


def chunk_id(source: str, index: int, text: str) -> str:
    """Stable id: the first 32 hex digits of sha256(source, index, text)."""
    digest = hashlib.sha256(f"{source}\x00{index}\x00{text}".encode()).hexdigest()
    return digest[:32]


@dataclass(frozen=True)
class Chunk:
    """A piece of one document, small enough to embed and to quote in a prompt."""

    text: str
    source: str
    """Path of the file, relative to the folder that was indexed (posix slashes)."""
    index: int = 0
    """Position of the chunk within its file (0, 1, 2...)."""
    start_line: int = 1
    end_line: int = 1
    kind: str = "text"
    """``text``, ``markdown``, ``html``, ``pdf`` or ``code``."""
    page: int = 0
    """1-based PDF page, 0 for other kinds."""
    symbol: str = ""
    """For code: the first function or class the chunk defines."""
    fingerprint: str = ""
    """The file's ``mtime_ns:size`` when indexed: tells whether a file changed since."""

    @property
    def id(self) -> str:
        return chunk_id(self.source, self.index, self.text)

    @property
    def citation(self) -> str:
        """How an answer points at this chunk: ``path:line`` or ``path (p. N)`` for PDFs."""
        if self.page:
            return f"{self.source} (p. {self.page})"
        return f"{self.source}:{self.start_line}"

    @property
    def search_text(self) -> str:
        """What gets embedded and BM25-indexed: the path (a strong clue for code) + the text."""
        return f"{self.source}\n{self.text}"

    def metadata(self) -> dict[str, Any]:
        """Flat str/int metadata, the only kind a vector database stores."""
        return {
            "source": self.source,
            "index": self.index,
            "start_line": self.start_line,
            "end_line": self.end_line,
            "kind": self.kind,
            "page": self.page,
            "symbol": self.symbol,
            "fingerprint": self.fingerprint,
        }

    @classmethod
    def from_metadata(cls, text: str, metadata: dict[str, Any]) -> Chunk:
        """Rebuild a chunk from what the vector database returns."""
        fields = {k: metadata[k] for k in cls.__dataclass_fields__ if k in metadata}
        return cls(text=text, **fields)


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk: ``score`` ranks it within its method; ``similarity`` is its cosine to the
    question (whatever the method), the one calibrated scale the "I don't know" rule reads."""

    chunk: Chunk
    score: float
    similarity: float

"""Each user's clauses, searchable by meaning and by words: one month-4 ``ChunkIndex`` per user.

Why one collection per user rather than one shared collection with a ``user`` filter: nothing
about one user's documents can then reach another user's answers, not even indirectly. The
"I don't know" rule reads the index's vocabulary (``m4_genai.abstention``): in a shared index,
whether a word occurs in *someone's* contracts would change whether *your* question is answered.

A clause is indexed as one chunk, or several overlapping pieces when long; every piece carries
the clause's id (``Chunk.symbol``) and its document's id (``Chunk.source``), which is all a
citation needs. We embed the piece after its document's name ("lease.pdf" helps "what
does the lease say about repairs?") and not the chunk's default search text, which would embed
the document id, a random hex string.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from m4_genai.retrieval.chunks import Chunk
from m4_genai.retrieval.embedder import Embedder
from m4_genai.retrieval.index import ChunkIndex
from m4_genai.retrieval.search import Searcher, make_searcher
from m5_agents_mlops.contracts.clauses import clause_chunks
from m5_agents_mlops.contracts.parsed import ParsedClause


def collection_name(user_id: str) -> str:
    """Chroma's name for a user's collection (3-63 characters of [a-zA-Z0-9._-])."""
    return f"user-{user_id}"


class ClauseIndex:
    """Per-user clause indexes in ``folder`` (embedded Chroma), or on a Chroma server."""

    def __init__(
        self, folder: Path, embedder: Embedder, chroma_url: str | None = None, mode: str = "dense"
    ) -> None:
        self.folder, self.embedder, self.chroma_url, self.mode = folder, embedder, chroma_url, mode
        self._indexes: dict[str, ChunkIndex] = {}
        self._lock = threading.Lock()

    def for_user(self, user_id: str) -> ChunkIndex:
        """The user's index, opened once per process."""
        with self._lock:
            if user_id not in self._indexes:
                self._indexes[user_id] = ChunkIndex(
                    self.folder, collection_name(user_id),
                    embedder=self.embedder, chroma_url=self.chroma_url,
                )  # fmt: skip
            return self._indexes[user_id]

    def searcher(self, user_id: str) -> Searcher:
        return make_searcher(self.for_user(user_id), self.mode)

    @staticmethod
    def chunks(
        document_id: str, sha256: str, kind: str, clauses: Sequence[tuple[str, ParsedClause]]
    ) -> list[Chunk]:
        """The chunks of one document: ``clauses`` are ``(clause id, clause)`` pairs; the file's
        ``sha256`` is each chunk's fingerprint (which version of the file it came from)."""
        chunks: list[Chunk] = []
        for clause_id, clause in clauses:
            for piece in clause_chunks(clause):
                chunks.append(
                    Chunk(
                        text=piece, source=document_id, index=len(chunks),
                        start_line=clause.position, end_line=clause.position, kind=kind,
                        page=clause.page or 0, symbol=clause_id, fingerprint=sha256,
                    )
                )  # fmt: skip
        return chunks

    def embed(self, chunks: Sequence[Chunk], title: str) -> np.ndarray:
        """Unit vectors of one document's chunks, each read after the document's name."""
        return self.embedder.embed([f"{title}\n{c.text}" for c in chunks])

    def add(self, user_id: str, chunks: Sequence[Chunk], vectors: np.ndarray) -> None:
        self.for_user(user_id).upsert(chunks, vectors)

    def remove(self, user_id: str, document_id: str) -> None:
        """Delete every chunk of one document (nothing happens if there is none)."""
        self.for_user(user_id).delete_sources([document_id])

    def documents(self, user_id: str) -> set[str]:
        """Ids of the documents that have chunks in the user's index."""
        return set(self.for_user(user_id).fingerprints())

    def count(self, user_id: str) -> int:
        return self.for_user(user_id).count()

"""A searchable index of chunks: vectors in Chroma, keywords in BM25 beside them, kept in step.

    index = ChunkIndex(Path("data/indexes/rag"), "documents", embedder=default_embedder())
    index_files(index, files)                      # indexing.py writes through this class
    searcher = make_searcher(index, "hybrid")      # search.py reads from it

Every write goes to both halves, so they always hold the same chunks. The keyword half is an
SQLite file in the index folder (``<collection>.bm25.sqlite3``); with a Chroma server
(``chroma_url``) it stays in the local folder given as ``path``. An index written before the
keyword half existed (or by a process that crashed between the two writes) is noticed at open,
because the two counts differ, and its keyword half is rebuilt once from Chroma.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from m4_genai.errors import GenAIError
from m4_genai.retrieval.chunks import Chunk
from m4_genai.retrieval.embedder import Embedder
from m4_genai.retrieval.keyword_index import KeywordIndex
from m4_genai.retrieval.vectorstore import VectorStore


class ChunkIndex:
    """The chunks of one collection, findable by meaning (``vectors``) and by words (``keywords``)."""

    def __init__(
        self,
        path: Path | None,
        collection: str = "documents",
        *,
        embedder: Embedder,
        chroma_url: str | None = None,
    ) -> None:
        if path is None:
            raise GenAIError("give a folder for the index (the keyword index lives there)")
        self.vectors = VectorStore(
            None if chroma_url else path, collection, embedder=embedder, chroma_url=chroma_url
        )
        self.keywords = KeywordIndex(Path(path) / f"{collection}.bm25.sqlite3")
        if self.keywords.count() != self.vectors.count():
            self.rebuild_keywords()

    @property
    def embedder(self) -> Embedder:
        return self.vectors.embedder

    def count(self) -> int:
        return self.vectors.count()

    def fingerprints(self) -> dict[str, str]:
        """``source → fingerprint`` of every indexed file (to skip unchanged files)."""
        return self.vectors.fingerprints()

    def replace_source(
        self, source: str, chunks: Sequence[Chunk], embeddings: np.ndarray | None = None
    ) -> int:
        """Make ``source``'s chunks exactly ``chunks`` in both halves; returns chunks written."""
        written = self.vectors.replace_source(source, chunks, embeddings)
        self.keywords.delete_sources([source])
        self.keywords.add(chunks)
        return written

    def upsert(self, chunks: Sequence[Chunk], embeddings: np.ndarray | None = None) -> int:
        """Insert or overwrite ``chunks`` (same id → same row) in both halves."""
        written = self.vectors.upsert(chunks, embeddings)
        self.keywords.add(chunks)
        return written

    def delete_sources(self, sources: Iterable[str]) -> None:
        """Remove every chunk of these files."""
        for source in sources:
            self.vectors.delete(where={"source": source})
            self.keywords.delete_sources([source])

    def rebuild_keywords(self) -> None:
        """Re-create the keyword half from the chunks stored in Chroma (one full read)."""
        stale = self.keywords.ids()
        if stale:
            self.keywords.delete_ids(stale)
        chunks = self.vectors.all_chunks()
        for first in range(0, len(chunks), 2000):  # bounded transactions on a large index
            self.keywords.add(chunks[first : first + 2000])

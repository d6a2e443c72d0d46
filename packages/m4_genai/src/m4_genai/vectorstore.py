"""A vector store on ChromaDB: upsert chunks with stable ids, query by meaning, filter, delete.

Chroma keeps, per chunk, an embedding, the text and flat metadata, and answers "which vectors are
nearest to this one?" with an HNSW graph index (approximate, O(log n) per query). We pass our own
embeddings (``embedding_function=None``) because Chroma's default embedder would download a model,
and because the same ``Embedder`` must embed documents and questions.

- Embedded (default): ``PersistentClient(path)`` stores everything in a folder under ``data/``.
- Server: ``chroma run --path db/`` then ``VectorStore(chroma_url="http://localhost:8000")``; the
  same code then scales past one machine.

Re-indexing is idempotent: ids are ``hash(source, position, text)``, and ``replace_source`` drops a
file's chunks that are no longer produced (stale) before upserting the new ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from m4_genai.chunks import Chunk
from m4_genai.embed import Embedder, default_embedder
from m4_genai.errors import GenAIError


@dataclass(frozen=True)
class Hit:
    """A retrieved chunk: ``score`` ranks it within its method; ``similarity`` is its cosine."""

    chunk: Chunk
    score: float
    similarity: float


def connect(path: Path | None = None, chroma_url: str | None = None) -> Any:
    """A Chroma client: embedded and persistent at ``path``, or a server at ``chroma_url``."""
    import chromadb
    from chromadb.config import Settings

    settings = Settings(anonymized_telemetry=False)
    if chroma_url:
        url = urlparse(chroma_url if "://" in chroma_url else f"http://{chroma_url}")
        try:
            return chromadb.HttpClient(
                host=url.hostname or "localhost",
                port=url.port or (443 if url.scheme == "https" else 8000),
                ssl=url.scheme == "https",
                settings=settings,
            )
        except Exception as error:  # chromadb raises bare ValueError/ConnectError variants
            raise GenAIError(f"cannot reach the Chroma server at {chroma_url}: {error}") from error
    if path is None:
        raise GenAIError("give a folder for the embedded index or a --chroma-url")
    path.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(path=str(path), settings=settings)


class VectorStore:
    """One Chroma collection of ``Chunk``s embedded by ``embedder`` (MiniLM by default)."""

    def __init__(
        self,
        path: Path | None = None,
        collection: str = "documents",
        embedder: Embedder | None = None,
        chroma_url: str | None = None,
    ) -> None:
        self.client = connect(path, chroma_url)
        self._embedder = embedder
        # Cosine distance (1 − cos) so Chroma ranks exactly as our NumPy search does.
        self.collection = self.client.get_or_create_collection(
            collection, embedding_function=None, metadata={"hnsw:space": "cosine"}
        )

    @property
    def embedder(self) -> Embedder:
        """Loaded on first use, so opening an index to count or delete costs nothing."""
        if self._embedder is None:
            self._embedder = default_embedder()
        return self._embedder

    def count(self) -> int:
        return int(self.collection.count())

    def upsert(self, chunks: Sequence[Chunk], embeddings: np.ndarray | None = None) -> int:
        """Insert or overwrite ``chunks`` (same id → same row); returns how many were written."""
        if not chunks:
            return 0
        if embeddings is None:
            embeddings = self.embedder.embed([c.search_text for c in chunks])  # (n, d)
        ids = [c.id for c in chunks]
        if len(set(ids)) != len(ids):  # two identical chunks at one position: keep the first
            keep = sorted({id_: i for i, id_ in reversed(list(enumerate(ids)))}.values())
            chunks, embeddings = [chunks[i] for i in keep], embeddings[keep]
        step = self.client.get_max_batch_size()  # Chroma caps one request's size
        for start in range(0, len(chunks), step):
            part = chunks[start : start + step]
            self.collection.upsert(
                ids=[c.id for c in part],
                embeddings=embeddings[start : start + step],
                documents=[c.text for c in part],
                metadatas=[c.metadata() for c in part],
            )
        return len(chunks)

    def replace_source(
        self, source: str, chunks: Sequence[Chunk], embeddings: np.ndarray | None = None
    ) -> int:
        """Make ``source``'s chunks exactly ``chunks``: stale ones deleted, new ones upserted."""
        keep = {c.id for c in chunks}
        existing = self.collection.get(where={"source": source}, include=[])["ids"]
        stale = [id_ for id_ in existing if id_ not in keep]
        if stale:
            self.collection.delete(ids=stale)
        return self.upsert(chunks, embeddings)

    def delete(self, ids: Sequence[str] | None = None, where: dict[str, Any] | None = None) -> None:
        """Delete by ids and/or by a metadata filter (e.g. ``{"source": "old.md"}``)."""
        if not ids and not where:
            raise GenAIError("delete needs ids or a where filter (refusing to empty the index)")
        self.collection.delete(ids=list(ids) if ids else None, where=where)

    def fingerprints(self) -> dict[str, str]:
        """``source → fingerprint`` of every indexed file, to skip unchanged files on re-index."""
        metadatas = self.collection.get(include=["metadatas"])["metadatas"] or []
        return {m["source"]: m.get("fingerprint", "") for m in metadatas}

    def all_chunks(self, embeddings: bool = False) -> tuple[list[Chunk], np.ndarray | None]:
        """Every stored chunk (sorted by source and position), with their embeddings if asked."""
        include = ["documents", "metadatas"] + (["embeddings"] if embeddings else [])
        rows = self.collection.get(include=include)
        chunks = [
            Chunk.from_metadata(t, m)
            for t, m in zip(rows["documents"], rows["metadatas"], strict=True)
        ]
        order = sorted(range(len(chunks)), key=lambda i: (chunks[i].source, chunks[i].index))
        chunks = [chunks[i] for i in order]
        if not embeddings:
            return chunks, None
        if not chunks:
            return chunks, np.zeros((0, 0), dtype=np.float32)
        matrix = np.asarray(rows["embeddings"], dtype=np.float32).reshape(len(order), -1)
        return chunks, matrix[order]

    def query(
        self, query: str | np.ndarray, k: int = 3, where: dict[str, Any] | None = None
    ) -> list[Hit]:
        """The ``k`` chunks nearest to ``query`` (text, or an already-embedded unit vector)."""
        total = self.count()
        if total == 0:
            return []
        vector = self.embedder.embed([query])[0] if isinstance(query, str) else query  # (d,)
        rows = self.collection.query(
            query_embeddings=[np.asarray(vector, dtype=np.float32)],
            n_results=min(k, total),
            where=where,
            include=["documents", "metadatas", "distances"],
        )
        hits = []
        for text, meta, distance in zip(
            rows["documents"][0], rows["metadatas"][0], rows["distances"][0], strict=True
        ):
            similarity = 1.0 - float(distance)  # cosine distance → cosine similarity
            hits.append(Hit(Chunk.from_metadata(text, meta), similarity, similarity))
        return hits

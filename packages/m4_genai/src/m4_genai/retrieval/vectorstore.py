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

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import numpy as np

from m4_genai.errors import GenAIError
from m4_genai.retrieval.chunks import Chunk, Hit
from m4_genai.retrieval.embedder import Embedder

Where = dict[str, Any]
"""A Chroma metadata filter: ``{"source": "a.md"}``, ``{"kind": {"$in": ["code", "markdown"]}}``."""


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
    """One Chroma collection of ``Chunk``s, embedded by ``embedder`` (documents and questions alike).

    The embedder's name is stored with the collection: vectors from two different models live in
    unrelated spaces, so opening an index with another embedder is an error, not silent nonsense.
    """

    def __init__(
        self,
        path: Path | None = None,
        collection: str = "documents",
        *,
        embedder: Embedder,
        chroma_url: str | None = None,
    ) -> None:
        self.client = connect(path, chroma_url)
        self.name = collection
        self.embedder = embedder
        # Cosine distance (1 − cos) so Chroma ranks exactly as our NumPy search does.
        self.collection = self.client.get_or_create_collection(
            collection,
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "embedder": embedder.name},
        )
        built_with = (self.collection.metadata or {}).get("embedder", embedder.name)
        if built_with != embedder.name:
            raise GenAIError(
                f"the index {collection!r} was built with the embedder {built_with!r}, not "
                f"{embedder.name!r}: re-index into a new folder, or use the same embedder"
            )

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

    def delete(self, ids: Sequence[str] | None = None, where: Where | None = None) -> None:
        """Delete by ids and/or by a metadata filter (e.g. ``{"source": "old.md"}``)."""
        if not ids and not where:
            raise GenAIError("delete needs ids or a where filter (refusing to empty the index)")
        self.collection.delete(ids=list(ids) if ids else None, where=where)

    def fingerprints(self) -> dict[str, str]:
        """``source → fingerprint`` of every indexed file, to skip unchanged files on re-index."""
        return {
            meta["source"]: meta.get("fingerprint", "")
            for _, meta in self._every(include=["metadatas"])
        }

    def all_chunks(self) -> list[Chunk]:
        """Every stored chunk, sorted by source and position (read page by page)."""
        chunks = [Chunk.from_metadata(text, meta) for text, meta in self._every()]
        return sorted(chunks, key=lambda chunk: (chunk.source, chunk.index))

    def _every(
        self, include: Sequence[str] = ("documents", "metadatas"), page: int = 2000
    ) -> Iterator[tuple[str | None, dict[str, Any]]]:
        """``(document, metadata)`` of every row, ``page`` rows per request: one request for
        everything fails on a large collection (SQLite's limit on a statement's variables)."""
        for offset in range(0, self.count(), page):
            rows = self.collection.get(include=list(include), limit=page, offset=offset)
            documents = rows["documents"] or [None] * len(rows["ids"])
            yield from zip(documents, rows["metadatas"], strict=True)

    def get(self, ids: Sequence[str], where: Where | None = None) -> tuple[list[Chunk], np.ndarray]:
        """The chunks with these ids (that pass ``where``) and their embeddings, in ``ids`` order."""
        if not ids:
            return [], np.zeros((0, 0), dtype=np.float32)
        rows = self.collection.get(
            ids=list(ids), where=where, include=["documents", "metadatas", "embeddings"]
        )
        found = {
            id_: (Chunk.from_metadata(text, meta), vector)
            for id_, text, meta, vector in zip(
                rows["ids"], rows["documents"], rows["metadatas"], rows["embeddings"], strict=True
            )
        }
        kept = [found[id_] for id_ in ids if id_ in found]
        if not kept:
            return [], np.zeros((0, 0), dtype=np.float32)
        matrix = np.asarray([vector for _, vector in kept], dtype=np.float32)  # (n, d)
        return [chunk for chunk, _ in kept], matrix

    def filter_ids(self, ids: Sequence[str], where: Where) -> list[str]:
        """The ``ids`` whose chunks pass the metadata filter ``where`` (nothing else is read)."""
        if not ids:
            return []
        return list(self.collection.get(ids=list(ids), where=where, include=[])["ids"])

    def query(self, query: str | np.ndarray, k: int = 3, where: Where | None = None) -> list[Hit]:
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

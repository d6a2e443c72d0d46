"""Incremental indexing: load files, embed only what changed, keep the index in sync with disk.

Embedding is the slow step (≈ 10–50 chunks/s on 2 CPU cores), so re-running ``rag index`` or
``ask-repo`` must not redo it for files that did not change. Each chunk stores its file's
fingerprint (``mtime_ns:size``); a file whose fingerprint matches the index is skipped, a changed
file has its chunks replaced (stale ones deleted), and a file gone from disk is removed.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from tqdm.auto import tqdm

from m4_genai.errors import DocumentError
from m4_genai.retrieval.chunks import Chunk
from m4_genai.retrieval.documents import fingerprint, load_file
from m4_genai.retrieval.embedder import Embedder
from m4_genai.retrieval.index import ChunkIndex


@dataclass
class IndexStats:
    """What an indexing run did, for the results table and metrics.json."""

    files_seen: int = 0
    files_indexed: int = 0
    files_unchanged: int = 0
    files_removed: int = 0
    chunks_written: int = 0
    seconds: float = 0.0
    skipped: list[tuple[str, str]] = field(default_factory=list)
    total_chunks: int = 0

    @property
    def chunks_per_second(self) -> float:
        return self.chunks_written / self.seconds if self.seconds > 0 else 0.0


def index_files(
    index: ChunkIndex,
    files: Sequence[tuple[Path, str]],
    chunk_size: int = 1000,
    chunk_overlap: int = 150,
    prune: bool = False,
    progress: bool = True,
) -> IndexStats:
    """Bring ``index`` up to date with ``files`` (pairs of path on disk, source name to cite).

    ``prune=True`` also deletes sources that are in the index but not in ``files`` (a repository
    index mirrors the repository; a document folder index may collect several folders).
    """
    start = time.perf_counter()
    stats = IndexStats(files_seen=len(files))
    known = index.fingerprints()
    pending: dict[str, list[Chunk]] = {}
    for path, source in tqdm(files, desc="reading", unit="file", disable=not progress):
        try:
            if known.get(source) == fingerprint(path):
                stats.files_unchanged += 1
                continue
            pending[source] = load_file(path, source, chunk_size, chunk_overlap)
        except (DocumentError, OSError) as error:
            stats.skipped.append((source, str(error).removeprefix(f"{path}: ")))
    if prune:
        gone = set(known) - {source for _, source in files}
        index.delete_sources(sorted(gone))
        stats.files_removed = len(gone)

    # Embed all new chunks together (big batches are faster), then write file by file.
    flat = [chunk for chunks in pending.values() for chunk in chunks]
    by_source: dict[str, list[int]] = defaultdict(list)
    for row, chunk in enumerate(flat):
        by_source[chunk.source].append(row)
    vectors = _embed(index.embedder, flat, progress)  # (n, d)
    for source, chunks in pending.items():
        rows = by_source.get(source, [])
        stats.chunks_written += index.replace_source(source, chunks, vectors[rows])
        stats.files_indexed += 1
    stats.seconds = time.perf_counter() - start
    stats.total_chunks = index.count()
    return stats


def _embed(embedder: Embedder, chunks: list[Chunk], progress: bool) -> np.ndarray:
    """Embed in slices of 256 so the progress bar moves on big folders."""
    texts = [c.search_text for c in chunks]
    parts = []
    bar = tqdm(total=len(texts), desc="embedding", unit="chunk", disable=not progress or not texts)
    for start in range(0, len(texts), 256):
        parts.append(embedder.embed(texts[start : start + 256]))
        bar.update(len(parts[-1]))
    bar.close()
    if not parts:
        return np.zeros((0, 1), dtype=np.float32)
    return np.concatenate(parts)

"""Sentence embeddings: text in, a unit-length vector out, similar meanings close together.

An embedding model maps any text to a fixed-size vector (all-MiniLM-L6-v2: 384 numbers). It was
trained so that a question and the passage answering it point in similar directions, which turns
"find relevant text" into "find nearby vectors". We L2-normalise every vector, so the cosine
similarity of two texts is just their dot product: ``cos(a, b) = a · b`` when ``|a| = |b| = 1``.

Every embedder here follows the small ``Embedder`` protocol, so the vector store, the RAG chain and
months 5–6 can take any implementation (a bigger local model, an API) through a parameter.
"""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from roadmap_data import model_path

DEFAULT_MODEL = "all-minilm-l6-v2"


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32 array, each row of unit length."""
        ...


def l2_normalise(vectors: np.ndarray) -> np.ndarray:
    """Scale each row to length 1 (a zero row stays zero instead of becoming NaN)."""
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.maximum(norms, 1e-12)


class SentenceTransformerEmbedder:
    """all-MiniLM-L6-v2 (or any sentence-transformers folder), loaded offline from the data registry.

    The weights load on first use (a few seconds), so passing an embedder around, or opening an
    index only to count or delete, costs nothing.

    >>> embedder = SentenceTransformerEmbedder()          # doctest: +SKIP
    >>> embedder.embed(["a cat", "a kitten"]).shape       # doctest: +SKIP
    (2, 384)
    """

    def __init__(
        self,
        path: str | os.PathLike[str] | None = None,
        batch_size: int = 64,
        query_threads: int | None = 1,
    ) -> None:
        self.folder = Path(path) if path is not None else None
        self.name = self.folder.name if self.folder is not None else DEFAULT_MODEL
        self.batch_size = batch_size
        self.query_threads = query_threads
        """CPU threads for embedding one text (a question); None = torch's setting. One thread
        costs nothing on a quiet machine (p95 40 vs 38 ms with two) and keeps a busy one from
        oversubscribing its cores (41 vs 165 ms beside a process using 1.5 of 2 cores)."""
        self._model: Any = None

    @property
    def model(self) -> Any:
        """The sentence-transformers model, loaded (offline) the first time it is needed."""
        if self._model is None:
            # Never let the hub library try the network: the weights are a local folder.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
            from sentence_transformers import SentenceTransformer  # heavy import, only when used
            from transformers.utils import logging as hf_logging

            folder = self.folder if self.folder is not None else model_path(DEFAULT_MODEL)
            bars = hf_logging.is_progress_bar_enabled()
            hf_logging.disable_progress_bar()  # a 1-second load needs no bar on the user's screen
            try:
                self._model = SentenceTransformer(str(folder), device="cpu")
            finally:
                if bars:
                    hf_logging.enable_progress_bar()
        return self._model

    @property
    def dim(self) -> int:
        # sentence-transformers ≥ 6 renamed the method; accept both spellings.
        get_dim = (
            getattr(self.model, "get_embedding_dimension", None)
            or self.model.get_sentence_embedding_dimension
        )
        return int(get_dim() or 0)

    @property
    def max_tokens(self) -> int:
        """Longer texts are truncated by the model: chunk sizes should respect this (≈ 4 chars/token)."""
        return int(self.model.max_seq_length)

    def embed(self, texts: Sequence[str], progress: bool = False) -> np.ndarray:
        """Embed ``texts`` in batches; returns ``(n, dim)`` float32, rows of unit length."""
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        threads = self.query_threads if len(texts) == 1 else None
        with torch_threads(threads):
            vectors = self.model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.asarray(vectors, dtype=np.float32)  # (n, 384)


@contextlib.contextmanager
def torch_threads(threads: int | None) -> Iterator[None]:
    """Run the block with torch limited to ``threads`` CPU threads (None: leave it alone)."""
    import torch

    before = torch.get_num_threads()
    if threads is None or threads == before:
        yield
        return
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


@functools.cache
def default_embedder() -> SentenceTransformerEmbedder:
    """The shared MiniLM embedder: one per process, so its weights load once (a few seconds)."""
    return SentenceTransformerEmbedder()

"""Retrieval three ways, behind one ``Searcher`` protocol: dense, BM25 and hybrid.

- ``dense``: embed the question, ask Chroma for the nearest chunks. Finds paraphrases.
- ``bm25``: score chunks by shared rare words (``keyword_index.py``). Finds exact names.
- ``hybrid``: the top ``candidates`` of each, merged by reciprocal rank fusion (``bm25.py``).

Whatever the mode, every hit carries its cosine similarity to the question, because the RAG
chain's "I don't know" rule needs one calibrated scale: Chroma's distances give it for dense
hits, and the stored embeddings of the few keyword-only hits give it for those. Nothing is held
in memory between questions, so the same code serves an index of any size, embedded or on a
Chroma server. ``make_searcher`` is the one place a mode becomes a searcher.
"""

from __future__ import annotations

from typing import Literal, Protocol, get_args, runtime_checkable

import numpy as np

from m4_genai.errors import EmptyIndexError, GenAIError
from m4_genai.retrieval.bm25 import reciprocal_rank_fusion, tokenize
from m4_genai.retrieval.chunks import Hit
from m4_genai.retrieval.index import ChunkIndex
from m4_genai.retrieval.vectorstore import Where

Mode = Literal["dense", "bm25", "hybrid"]
MODES: tuple[str, ...] = get_args(Mode)


@runtime_checkable
class Searcher(Protocol):
    """Anything that finds the ``k`` chunks best matching a question (what ``rag.answer`` needs)."""

    def search(self, query: str, k: int = 3, where: Where | None = None) -> list[Hit]:
        """Best first; ``where`` is a metadata filter such as ``{"source": "a.md"}``."""
        ...


@runtime_checkable
class KnowsVocabulary(Protocol):
    """A searcher that can tell which words its documents use (the index-backed ones can)."""

    def vocabulary_size(self) -> int: ...

    def unknown_words(self, query: str) -> list[str]: ...

    def keyword_match(self, query: str) -> float: ...


class _IndexSearcher:
    """What the three searchers share: the index, and the question embedded once."""

    def __init__(self, index: ChunkIndex) -> None:
        self.index = index
        self._checked = False

    def embed(self, query: str) -> np.ndarray:
        """The question as a unit vector ``(d,)``; an empty index fails first, before any model
        is loaded (checked on the first question only: later, ``_nothing_found`` catches it)."""
        if not self._checked:
            _nothing_found(self.index)
            self._checked = True
        return self.index.embedder.embed([query])[0]

    def vocabulary_size(self) -> int:
        """Distinct (stemmed) words in the indexed chunks."""
        return self.index.keywords.vocabulary_size()

    def unknown_words(self, query: str) -> list[str]:
        """The question's content words (stemmed) that no indexed chunk contains: "docker" or
        "kotlin" asked of Python's reference. Evidence for "I don't know" (``abstention.py``)."""
        words = list(dict.fromkeys(tokenize(query)))
        known = self.index.keywords.known_terms(words)
        return [w for w in words if w not in known]

    def keyword_match(self, query: str) -> float:
        """How fully the best keyword match covers the question's indexed words, in [0, 1)
        (``KeywordIndex.keyword_match``): evidence for "I don't know" too."""
        return self.index.keywords.keyword_match(tokenize(query))


class DenseSearcher(_IndexSearcher):
    """Nearest chunks by embedding (cosine), answered by the vector database."""

    def search(self, query: str, k: int = 3, where: Where | None = None) -> list[Hit]:
        hits = self.index.vectors.query(self.embed(query), k, where)
        return hits or _nothing_found(self.index)


class KeywordSearcher(_IndexSearcher):
    """Best chunks by BM25, each with its cosine to the question read from its stored embedding."""

    def search(self, query: str, k: int = 3, where: Where | None = None) -> list[Hit]:
        vector = self.embed(query)
        ranked = keyword_ranking(self.index, query, k, where)
        return _hits(self.index, ranked, vector) or _nothing_found(self.index)


def keyword_ranking(
    index: ChunkIndex, query: str, n: int, where: Where | None = None
) -> list[tuple[str, float]]:
    """Up to ``n`` ``(chunk id, BM25 score)`` pairs passing ``where``, best first.

    Chroma holds the metadata, so it applies the filter; 4 × ``n`` candidates are scored first so
    that ``n`` usually survive it.
    """
    scored = index.keywords.top_k(tokenize(query), 4 * n if where else n)
    if where:
        allowed = set(index.vectors.filter_ids([id_ for id_, _ in scored], where))
        scored = [(id_, score) for id_, score in scored if id_ in allowed]
    return scored[:n]


class HybridSearcher(_IndexSearcher):
    """Dense and BM25 rankings fused by reciprocal rank fusion: their mistakes differ."""

    def __init__(self, index: ChunkIndex, candidates: int = 20, rrf_k: int = 60) -> None:
        super().__init__(index)
        self.candidates, self.rrf_k = candidates, rrf_k

    def search(self, query: str, k: int = 3, where: Where | None = None) -> list[Hit]:
        vector = self.embed(query)  # (d,): embedded once for both halves
        dense = self.index.vectors.query(vector, self.candidates, where)
        keyword = keyword_ranking(self.index, query, self.candidates, where)
        rankings = [[hit.chunk.id for hit in dense], [id_ for id_, _ in keyword]]
        fused = reciprocal_rank_fusion(rankings, self.rrf_k)[:k]
        # Only the k winners need their text and cosine; dense ones came with both already.
        known = {hit.chunk.id: hit for hit in dense}
        return _hits(self.index, fused, vector, known) or _nothing_found(self.index)


def make_searcher(
    index: ChunkIndex, mode: str = "hybrid", rerank: bool = False, candidates: int = 5
) -> Searcher:
    """The searcher for ``mode`` ("dense", "bm25" or "hybrid"), optionally reranking its top
    ``candidates`` (``rerank.py``): the one place a mode becomes a searcher."""
    searchers = {"dense": DenseSearcher, "bm25": KeywordSearcher, "hybrid": HybridSearcher}
    if mode not in searchers:
        raise GenAIError(f"unknown retrieval mode {mode!r}; choose one of {', '.join(MODES)}")
    searcher = searchers[mode](index)
    if not rerank:
        return searcher
    # Imported here: rerank.py builds on this module's Searcher protocol.
    from m4_genai.retrieval.rerank import LateInteractionReranker, RerankingSearcher

    return RerankingSearcher(searcher, LateInteractionReranker(index.embedder), candidates)


def _nothing_found(index: ChunkIndex) -> list[Hit]:
    """No hit: fine for a filter or a question without a shared word, an error on an empty index
    (asked only then, so a search costs no extra round trip to the database)."""
    if index.count() == 0:
        raise EmptyIndexError("the index is empty: add documents first (e.g. `rag index docs/`)")
    return []


def _hits(
    index: ChunkIndex,
    ranked: list[tuple[str, float]],
    vector: np.ndarray,
    known: dict | None = None,
) -> list[Hit]:
    """``Hit``s for ranked ``(id, score)`` pairs: chunks and cosines from ``known`` hits, or read
    from Chroma (text + stored embedding) in one request for the rest."""
    known = known or {}
    chunks, embeddings = index.vectors.get([id_ for id_, _ in ranked if id_ not in known])
    similarities = embeddings @ vector if chunks else []  # (m,) cosines of the fetched ones
    fetched = {c.id: (c, float(s)) for c, s in zip(chunks, similarities, strict=True)}
    hits = []
    for id_, score in ranked:
        if id_ in known:
            hits.append(Hit(known[id_].chunk, score, known[id_].similarity))
        elif id_ in fetched:  # a chunk deleted since the keyword index was read is skipped
            hits.append(Hit(fetched[id_][0], score, fetched[id_][1]))
    return hits

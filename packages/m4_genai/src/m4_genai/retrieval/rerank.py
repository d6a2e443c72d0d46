"""Reranking: look again, more closely, at the few chunks first-stage retrieval found.

First-stage retrieval compares *one* vector per question with *one* vector per chunk: fast over
millions of chunks, but a whole chunk squeezed into 384 numbers blurs the detail a question asks
about. A reranker reads only the top ``candidates`` again with a finer, slower comparison.

The finest kind is a cross-encoder (question and chunk read together by one transformer); none
ships on the package index with its weights, so this one is **late interaction** (ColBERT's
MaxSim) over the token vectors of the same MiniLM that embeds the chunks:

    score(q, d) = mean over question tokens t of  max over chunk tokens u of  cos(t, u)

Each question word looks for its best match anywhere in the chunk, so a chunk that mentions
every part of the question wins over one that is merely about the same topic. MiniLM was not
trained for MaxSim (ColBERT models are), and it shows: measured by ``scripts/bench_rag.py``,
reranking hybrid's top 5 lifted hit@1 on the dev questions from 0.80 to 0.84 but not on the
held-out test questions (0.80 → 0.77, inside the intervals), for ≈ 0.4 s more per question (the
candidates' token vectors are computed at query time). So it is off by default (``--rerank``
turns it on): a reranker earns its place on questions it was not tuned on. A trained
cross-encoder, if one ever ships on the index, slots in through the ``Reranker`` protocol.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from m4_genai.retrieval.chunks import Hit
from m4_genai.retrieval.embedder import SentenceTransformerEmbedder, default_embedder
from m4_genai.retrieval.search import KnowsVocabulary, Searcher
from m4_genai.retrieval.vectorstore import Where


class Reranker(Protocol):
    """Anything that scores ``texts`` against a question, higher = more relevant."""

    def scores(self, query: str, texts: Sequence[str]) -> np.ndarray: ...


def maxsim(query_tokens: np.ndarray, doc_tokens: np.ndarray) -> float:
    """Mean over query tokens of the best cosine with any document token (rows unit length).

    >>> q = np.eye(2, dtype=np.float32); d = np.array([[1, 0], [0.6, 0.8]], dtype=np.float32)
    >>> round(maxsim(q, d), 2)   # token 1 finds itself (1.0), token 2 finds 0.8
    0.9
    """
    return float((query_tokens @ doc_tokens.T).max(axis=1).mean())


class LateInteractionReranker:
    """MaxSim over a sentence-transformers model's token vectors (default: the shared MiniLM)."""

    def __init__(self, embedder: SentenceTransformerEmbedder | None = None) -> None:
        self.embedder = embedder or default_embedder()

    def token_vectors(self, texts: Sequence[str]) -> list[np.ndarray]:
        """One ``(tokens, dim)`` array of unit rows per text."""
        outputs = self.embedder.model.encode(
            list(texts), output_value="token_embeddings", convert_to_numpy=False, batch_size=32
        )
        arrays = [t.float().numpy() for t in outputs]
        return [a / np.maximum(np.linalg.norm(a, axis=1, keepdims=True), 1e-12) for a in arrays]

    def scores(self, query: str, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0)
        query_tokens, *doc_tokens = self.token_vectors([query, *texts])
        return np.array([maxsim(query_tokens, d) for d in doc_tokens])


class RerankingSearcher:
    """A ``Searcher`` that reorders the top ``candidates`` chunks of ``base``.

    Asked for more than ``candidates`` hits, it returns the rest in ``base``'s order after the
    reranked head. Every hit keeps its cosine (``similarity``, what "I don't know" reads);
    ``score`` becomes the reranker's for the head.
    """

    def __init__(self, base: Searcher, reranker: Reranker, candidates: int = 5) -> None:
        self.base, self.reranker, self.candidates = base, reranker, candidates

    def search(self, query: str, k: int = 3, where: Where | None = None) -> list[Hit]:
        hits = self.base.search(query, max(k, self.candidates), where)
        head, tail = hits[: self.candidates], hits[self.candidates :]
        scores = self.reranker.scores(query, [hit.chunk.text for hit in head])
        order = np.argsort(-scores, kind="stable")
        reranked = [Hit(head[i].chunk, float(scores[i]), head[i].similarity) for i in order]
        return (reranked + tail)[:k]

    # What "I don't know" asks of a searcher (``abstention.py``), passed through.
    def unknown_words(self, query: str) -> list[str]:
        return self.base.unknown_words(query) if isinstance(self.base, KnowsVocabulary) else []

    def vocabulary_size(self) -> int:
        return self.base.vocabulary_size() if isinstance(self.base, KnowsVocabulary) else 0

    def keyword_match(self, query: str) -> float:
        return self.base.keyword_match(query) if isinstance(self.base, KnowsVocabulary) else 0.0

"""Embeddings by hand: cosine similarity, word analogies and brute-force semantic search.

Three ideas, each written with plain NumPy next to the library call it explains:

1. **Cosine similarity** ``cos(a, b) = a·b / (|a| |b|)``: the angle between two vectors, 1 for the
   same direction, 0 for unrelated, −1 for opposite. Checked against
   ``sentence_transformers.util.cos_sim``.
2. **Word analogies**: ``king − man + woman ≈ queen`` was the famous word2vec result. We try it
   with MiniLM (a *sentence* model) over its own vocabulary of ~21k whole words and report
   where "queen" really ranks: the honest answer is "near, not first" (see the README).
3. **Semantic search** is "top-k rows of ``M @ q``": with unit vectors the dot product is the
   cosine. ``numpy_top_k`` does it exactly over every row (O(n·d) per query); a vector database
   (Chroma's HNSW graph) returns the same neighbours approximately but in O(log n).
   ``tests/test_embeddings.py`` shows both agree.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from m4_genai.retrieval.embedder import DEFAULT_MODEL, Embedder, l2_normalise
from roadmap_data import model_path


def cosine_similarity(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Pairwise cosine similarity of the rows of ``a`` (n, d) and ``b`` (m, d) → (n, m)."""
    a = np.atleast_2d(np.asarray(a, dtype=np.float64))
    b = np.atleast_2d(np.asarray(b, dtype=np.float64))
    dots = a @ b.T  # (n, m): every a_i · b_j at once
    norms = np.linalg.norm(a, axis=1)[:, None] * np.linalg.norm(b, axis=1)[None, :]  # (n, m)
    return dots / np.maximum(norms, 1e-12)


def numpy_top_k(matrix: np.ndarray, query: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Exact nearest neighbours: indices and cosine scores of the ``k`` best rows of ``matrix``.

    ``matrix`` (n, d) and ``query`` (d,) must be L2-normalised, so ``matrix @ query`` *is* the
    cosine. ``argpartition`` finds the k best in O(n) and only those k get sorted.
    """
    scores = matrix @ query  # (n,)
    k = min(k, len(scores))
    if k == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
    best = np.argpartition(-scores, k - 1)[:k]
    order = best[np.argsort(-scores[best], kind="stable")]
    return order, scores[order]


# ---------- word analogies --------------------------------------------------------------------


def wordpiece_vocabulary(limit: int | None = None, folder: Path | None = None) -> list[str]:
    """Whole lowercase English words (≥ 3 letters) from MiniLM's WordPiece ``vocab.txt``.

    The file is roughly ordered by frequency after its first ~2,000 entries (punctuation, digits,
    sub-word pieces marked ``##``), so ``limit`` keeps the most common words.
    """
    folder = folder or model_path(DEFAULT_MODEL)
    tokens = (folder / "vocab.txt").read_text(encoding="utf-8").split("\n")
    words = [t for t in tokens if t.isascii() and t.isalpha() and t.islower() and len(t) >= 3]
    return words[:limit] if limit else words


@dataclass
class Analogy:
    """``a − b + c`` over a vocabulary: the best words, and where ``expected`` ranks (1 = first)."""

    query: str
    top: list[tuple[str, float]]
    expected: str
    expected_rank: int | None
    """None when the expected word is not in the vocabulary."""
    vocabulary_size: int


def analogy(
    embedder: Embedder,
    a: str,
    b: str,
    c: str,
    vocabulary: Sequence[str],
    expected: str,
    top: int = 10,
    vectors: np.ndarray | None = None,
) -> Analogy:
    """Solve ``a − b + c`` (e.g. king − man + woman) by nearest neighbour among ``vocabulary``.

    The three query words are excluded from the answers, as in the word2vec paper (otherwise
    "king" itself usually wins). Pass precomputed ``vectors`` (n, d) to reuse them across calls.
    """
    words = list(vocabulary)
    vectors = embedder.embed(words) if vectors is None else vectors  # (n, d)
    va, vb, vc = embedder.embed([a, b, c])  # three (d,) unit vectors
    target = l2_normalise(va - vb + vc)  # (d,): the "arithmetic" point, back on the sphere
    scores = vectors @ target  # (n,) cosine to every word
    excluded = {a, b, c}
    order = [i for i in np.argsort(-scores, kind="stable") if words[i] not in excluded]
    ranked = [words[i] for i in order]
    rank = ranked.index(expected) + 1 if expected in ranked else None
    best = [(words[i], float(scores[i])) for i in order[:top]]
    return Analogy(f"{a} - {b} + {c}", best, expected, rank, len(words))


ANALOGIES = (
    ("king", "man", "woman", "queen"),
    ("paris", "france", "italy", "rome"),
    ("walking", "walk", "swim", "swimming"),
    ("bigger", "big", "small", "smaller"),
)
"""Classic test cases: (a, b, c, expected) for ``a − b + c ≈ expected``."""

"""Retrieval: turn files into chunks, index them by meaning and by words, find the best ones.

    files ──documents──▶ chunks ──embedder──▶ ChunkIndex (Chroma vectors + BM25 keywords)
                                                   │
                          question ──make_searcher(index, mode[, rerank])──▶ hits (chunk, score, cosine)

Months 5 and 6 import from here (and from ``llm``, ``rag``, ``golden``), never from ``cli`` or
``lessons``.
"""

from m4_genai.retrieval.chunks import Chunk, Hit
from m4_genai.retrieval.documents import iter_files, load_file, load_paths, supported
from m4_genai.retrieval.embedder import Embedder, SentenceTransformerEmbedder, default_embedder
from m4_genai.retrieval.index import ChunkIndex
from m4_genai.retrieval.indexing import IndexStats, index_files
from m4_genai.retrieval.keyword_index import KeywordIndex
from m4_genai.retrieval.repo import index_repo, repo_files, resolve_repo
from m4_genai.retrieval.rerank import LateInteractionReranker, Reranker, RerankingSearcher
from m4_genai.retrieval.search import (
    MODES,
    DenseSearcher,
    HybridSearcher,
    KeywordSearcher,
    KnowsVocabulary,
    Mode,
    Searcher,
    make_searcher,
)
from m4_genai.retrieval.vectorstore import VectorStore, Where

__all__ = [
    "MODES",
    "Chunk",
    "ChunkIndex",
    "DenseSearcher",
    "Embedder",
    "Hit",
    "HybridSearcher",
    "IndexStats",
    "KeywordIndex",
    "KeywordSearcher",
    "KnowsVocabulary",
    "LateInteractionReranker",
    "Mode",
    "Reranker",
    "RerankingSearcher",
    "Searcher",
    "SentenceTransformerEmbedder",
    "VectorStore",
    "Where",
    "default_embedder",
    "index_files",
    "index_repo",
    "iter_files",
    "load_file",
    "load_paths",
    "make_searcher",
    "repo_files",
    "resolve_repo",
    "supported",
]

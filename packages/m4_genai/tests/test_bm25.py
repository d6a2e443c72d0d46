"""BM25 by hand (in memory, and on disk in SQLite) gives rank_bm25's scores; reciprocal rank
fusion behaves as the formula says."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from m4_genai.golden import pydoc_topics
from m4_genai.retrieval import Chunk, KeywordIndex
from m4_genai.retrieval.bm25 import BM25, reciprocal_rank_fusion, tokenize
from m4_genai.retrieval.keyword_index import bm25_tokens
from m4_genai.retrieval.splitter import split_text


@pytest.fixture(scope="module")
def corpus() -> list[list[str]]:
    return [tokenize(text) for text in pydoc_topics().values()]


@pytest.mark.parametrize(
    "query",
    [
        "for loop else clause",
        "raise exception from cause",
        "format zero padding width",
        "the",
        "qwzx",
    ],
)
def test_scores_match_rank_bm25(corpus: list[list[str]], query: str) -> None:
    ours = BM25(corpus).scores(tokenize(query))
    reference = BM25Okapi(corpus).get_scores(tokenize(query))
    np.testing.assert_allclose(ours, reference, rtol=1e-10, atol=1e-12)


def test_negative_idf_is_floored_like_rank_bm25() -> None:
    docs = [
        ["cat", "dog"],
        ["cat"],
        ["cat", "fish"],
        ["eel"],
    ]  # "cat" in every doc: negative raw idf
    ours, reference = BM25(docs), BM25Okapi(docs)
    assert ours.idf["cat"] == pytest.approx(reference.idf["cat"])
    assert ours.idf["cat"] > 0
    np.testing.assert_allclose(ours.scores(["cat", "fish"]), reference.get_scores(["cat", "fish"]))


def test_top_k_finds_the_section_about_the_query(corpus: list[list[str]]) -> None:
    topics = list(pydoc_topics())
    best = [topics[i] for i, _ in BM25(corpus).top_k(tokenize("nonlocal statement"), 3)]
    assert "nonlocal" in best


def test_top_k_returns_only_documents_sharing_a_word() -> None:
    assert BM25([["a1"], ["b1"]]).top_k(["zz"], 5) == []


def test_tokenize_splits_identifiers_and_drops_stopwords() -> None:
    assert tokenize("Where is get_or_create_collection?") == [
        "get_or_create_collection",
        "get",
        "create",
        "collection",
    ]


def test_rrf_matches_the_formula() -> None:
    fused = dict(reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]], k=60))
    assert fused["a"] == pytest.approx(1 / 61 + 1 / 62)
    assert fused["c"] == pytest.approx(1 / 63 + 1 / 61)
    assert fused["b"] == pytest.approx(1 / 62)
    assert [doc for doc, _ in reciprocal_rank_fusion([["a", "b", "c"], ["c", "a"]])] == [
        "a",
        "c",
        "b",
    ]


def test_empty_corpus_is_an_error() -> None:
    with pytest.raises(ValueError, match="at least one"):
        BM25([])


def test_the_on_disk_index_scores_exactly_like_the_in_memory_one(tmp_path: Path) -> None:
    """KeywordIndex (SQLite) = BM25 (NumPy) = rank_bm25, also after files are replaced or removed."""
    texts = pydoc_topics()
    chunks = [
        Chunk(text, f"{topic}.txt", i)
        for topic in ("for", "while", "try", "with", "lambda", "if", "import")
        for i, text in enumerate(split_text(texts[topic], 400, 0))
    ]
    index = KeywordIndex(tmp_path / "k.sqlite3")
    index.add(chunks[:50])
    index.add(chunks[30:])  # overlapping: re-adding a chunk replaces it
    questions = ["else clause of a loop", "for for loop target list", "import a package module"]
    for remaining in (chunks, [c for c in chunks if c.source != "for.txt"]):
        if len(remaining) < len(chunks):
            index.delete_sources(["for.txt"])
        reference = BM25([bm25_tokens(c) for c in remaining])
        library = BM25Okapi([bm25_tokens(c) for c in remaining])
        assert index.count() == len(remaining)
        for question in questions:
            query = tokenize(question)
            expected = reference.top_k(query, 10)
            got = index.top_k(query, 10)
            assert [chunk_id for chunk_id, _ in got] == [remaining[i].id for i, _ in expected]
            np.testing.assert_allclose([s for _, s in got], [s for _, s in expected], rtol=1e-9)
            np.testing.assert_allclose(
                [s for _, s in got], library.get_scores(query)[[i for i, _ in expected]], rtol=1e-9
            )
    reopened = KeywordIndex(tmp_path / "k.sqlite3")  # persisted: a new process sees the same
    assert reopened.top_k(tokenize("else clause"), 3) == index.top_k(tokenize("else clause"), 3)

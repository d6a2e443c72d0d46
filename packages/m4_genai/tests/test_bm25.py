"""BM25 by hand gives rank_bm25's scores; reciprocal rank fusion behaves as the formula says."""

from __future__ import annotations

import numpy as np
import pytest
from rank_bm25 import BM25Okapi

from m4_genai.bm25 import BM25, reciprocal_rank_fusion, tokenize
from m4_genai.golden import pydoc_topics


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

"""The from-scratch recursive splitter gives exactly LangChain's chunks, on real and random texts."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from langchain_text_splitters import RecursiveCharacterTextSplitter

from m4_genai.golden import pydoc_topics
from m4_genai.retrieval import splitter
from m4_genai.retrieval.splitter import RecursiveSplitter, locate_chunks, split_keeping_separator

REAL_TOPICS = ["for", "formatstrings", "specialnames", "string-methods", "import", "lambda"]


def langchain(text: str, size: int, overlap: int) -> list[str]:
    return RecursiveCharacterTextSplitter(chunk_size=size, chunk_overlap=overlap).split_text(text)


@pytest.mark.parametrize("topic", REAL_TOPICS)
@pytest.mark.parametrize(("size", "overlap"), [(1000, 150), (300, 0), (120, 60), (40, 10)])
def test_matches_langchain_on_python_reference(topic: str, size: int, overlap: int) -> None:
    text = pydoc_topics()[topic]
    assert RecursiveSplitter(size, overlap).split(text) == langchain(text, size, overlap)


def test_matches_langchain_on_source_code() -> None:
    code = Path(splitter.__file__).read_text(encoding="utf-8")
    assert RecursiveSplitter(200, 40).split(code) == langchain(code, 200, 40)


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab \n.xy")), max_size=400),
    size=st.integers(1, 60),
    overlap_share=st.floats(0, 1),
)
def test_matches_langchain_on_random_text(text: str, size: int, overlap_share: float) -> None:
    overlap = int(size * overlap_share)
    assert RecursiveSplitter(size, overlap).split(text) == langchain(text, size, overlap)


def test_chunks_respect_size_when_words_allow() -> None:
    text = pydoc_topics()["while"]
    chunks = RecursiveSplitter(200, 30).split(text)
    assert len(chunks) > 3
    assert all(len(c) <= 200 for c in chunks)


def test_separator_stays_with_the_following_piece() -> None:
    assert split_keeping_separator("a\n\nb\n\nc", "\n\n") == ["a", "\n\nb", "\n\nc"]
    assert split_keeping_separator("abc", "") == ["a", "b", "c"]


def test_locate_chunks_finds_overlapping_chunks_in_order() -> None:
    text = pydoc_topics()["try"]
    chunks = RecursiveSplitter(300, 100).split(text)
    offsets = locate_chunks(text, chunks)
    assert offsets == sorted(offsets)
    assert all(text[o : o + len(c)] == c for o, c in zip(offsets, chunks, strict=True))


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (10, 11), (10, -1)])
def test_bad_sizes_are_rejected(size: int, overlap: int) -> None:
    with pytest.raises(ValueError, match="chunk_"):
        RecursiveSplitter(size, overlap)

"""Document search as a tool: m4's retrieval behind ``search_documents(query, k)``.

Fast tests drive the tool with a fixed searcher; the ``slow`` ones index six real sections of
Python's reference with the real MiniLM embedder and check which one ranks first.
"""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from m4_genai.llm import ToolCall
from m4_genai.retrieval import Chunk, ChunkIndex, Hit, default_embedder, make_searcher
from m5_agents_mlops.tools import (
    Toolbox,
    document_search_tool,
    open_reference_index,
    reference_search_tool,
)


class FixedSearcher:
    """A searcher returning the same two hits (tests the tool, not retrieval)."""

    def __init__(self) -> None:
        self.queries: list[tuple[str, int]] = []

    def search(self, query: str, k: int = 3, where: dict | None = None) -> list[Hit]:
        self.queries.append((query, k))
        long = Chunk("word " * 400, "long.txt", start_line=7)
        return [Hit(Chunk("The try\nstatement.", "try.txt"), 0.9, 0.61), Hit(long, 0.5, 0.3)][:k]


def test_search_results_are_numbered_cited_and_cut() -> None:
    searcher = FixedSearcher()
    search = document_search_tool(searcher, corpus="the notes")
    text = search(query="exceptions", k="2")  # "2" converted, like every tool argument
    first, second = text.split("\n\n")
    assert first == "[1] try.txt:1 (similarity 0.61)\nThe try statement."
    assert second.startswith("[2] long.txt:7 (similarity 0.30)\nword word")
    assert second.endswith(" …") and len(second) < 760
    assert searcher.queries == [("exceptions", 2)]
    assert "Search the notes" in search.description and search.name == "search_documents"


@pytest.mark.parametrize(
    ("arguments", "reason"),
    [({"query": " "}, "the query is empty"), ({"query": "x", "k": 11}, "k must be between 1")],
)
def test_search_refuses_bad_arguments(arguments: dict, reason: str) -> None:
    outcome = Toolbox([document_search_tool(FixedSearcher())]).run(
        ToolCall("1", "search_documents", arguments)
    )
    assert not outcome.ok and outcome.content.startswith(f"error: {reason}")


def test_a_searcher_factory_runs_on_the_first_search_only(tmp_path: Path) -> None:
    made: list[FixedSearcher] = []
    search = document_search_tool(lambda: made.append(FixedSearcher()) or made[-1])
    assert made == []
    search(query="a")
    search(query="b")
    assert len(made) == 1 and made[0].queries == [("a", 3), ("b", 3)]
    reference_search_tool(tmp_path / "reference")
    assert not (tmp_path / "reference").exists()  # nothing indexed before a search


def test_an_empty_index_is_a_refusal_not_a_crash(tmp_path: Path) -> None:
    index = ChunkIndex(tmp_path / "empty", embedder=default_embedder())
    outcome = Toolbox([document_search_tool(make_searcher(index))]).run(
        ToolCall("1", "search_documents", {"query": "anything"})
    )
    assert not outcome.ok and outcome.content.startswith("error: the search failed: the index")


TOPICS = ["for", "while", "try", "with", "lambda", "import"]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("reference")
    open_reference_index(folder, TOPICS)
    return folder


@pytest.mark.slow  # the real MiniLM embedder
@pytest.mark.parametrize(
    ("query", "source"),
    [
        ("How do I catch an exception and always run cleanup code?", "try.txt"),
        ("small anonymous function written as an expression", "lambda.txt"),
        ("context manager __enter__ and __exit__ methods", "with.txt"),
        ("how is a module found and loaded", "import.txt"),
        ("iterate over the items of a list", "for.txt"),
    ],
)
def test_the_right_reference_section_ranks_first(reference: Path, query: str, source: str) -> None:
    search = reference_search_tool(reference, topics=TOPICS)
    assert search(query=query, k=2).startswith(f"[1] {source}:")


class CountingEmbedder:
    """MiniLM, counting the texts it embeds."""

    def __init__(self) -> None:
        self.inner, self.texts = default_embedder(), 0
        self.name, self.dim = self.inner.name, 384

    def embed(self, texts: list[str]) -> object:
        self.texts += len(texts)
        return self.inner.embed(texts)


@pytest.mark.slow
def test_reopening_the_reference_index_embeds_nothing_again(reference: Path) -> None:
    embedder = CountingEmbedder()
    index = open_reference_index(reference, TOPICS, embedder=embedder)
    assert embedder.texts == 0 and index.count() > len(TOPICS)
    hits = make_searcher(index, "dense").search("while loop with an else clause", k=1)
    assert embedder.texts == 1 and hits[0].chunk.source == "while.txt"
    assert math.isclose(hits[0].similarity, hits[0].score, rel_tol=1e-6)


def test_the_snippet_is_the_part_of_the_chunk_that_matches_the_query() -> None:
    from m5_agents_mlops.tools.documents import best_window

    text = " ".join(["filler words about nothing in particular."] * 40)
    text += " The __contains__ method implements membership tests. " + "more filler text. " * 40
    snippet = best_window(text, "which method implements membership (__contains__)?", 200)
    assert "__contains__" in snippet and len(snippet) <= 204
    assert snippet.startswith("… ") and snippet.endswith(" …")
    assert best_window("short text", "anything", 200) == "short text"
    # No query word anywhere: the chunk's start, as before.
    assert best_window(text, "zebra", 100).startswith("filler words")

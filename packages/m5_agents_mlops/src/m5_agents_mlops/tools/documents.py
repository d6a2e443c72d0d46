"""A document-search tool: month 4's retrieval, handed to the model as a function it may call.

In month 4's RAG chain *we* retrieve, always, before the model speaks. An agent decides for
itself: it calls ``search_documents`` when the question needs the documents, reformulates the
query when the first hits miss, and skips retrieval for arithmetic. The tool is a thin shell
around any m4 ``Searcher`` (dense, BM25, hybrid, reranked), so everything measured in month 4
still holds; it only turns hits into text a model can quote, each numbered and cited::

    [1] try.txt:1 (similarity 0.61)
    The "try" statement specifies exception handlers and/or cleanup code...

The default corpus is the one month 4's golden questions use: Python's language reference as
shipped with the interpreter (``pydoc_data.topics``, 79 sections, no download), written out by
``m4_genai.golden.write_pydoc_corpus`` and indexed with MiniLM by ``m4_genai.retrieval``. The
index is built the first time a search needs it and reused afterwards (unchanged files are not
embedded again).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from pathlib import Path

from m4_genai.errors import GenAIError
from m4_genai.golden import pydoc_topics, topic_file, write_pydoc_corpus
from m4_genai.llm import Tool
from m4_genai.retrieval import (
    ChunkIndex,
    Embedder,
    Hit,
    Searcher,
    default_embedder,
    index_files,
    make_searcher,
)
from m5_agents_mlops.errors import ToolError
from m5_agents_mlops.tools.core import tool
from roadmap_data import data_dir

COLLECTION = "python_reference"
MAX_K = 10
SNIPPET_CHARS = 700
"""Characters of each hit shown to the model: a chunk is ≈ 1000, and five of them add up."""

SEARCH_DESCRIPTION = (
    "Search {corpus} and return the best matching passages, numbered, each with its source "
    "(file:line) and a text snippet. Use it whenever the answer should come from the documents "
    "rather than from memory; cite the sources you use. If the hits miss, search again with "
    "other words."
)


def default_index_folder() -> Path:
    """Where the default corpus and its index live: ``<data dir>/indexes/python-reference``."""
    return data_dir() / "indexes" / "python-reference"


def open_reference_index(
    folder: Path | None = None,
    topics: Sequence[str] | None = None,
    embedder: Embedder | None = None,
    progress: bool = False,
) -> ChunkIndex:
    """The index of Python's reference sections (all of them, or ``topics``), built if needed.

    ``folder/corpus`` holds one ``<topic>.txt`` per section, ``folder/index`` the Chroma vectors
    and BM25 keywords. A section's file is written only when missing, so its fingerprint (mtime
    and size) stays the same and ``index_files`` skips it on the next open: only the first open
    pays for embedding (≈ 600 chunks, a minute on two CPU cores for the whole reference).
    """
    folder = Path(folder) if folder is not None else default_index_folder()
    corpus = folder / "corpus"
    wanted = list(topics) if topics is not None else sorted(pydoc_topics())
    if missing := [t for t in wanted if not (corpus / topic_file(t)).is_file()]:
        write_pydoc_corpus(corpus, missing)
    index = ChunkIndex(folder / "index", COLLECTION, embedder=embedder or default_embedder())
    files = [(corpus / topic_file(t), topic_file(t)) for t in wanted]
    index_files(index, files, progress=progress)
    return index


def best_window(text: str, query: str, size: int = SNIPPET_CHARS) -> str:
    """The ``size``-character stretch of ``text`` that holds the most query words, cut at word
    boundaries, with ``…`` where text was left out (what a search engine's snippet does: the
    answer is rarely in a chunk's first lines)."""
    if len(text) <= size:
        return text
    words = {w for w in re.findall(r"\w+", query.lower()) if len(w) > 2}
    starts = range(0, len(text) - size + 1, max(size // 8, 1))

    def score(start: int) -> int:
        window = text[start : start + size].lower()
        return sum(window.count(word) for word in words)

    start = max(starts, key=lambda s: (score(s), -s))  # ties: the earliest window
    snippet = text[start : start + size]
    if start > 0:
        snippet = "… " + snippet.split(" ", 1)[-1]
    if start + size < len(text):
        snippet = snippet.rsplit(" ", 1)[0] + " …"
    return snippet


def format_hits(hits: Sequence[Hit], query: str = "", snippet_chars: int = SNIPPET_CHARS) -> str:
    """Hits as numbered, cited snippets (what the model reads), best first; each snippet is the
    part of its chunk that matches ``query`` best."""
    if not hits:
        return "no passage matches this query: try other words"
    parts = []
    for number, hit in enumerate(hits, start=1):
        text = " ".join(hit.chunk.text.split())  # one paragraph: newlines cost tokens
        text = best_window(text, query, snippet_chars)
        parts.append(f"[{number}] {hit.chunk.citation} (similarity {hit.similarity:.2f})\n{text}")
    return "\n\n".join(parts)


def document_search_tool(
    searcher: Searcher | Callable[[], Searcher],
    *,
    name: str = "search_documents",
    corpus: str = "the document collection",
    snippet_chars: int = SNIPPET_CHARS,
) -> Tool:
    """A ``search_documents(query, k=3)`` tool over any m4 searcher.

    ``searcher`` may also be a function returning one, called on the first search only: an agent
    that never searches never loads the embedder or builds an index. ``corpus`` names the
    documents in the tool's description (the model reads it to decide when to search).
    """
    resolve = (lambda: searcher) if isinstance(searcher, Searcher) else functools.cache(searcher)

    def search_documents(query: str, k: int = 3) -> str:
        """Search the documents (the description says more).

        Args:
            query: what to look for, in words likely to appear in the passage.
            k: how many passages to return (1 to 10).
        """
        if not query.strip():
            raise ToolError("the query is empty: say what to look for")
        if not 1 <= k <= MAX_K:
            raise ToolError(f"k must be between 1 and {MAX_K}, not {k}")
        try:
            hits = resolve().search(query, k)
        except GenAIError as error:  # an empty index, an unreachable Chroma server...
            raise ToolError(f"the search failed: {error}") from None
        return format_hits(hits, query, snippet_chars)

    return tool(name=name, description=SEARCH_DESCRIPTION.format(corpus=corpus))(search_documents)


def reference_search_tool(
    folder: Path | None = None,
    mode: str = "hybrid",
    topics: Sequence[str] | None = None,
    progress: bool = False,
) -> Tool:
    """``search_documents`` over Python's language reference, indexed on the first search
    (``progress`` shows bars while that first build embeds)."""

    def searcher() -> Searcher:
        return make_searcher(open_reference_index(folder, topics, progress=progress), mode)

    corpus = "the Python language reference (syntax and semantics of statements, expressions, "
    corpus += "data model, exceptions, import system)"
    return document_search_tool(searcher, corpus=corpus)

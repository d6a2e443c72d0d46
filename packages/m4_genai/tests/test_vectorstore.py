"""The Chroma store: idempotent upserts, stale chunks removed, filters, deletes, empty index."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from m4_genai.chunks import Chunk
from m4_genai.embed import default_embedder
from m4_genai.embeddings import numpy_top_k
from m4_genai.errors import EmptyIndexError, GenAIError
from m4_genai.golden import pydoc_topics
from m4_genai.indexing import index_files
from m4_genai.retrieval import Retriever
from m4_genai.splitter import split_text
from m4_genai.vectorstore import VectorStore

pytestmark = pytest.mark.slow  # loads the real MiniLM embedder (once per process)


@pytest.fixture
def store(tmp_path: Path) -> VectorStore:
    return VectorStore(tmp_path / "index", "test", embedder=default_embedder())


def write(folder: Path, name: str, text: str) -> tuple[Path, str]:
    path = folder / name
    path.write_text(text)
    return path, name


def test_reindexing_the_same_files_creates_no_duplicates(
    store: VectorStore, tmp_path: Path
) -> None:
    files = [
        write(tmp_path, "a.txt", "Cats purr.\n\nDogs bark loudly at night."),
        write(tmp_path, "b.txt", "Vector databases index embeddings."),
    ]
    first = index_files(store, files, chunk_size=20, chunk_overlap=0, progress=False)
    n = first.chunks_written
    assert first.files_indexed == 2 and n >= 3 and store.count() == n
    again = index_files(store, files, chunk_size=20, chunk_overlap=0, progress=False)
    assert again.files_unchanged == 2 and again.chunks_written == 0
    # Forced re-upsert of identical chunks (the file's stamp changed, not its text): same ids.
    path = files[0][0]
    path.write_text(path.read_text())
    forced = index_files(store, files, chunk_size=20, chunk_overlap=0, progress=False)
    assert forced.files_indexed == 1 and store.count() == n


def test_changed_file_loses_its_stale_chunks(store: VectorStore, tmp_path: Path) -> None:
    files = [write(tmp_path, "a.txt", "One.\n\nTwo.\n\nThree.")]
    index_files(store, files, chunk_size=9, chunk_overlap=0, progress=False)
    assert store.count() == 3
    files = [write(tmp_path, "a.txt", "One.\n\nFour!")]
    stats = index_files(store, files, chunk_size=9, chunk_overlap=0, progress=False)
    texts = sorted(c.text for c in store.all_chunks()[0])
    assert texts == ["Four!", "One."] and stats.total_chunks == 2


def test_prune_removes_files_gone_from_disk(store: VectorStore, tmp_path: Path) -> None:
    a, b = write(tmp_path, "a.txt", "Alpha."), write(tmp_path, "b.txt", "Beta.")
    index_files(store, [a, b], progress=False)
    stats = index_files(store, [a], prune=True, progress=False)
    assert stats.files_removed == 1
    assert {c.source for c in store.all_chunks()[0]} == {"a.txt"}


def test_metadata_filter_and_delete(store: VectorStore) -> None:
    chunks = [Chunk("Cats purr softly.", "pets.txt"), Chunk("Stocks fell sharply.", "news.txt")]
    store.upsert(chunks)
    hits = store.query("kittens", k=2, where={"source": "news.txt"})
    assert [h.chunk.source for h in hits] == ["news.txt"]
    assert store.query("kittens", k=1)[0].chunk.source == "pets.txt"
    store.delete(where={"source": "pets.txt"})
    assert store.count() == 1
    with pytest.raises(GenAIError, match="needs ids or a where"):
        store.delete()


def test_round_trip_keeps_chunk_fields(store: VectorStore) -> None:
    chunk = Chunk("def f(): pass", "m.py", 3, 10, 10, "code", symbol="f", fingerprint="1:2")
    store.upsert([chunk])
    assert store.all_chunks()[0] == [chunk]


def test_numpy_brute_force_and_chroma_return_the_same_top_k(store: VectorStore) -> None:
    texts = [
        c
        for topic in ("for", "while", "try", "with", "lambda")
        for c in split_text(pydoc_topics()[topic], 400, 0)
    ]
    chunks = [Chunk(t, "ref.txt", i) for i, t in enumerate(texts)]
    vectors = store.embedder.embed([c.search_text for c in chunks])  # (n, 384)
    store.upsert(chunks, vectors)
    for question in [
        "What does the else clause of a loop do?",
        "anonymous functions",
        "cleanup code",
    ]:
        query = store.embedder.embed([question])[0]
        rows, scores = numpy_top_k(vectors, query, 5)
        hits = store.query(query, k=5)
        assert [h.chunk.id for h in hits] == [chunks[i].id for i in rows]
        np.testing.assert_allclose([h.similarity for h in hits], scores, atol=1e-5)


def test_empty_index_is_a_clear_error(store: VectorStore) -> None:
    with pytest.raises(EmptyIndexError, match="index is empty"):
        Retriever(store).search("anything")
    assert store.query("anything") == []


def test_unknown_mode_is_rejected(store: VectorStore) -> None:
    with pytest.raises(GenAIError, match="unknown retrieval mode 'fuzzy'"):
        Retriever(store, mode="fuzzy")


def test_unreachable_chroma_server_is_one_clear_error() -> None:
    with pytest.raises(GenAIError, match="cannot reach the Chroma server"):
        VectorStore(chroma_url="http://127.0.0.1:9")

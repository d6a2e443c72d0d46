"""The index: Chroma vectors + BM25 keywords in step; idempotent upserts, stale chunks removed,
filters, deletes, the empty index, the searchers on top."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from m4_genai.errors import EmptyIndexError, GenAIError
from m4_genai.golden import pydoc_topics
from m4_genai.lessons.similarity import numpy_top_k
from m4_genai.retrieval import (
    MODES,
    Chunk,
    ChunkIndex,
    SentenceTransformerEmbedder,
    VectorStore,
    default_embedder,
    index_files,
    make_searcher,
)
from m4_genai.retrieval.splitter import split_text

pytestmark = pytest.mark.slow  # loads the real MiniLM embedder (once per process)


@pytest.fixture
def store(tmp_path: Path) -> ChunkIndex:
    return ChunkIndex(tmp_path / "index", "test", embedder=default_embedder())


def write(folder: Path, name: str, text: str) -> tuple[Path, str]:
    path = folder / name
    path.write_text(text)
    return path, name


def test_reindexing_the_same_files_creates_no_duplicates(store: ChunkIndex, tmp_path: Path) -> None:
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


def test_changed_file_loses_its_stale_chunks(store: ChunkIndex, tmp_path: Path) -> None:
    files = [write(tmp_path, "a.txt", "One.\n\nTwo.\n\nThree.")]
    index_files(store, files, chunk_size=9, chunk_overlap=0, progress=False)
    assert store.count() == 3
    files = [write(tmp_path, "a.txt", "One.\n\nFour!")]
    stats = index_files(store, files, chunk_size=9, chunk_overlap=0, progress=False)
    texts = sorted(c.text for c in store.vectors.all_chunks())
    assert texts == ["Four!", "One."] and stats.total_chunks == 2


def test_prune_removes_files_gone_from_disk(store: ChunkIndex, tmp_path: Path) -> None:
    a, b = write(tmp_path, "a.txt", "Alpha."), write(tmp_path, "b.txt", "Beta.")
    index_files(store, [a, b], progress=False)
    stats = index_files(store, [a], prune=True, progress=False)
    assert stats.files_removed == 1
    assert {c.source for c in store.vectors.all_chunks()} == {"a.txt"}
    assert store.keywords.count() == store.count()  # both halves lost b.txt


@pytest.mark.parametrize("mode", MODES)
def test_metadata_filter_and_delete(store: ChunkIndex, mode: str) -> None:
    chunks = [Chunk("Cats purr softly.", "pets.txt"), Chunk("Stocks fell sharply.", "news.txt")]
    # BM25 needs a few documents: a word found in 1 of 2 has idf ln(1.5 / 1.5) = 0.
    others = [Chunk(t, "misc.txt", i) for i, t in enumerate(["Rain today.", "Trains run late."])]
    store.upsert(chunks + others)
    searcher = make_searcher(store, mode)
    hits = searcher.search("purring cats", k=2, where={"source": "news.txt"})
    assert [h.chunk.source for h in hits] == (["news.txt"] if mode != "bm25" else [])
    assert searcher.search("purring cats", k=1)[0].chunk.source == "pets.txt"
    store.delete_sources(["pets.txt", "misc.txt"])
    assert store.count() == 1 and store.keywords.count() == 1
    assert [h.chunk.source for h in searcher.search("purring cats", k=2)] == (
        ["news.txt"] if mode != "bm25" else []  # BM25 needs a shared word
    )
    with pytest.raises(GenAIError, match="needs ids or a where"):
        store.vectors.delete()


def test_every_hit_carries_its_true_cosine(store: ChunkIndex) -> None:
    """BM25-only hits get their cosine from the stored embedding: the same as a dense search's."""
    texts = ["Cats purr softly.", "Stocks fell sharply.", "A kitten sleeps.", "Bonds rallied."]
    store.upsert([Chunk(t, f"{i}.txt") for i, t in enumerate(texts)])
    question = "stocks and bonds"
    query = store.embedder.embed([question])[0]
    vectors = store.embedder.embed([Chunk(t, f"{i}.txt").search_text for i, t in enumerate(texts)])
    truth = {f"{i}.txt": float(v @ query) for i, v in enumerate(vectors)}
    for mode in MODES:
        for hit in make_searcher(store, mode).search(question, k=4):
            assert hit.similarity == pytest.approx(truth[hit.chunk.source], abs=1e-5), mode


def test_round_trip_keeps_chunk_fields(store: ChunkIndex) -> None:
    chunk = Chunk("def f(): pass", "m.py", 3, 10, 10, "code", symbol="f", fingerprint="1:2")
    store.upsert([chunk])
    assert store.vectors.all_chunks() == [chunk]
    assert store.vectors.get([chunk.id, "missing"])[0] == [chunk]


def test_numpy_brute_force_and_chroma_return_the_same_top_k(store: ChunkIndex) -> None:
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
        hits = store.vectors.query(query, k=5)
        assert [h.chunk.id for h in hits] == [chunks[i].id for i in rows]
        np.testing.assert_allclose([h.similarity for h in hits], scores, atol=1e-5)


@pytest.mark.parametrize("mode", MODES)
def test_empty_index_is_a_clear_error(store: ChunkIndex, mode: str) -> None:
    with pytest.raises(EmptyIndexError, match="index is empty"):
        make_searcher(store, mode).search("anything")
    assert store.vectors.query("anything") == []


def test_unknown_mode_is_rejected(store: ChunkIndex) -> None:
    with pytest.raises(GenAIError, match="unknown retrieval mode 'fuzzy'"):
        make_searcher(store, "fuzzy")


def test_keyword_half_is_persisted_and_rebuilt_when_missing(tmp_path: Path) -> None:
    """A second process finds the BM25 index on disk; an index without one gets it rebuilt."""
    folder = tmp_path / "index"
    first = ChunkIndex(folder, "docs", embedder=default_embedder())
    texts = ["get_or_create_collection makes a collection.", "Rain today.", "Trains run late."]
    first.upsert([Chunk(text, f"{i}.py") for i, text in enumerate(texts)])
    again = ChunkIndex(folder, "docs", embedder=default_embedder())
    assert again.keywords.count() == 3
    hits = make_searcher(again, "bm25").search("where is get_or_create_collection?")
    assert [h.chunk.source for h in hits] == ["0.py"]
    (folder / "docs.bm25.sqlite3").unlink()  # as an index written before the keyword half
    rebuilt = ChunkIndex(folder, "docs", embedder=default_embedder())
    assert rebuilt.keywords.count() == 3
    assert make_searcher(rebuilt, "bm25").search("where is get_or_create_collection?") == hits


def test_an_index_refuses_a_different_embedder(tmp_path: Path) -> None:
    ChunkIndex(tmp_path / "index", "docs", embedder=default_embedder())
    other = SentenceTransformerEmbedder(tmp_path / "another-model")  # never loaded: only its name
    with pytest.raises(GenAIError, match="built with the embedder 'all-minilm-l6-v2'"):
        VectorStore(tmp_path / "index", "docs", embedder=other)


class RandomEmbedder:
    """A stand-in for big-index tests: vectors are passed in, the embedder only names them."""

    name, dim = "random-8", 8

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.random.default_rng(len(texts)).standard_normal((len(texts), self.dim))


def test_large_collections_are_read_page_by_page(tmp_path: Path) -> None:
    """5,000 chunks (three pages): every chunk and fingerprint comes back, BM25 rebuilds whole."""
    n = 5000
    chunks = [
        Chunk(f"word{i} common", f"f{i // 10}.txt", i % 10, fingerprint="1:1") for i in range(n)
    ]
    store = VectorStore(tmp_path / "index", "big", embedder=RandomEmbedder())
    store.upsert(chunks, RandomEmbedder().embed([c.text for c in chunks]))
    assert len(store.all_chunks()) == n and len(store.fingerprints()) == n // 10
    index = ChunkIndex(tmp_path / "index", "big", embedder=RandomEmbedder())  # rebuilds BM25
    assert index.keywords.count() == n
    assert [h.chunk.text for h in make_searcher(index, "bm25").search("word4321")] == [
        "word4321 common"
    ]


def test_unreachable_chroma_server_is_one_clear_error(tmp_path: Path) -> None:
    with pytest.raises(GenAIError, match="cannot reach the Chroma server"):
        ChunkIndex(tmp_path, embedder=default_embedder(), chroma_url="http://127.0.0.1:9")

"""Retrieval quality on a slice of the golden set, with the real embedder and a real index.

The full measurement (81 questions, all 79 sections, three modes) is ``scripts/bench_rag.py``;
here 12 questions over their own (short) sections plus distractors keep the test fast.
"""

from __future__ import annotations

import pytest

from m4_genai.embed import default_embedder
from m4_genai.golden import load_golden, pydoc_topics, score_rankings, write_pydoc_corpus
from m4_genai.indexing import index_files
from m4_genai.rag import RagConfig
from m4_genai.retrieval import Retriever
from m4_genai.vectorstore import VectorStore

pytestmark = pytest.mark.slow

DISTRACTORS = ["if", "try", "lambda", "while", "del"]
MAX_SECTION_CHARS = 8000
"""Long sections (specialnames: 62k characters) would dominate the indexing time of the test."""


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory) -> tuple[Retriever, list]:
    texts = pydoc_topics()
    short = [q for q in load_golden("pydoc_topics") if len(texts[q.topic]) <= MAX_SECTION_CHARS]
    questions = short[::2][:12]  # every other one: varied topics
    topics = sorted({q.topic for q in questions} | set(DISTRACTORS))
    folder = tmp_path_factory.mktemp("corpus")
    files = [(p, p.name) for p in write_pydoc_corpus(folder, topics)]
    store = VectorStore(tmp_path_factory.mktemp("index"), "golden", embedder=default_embedder())
    index_files(store, files, progress=False)
    # Only the sections written count as right answers here (supersets were not indexed).
    return Retriever(store), questions


@pytest.mark.parametrize(("mode", "floor"), [("dense", 0.80), ("bm25", 0.70), ("hybrid", 0.85)])
def test_hit_at_3_on_golden_slice(setup, mode: str, floor: float) -> None:
    retriever, questions = setup
    rankings = {
        q.id: [h.chunk.source for h in retriever.search(q.question, 10, mode)] for q in questions
    }
    scores = score_rankings(questions, rankings)
    assert scores.hit_at_3 >= floor, scores.ranks
    assert scores.mrr >= floor - 0.15


def test_off_topic_questions_fall_below_the_threshold(setup) -> None:
    retriever, questions = setup
    threshold = RagConfig().min_similarity
    for q in load_golden("unanswerable")[:6]:
        assert max(h.similarity for h in retriever.search(q.question, 3)) < threshold, q.question
    answerable = [max(h.similarity for h in retriever.search(q.question, 3)) for q in questions]
    assert sum(s >= threshold for s in answerable) / len(answerable) >= 0.95

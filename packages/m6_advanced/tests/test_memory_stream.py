"""The memory stream's arithmetic, checked against numbers computed by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from m6_advanced.errors import AdvancedError
from m6_advanced.memory import MemoryStream, MemoryStreamError, RetrievalWeights, recency
from m6_advanced.memory.stream import min_max

T0 = datetime(2026, 3, 10, 8, 0)


class TableEmbedder:
    """Vectors looked up from a table: relevance values we choose ourselves."""

    name = "table"
    dim = 2

    def __init__(self, table: dict[str, list[float]]) -> None:
        self.table = table

    def embed(self, texts: list[str]) -> np.ndarray:
        return np.asarray([self.table[t] for t in texts], dtype=np.float32)


TABLE = {"A": [1.0, 0.0], "B": [0.0, 1.0], "C": [0.6, 0.8], "query": [1.0, 0.0]}


def three_memories(weights: RetrievalWeights | None = None) -> MemoryStream:
    """A at 08:00 (importance 2), B at 10:00 (8), C at 12:00 (5); see ``test_score_by_hand``."""
    stream = MemoryStream(TableEmbedder(TABLE), weights)
    stream.add("A", T0, 2)
    stream.add("B", T0 + timedelta(hours=2), 8)
    stream.add("C", T0 + timedelta(hours=4), 5)
    return stream


def test_recency_is_the_papers_decay_per_hour() -> None:
    assert recency(T0, T0) == 1.0
    assert recency(T0, T0 + timedelta(hours=10)) == pytest.approx(0.995**10)
    assert recency(T0, T0 + timedelta(minutes=90)) == pytest.approx(0.995**1.5)
    assert recency(T0, T0 + timedelta(hours=24)) == pytest.approx(0.8867, abs=1e-4)


def test_min_max_scales_to_unit_range_and_constant_to_half() -> None:
    assert min_max([2, 8, 5]).tolist() == [0.0, 1.0, 0.5]
    assert min_max([3, 3]).tolist() == [0.5, 0.5]


def test_score_by_hand() -> None:
    """At 12:00, query = A's direction. Raw recency 0.995^4, 0.995^2, 1; importance 2, 8, 5;
    relevance (cosine) 1, 0, 0.6. After min-max: recency 0, r_B, 1 with
    r_B = (0.995^2 - 0.995^4) / (1 - 0.995^4); importance 0, 1, 0.5; relevance 1, 0, 0.6."""
    stream = three_memories()
    now = T0 + timedelta(hours=4)
    scored = {s.memory.text: s for s in stream.score("query", now)}
    r_b = (0.990025 - 0.980149500625) / (1 - 0.980149500625)
    assert r_b == pytest.approx(0.497494, abs=1e-6)
    assert scored["A"].recency == pytest.approx(0.0)
    assert scored["B"].recency == pytest.approx(r_b)
    assert scored["C"].recency == pytest.approx(1.0)
    assert [scored[x].importance for x in "ABC"] == pytest.approx([0.0, 1.0, 0.5])
    assert [scored[x].relevance for x in "ABC"] == pytest.approx([1.0, 0.0, 0.6])
    assert scored["A"].score == pytest.approx(1.0)
    assert scored["B"].score == pytest.approx(r_b + 1.0)
    assert scored["C"].score == pytest.approx(2.1)
    assert [s.memory.text for s in stream.retrieve("query", now, k=3)] == ["C", "B", "A"]


def test_weights_change_the_ranking() -> None:
    """α = (0, 0, 3): relevance alone, A 3, C 3·0.6, B 0. α = (1, 2, 0): C 1 + 2·0.5, B r_B + 2, A 0."""
    now = T0 + timedelta(hours=4)
    only_relevance = three_memories(RetrievalWeights(0, 0, 3))
    top = only_relevance.retrieve("query", now, k=3)
    assert [s.memory.text for s in top] == ["A", "C", "B"]
    assert [s.score for s in top] == pytest.approx([3.0, 1.8, 0.0])
    no_relevance = three_memories(RetrievalWeights(recency=1, importance=2, relevance=0))
    scores = {s.memory.text: s.score for s in no_relevance.score("query", now)}
    assert scores["C"] == pytest.approx(1 + 2 * 0.5)
    assert scores["B"] == pytest.approx(0.497494 + 2, abs=1e-6)
    assert scores["A"] == pytest.approx(0.0)


@pytest.mark.parametrize(
    "weights", [(-1, 1, 1), (1, -0.1, 1), (1, 1, float("nan")), (0, 0, 0)], ids=str
)
def test_bad_weights_are_refused(weights: tuple[float, float, float]) -> None:
    with pytest.raises(AdvancedError, match="weight"):
        RetrievalWeights(*weights)


def test_retrieval_refreshes_last_access_and_so_later_recency() -> None:
    """A is retrieved at 12:00 (refreshed); at 14:00 its raw recency is 0.995^2, not 0.995^6."""
    stream = three_memories(RetrievalWeights(0, 0, 1))
    noon, two = T0 + timedelta(hours=4), T0 + timedelta(hours=6)
    stream.retrieve("query", noon, k=1, refresh=False)  # a look changes nothing
    assert stream.get(0).last_accessed == T0
    assert stream.retrieve("query", noon, k=1)[0].memory.text == "A"
    assert stream.get(0).last_accessed == noon
    assert stream.get(1).last_accessed == T0 + timedelta(hours=2)  # not returned: untouched
    assert recency(stream.get(0).last_accessed, two) == pytest.approx(0.995**2)
    # With recency alone, A (refreshed at 12:00) now ties with C (made at 12:00), above B.
    recency_only = MemoryStream(stream.embedder, RetrievalWeights(1, 0, 0))
    recency_only.memories = stream.memories
    scored = {s.memory.text: s.recency for s in recency_only.score("query", two)}
    assert scored == pytest.approx({"A": 1.0, "B": 0.0, "C": 1.0})


def test_bad_input_is_a_clear_error() -> None:
    stream = three_memories()
    with pytest.raises(MemoryStreamError, match="time went backwards"):
        stream.add("A", T0, 3)
    with pytest.raises(MemoryStreamError, match="1 to 10"):
        stream.add("A", T0 + timedelta(hours=5), 11)
    with pytest.raises(MemoryStreamError, match="k must be"):
        stream.retrieve("query", T0, k=0)
    with pytest.raises(MemoryStreamError, match="decay"):
        MemoryStream(stream.embedder, decay=1.5)


def test_memories_from_the_future_are_not_candidates() -> None:
    stream = three_memories()
    assert [s.memory.text for s in stream.score("query", T0 + timedelta(hours=1))] == ["A"]

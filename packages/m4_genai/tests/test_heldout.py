"""Held-out evaluation: golden splits, the "I don't know" rule and its calibration, reranking,
bootstrap intervals and answer grading, each on small cases where the right result is known."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from m4_genai.abstention import MIN_VOCABULARY, Evidence, gather_evidence, refusal_reason
from m4_genai.golden import bootstrap_ci, choose_rule, confusion, load_golden
from m4_genai.golden.answers import cited_numbers, grade_answer, is_refusal
from m4_genai.golden.calibrate import Rule
from m4_genai.golden.sets import GoldenQuestion
from m4_genai.llm import ScriptedChatModel
from m4_genai.rag import I_DONT_KNOW, RagAnswer, RagConfig, answer
from m4_genai.retrieval import Chunk, Hit, KeywordIndex
from m4_genai.retrieval.rerank import LateInteractionReranker, RerankingSearcher, maxsim


def hit(text: str, source: str = "a.txt", similarity: float = 0.6) -> Hit:
    return Hit(Chunk(text, source), similarity, similarity)


class VocabularySearcher:
    """Fixed hits, an index vocabulary for ``unknown_words`` and a fixed keyword match (as the
    real searchers have; 0.2 is a typical near-topic match)."""

    def __init__(
        self, hits: list[Hit], vocabulary: set[str], size: int = MIN_VOCABULARY, match: float = 0.2
    ) -> None:
        self.hits, self.vocabulary, self.size, self.match = hits, vocabulary, size, match

    def keyword_match(self, query: str) -> float:
        return self.match

    def vocabulary_size(self) -> int:
        return self.size

    def search(self, query: str, k: int = 3, where: Any = None) -> list[Hit]:
        return self.hits[:k]

    def unknown_words(self, query: str) -> list[str]:
        from m4_genai.retrieval.bm25 import tokenize

        return [w for w in dict.fromkeys(tokenize(query)) if w not in self.vocabulary]


# --- the golden files ------------------------------------------------------------------------


def test_every_golden_set_has_a_test_split_of_the_promised_size() -> None:
    assert len(load_golden("pydoc_topics", "test")) >= 60
    assert len(load_golden("repo_code", "test")) >= 30
    unanswerable = load_golden("unanswerable", "test")
    kinds = Counter(q.kind for q in unanswerable)
    assert len(unanswerable) >= 40
    assert kinds["near"] >= len(unanswerable) / 2 and kinds["adversarial"] >= 5
    for name in ("pydoc_topics", "repo_code", "unanswerable"):
        both = load_golden(name)
        assert len(load_golden(name, "dev")) + len(load_golden(name, "test")) == len(both)
        assert len({q.id for q in both}) == len(both), f"duplicate ids in {name}"
        assert len({q.question for q in both}) == len(both), f"duplicate questions in {name}"


def test_an_unknown_split_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown split"):
        load_golden("pydoc_topics", "train")


# --- the refusal rule ------------------------------------------------------------------------


def test_near_topic_words_the_corpus_never_uses_refuse_before_the_model() -> None:
    searcher = VocabularySearcher([hit("Coroutines suspend at await.", similarity=0.5)],
                                  {"coroutin", "suspend", "await"})  # fmt: skip
    model = ScriptedChatModel([])  # any call would fail: the chain must not ask the model
    result = answer("How do Kotlin coroutines suspend?", searcher, model, RagConfig())
    assert result.text == I_DONT_KNOW and not result.answered
    assert "kotlin" in result.refusal and model.calls == []


def test_a_question_in_the_corpus_vocabulary_reaches_the_model() -> None:
    searcher = VocabularySearcher([hit("Coroutines suspend at await.", similarity=0.5)],
                                  {"coroutin", "suspend", "await"})  # fmt: skip
    model = ScriptedChatModel(["At each await [1]."])
    result = answer("Where do coroutines suspend?", searcher, model, RagConfig())
    assert result.answered and result.refusal == ""


def test_a_small_vocabulary_is_no_evidence_and_the_cosine_decides_alone() -> None:
    hits = [hit("Write a small function.", similarity=0.5)]
    small = VocabularySearcher(hits, {"function"}, size=MIN_VOCABULARY - 1)
    evidence = gather_evidence("write a small function", hits, small)
    assert evidence.unknown == () and evidence.keyword_match is None
    large = VocabularySearcher(hits, {"function"})
    assert gather_evidence("write a small function", hits, large).unknown == ("write", "small")


def test_the_askers_own_names_in_backticks_are_not_judged() -> None:
    hits = [hit("UnboundLocalError is raised when a local is read before assignment.")]
    searcher = VocabularySearcher(hits, {"unboundlocalerror", "rais"})
    evidence = gather_evidence(
        "why is UnboundLocalError raised in `tick_counter()`?", hits, searcher
    )
    assert evidence.unknown == () and evidence.words == 2


def test_the_keyword_index_knows_its_words(tmp_path: Path) -> None:
    index = KeywordIndex(tmp_path / "k.sqlite3")
    index.add([Chunk("coroutines suspend at await", "a.txt"), Chunk("await again", "b.txt")])
    assert index.vocabulary_size() == 5  # coroutin, suspend, await, again and "txt" (the path)
    assert index.known_terms(["await", "kotlin", "coroutin"]) == {"await", "coroutin"}
    index.add([Chunk("kotlin", "c.txt")])  # the cached count follows a change
    assert index.vocabulary_size() == 6


def test_refusal_reasons_name_the_failed_test() -> None:
    assert "cosine 0.10" in refusal_reason(Evidence(0.10, (), 4), 0.29, 0.2)
    assert refusal_reason(Evidence(0.50, ("rust",), 5), 0.29, 0.2) == (
        "1 of 5 words appear in no document (rust)"
    )
    assert refusal_reason(Evidence(0.50, ("rust",), 6), 0.29, 0.2) == ""  # 17 % < 20 %
    assert refusal_reason(Evidence(0.50, ("a", "b"), 2), 0.29, 1.0) == ""  # 1.0 = cosine only


def test_a_searcher_without_a_vocabulary_reports_no_unknown_words() -> None:
    class Plain:
        def search(self, query: str, k: int = 3, where: Any = None) -> list[Hit]:
            return []

    evidence = gather_evidence("docker volumes", [], Plain())
    assert evidence == Evidence(-1.0, (), 2)


def test_choose_rule_maximises_near_topic_refusals_within_the_answer_floor() -> None:
    answerable = [Evidence(s, (), 5) for s in (0.40, 0.45, 0.50, 0.55, 0.60)]
    near = [Evidence(0.35, ("kotlin",), 4), Evidence(0.50, ("docker", "volum"), 4),
            Evidence(0.42, (), 4)]  # fmt: skip
    rule = choose_rule(answerable, near, min_answered=1.0)
    # Two of three can be refused: kotlin by a bar in (0.35, 0.40] or by a share ≤ 25 %, docker
    # by a share ≤ 50 %; 0.42 never, as that bar would refuse the answerable 0.40. Of the ties,
    # the loosest share (50 %) and the middle of its bars (0.36–0.40).
    assert rule == Rule(0.38, 0.5)
    rows = {r["group"]: r for r in confusion(rule, answerable, {"near": near})}
    assert rows["answerable"]["answered"] == 1.0
    assert rows["near"]["refused"] == pytest.approx(2 / 3)
    assert Rule(0.43, 1.0).refuses(Evidence(0.42, (), 4))


# --- reranking -------------------------------------------------------------------------------


def test_maxsim_rewards_a_document_that_covers_every_query_token() -> None:
    query = np.eye(3, dtype=np.float32)[:2]  # two query tokens: axes 0 and 1
    covers_both = np.eye(3, dtype=np.float32)[:2]
    covers_one = np.eye(3, dtype=np.float32)[[0, 2]]
    assert maxsim(query, covers_both) == pytest.approx(1.0)
    assert maxsim(query, covers_one) == pytest.approx(0.5)


class LengthReranker:
    """Scores a text by its length: an easy order to check."""

    def scores(self, query: str, texts: list[str]) -> np.ndarray:
        return np.array([len(t) for t in texts], dtype=float)


def test_reranking_reorders_only_the_head_and_keeps_cosines() -> None:
    hits = [hit("a", similarity=0.9), hit("ccc", similarity=0.8), hit("bb", similarity=0.7),
            hit("dddd", similarity=0.6)]  # fmt: skip
    searcher = RerankingSearcher(VocabularySearcher(hits, set()), LengthReranker(), candidates=3)
    ranked = searcher.search("q", k=4)
    assert [h.chunk.text for h in ranked] == ["ccc", "bb", "a", "dddd"]
    assert [h.similarity for h in ranked] == [0.8, 0.7, 0.9, 0.6]
    assert searcher.unknown_words("kotlin") == ["kotlin"]


@pytest.mark.slow
def test_late_interaction_prefers_the_passage_that_answers() -> None:
    reranker = LateInteractionReranker()
    scores = reranker.scores(
        "Which exception does next() raise when an iterator is exhausted?",
        ["Lists are mutable sequences that can be sorted in place.",
         "When the iterator has no more items, next() raises StopIteration."],
    )  # fmt: skip
    assert scores[1] > scores[0]


# --- intervals and answer grading ------------------------------------------------------------


def test_bootstrap_interval_brackets_the_mean_and_narrows_with_more_questions() -> None:
    small = bootstrap_ci([1, 0] * 10)
    large = bootstrap_ci([1, 0] * 200)
    assert small[0] < 0.5 < small[1] and large[0] < 0.5 < large[1]
    assert large[1] - large[0] < small[1] - small[0]


def test_grading_checks_the_cited_source_and_asks_the_judge_about_it_only() -> None:
    question = GoldenQuestion("q1", "What does next() raise at the end?", ("iter.txt",))
    hits = [hit("Lists sort.", "lists.txt"), hit("next() raises StopIteration.", "iter.txt")]
    judge = ScriptedChatModel(['{"supported": true}'])
    grade = grade_answer(question, RagAnswer("It raises StopIteration [2].", hits), judge)
    assert grade.cites_correct and grade.supported and grade.cited_sources == ("iter.txt",)
    judged = judge.calls[0][-1]["content"]
    assert "StopIteration" in judged and "Lists sort." not in judged

    wrong = grade_answer(question, RagAnswer("Lists sort [1].", hits),
                         ScriptedChatModel(['{"supported": false}']))  # fmt: skip
    assert not wrong.cites_correct and not wrong.supported
    uncited = grade_answer(question, RagAnswer("StopIteration.", hits), ScriptedChatModel([]))
    assert not uncited.cites_correct and not uncited.supported  # no citation: judge not asked


def test_citations_and_refusals_are_read_from_the_text() -> None:
    assert cited_numbers("A [3], B [1] and A again [3].") == [3, 1]
    assert is_refusal("I don't know.") and is_refusal("i don't know")
    assert not is_refusal("It raises StopIteration [1].")

"""The answerability score behind "I don't know": its keyword evidence, its fit on dev-like
evidence and how the chain applies it, each on small cases where the right result is known."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from m4_genai.abstention import AnswerabilityScore, Evidence, refusal_reason
from m4_genai.golden.calibrate import Rule, fit_answerability
from m4_genai.rag import ANSWERABILITY, RagConfig
from m4_genai.retrieval import Chunk, KeywordIndex
from roadmap_data.runkit import ConfigError

SCORE = AnswerabilityScore(cosine=7.0, unknown=-8.0, keywords=5.0, bias=-3.0)


def test_keyword_match_is_the_best_bm25_score_over_the_most_any_chunk_could_score(
    tmp_path: Path,
) -> None:
    index = KeywordIndex(tmp_path / "k.sqlite3")
    index.add([Chunk("await await await", "a.txt"), Chunk("other words", "b.txt"),
               Chunk("more prose", "c.txt")])  # fmt: skip
    ((_, best),) = index.top_k(["await"], 1)
    idf = math.log((3 - 1 + 0.5) / (1 + 0.5))  # N = 3 chunks, one holds "await"
    assert index.keyword_match(["await"]) == pytest.approx(best / (idf * (index.k1 + 1)))
    assert 0 < index.keyword_match(["await"]) < 1  # term frequency saturates below the ceiling
    assert index.keyword_match(["kotlin"]) == 0.0  # no indexed word: no match at all
    assert index.keyword_match(["await", "kotlin"]) == index.keyword_match(["await"])


def test_a_chunk_holding_all_the_questions_words_matches_better(tmp_path: Path) -> None:
    together = KeywordIndex(tmp_path / "together.sqlite3")
    together.add([Chunk("coroutines suspend", "a.txt"), Chunk("yield values", "b.txt"),
                  Chunk("loops repeat", "c.txt"), Chunk("classes define", "d.txt")])  # fmt: skip
    apart = KeywordIndex(tmp_path / "apart.sqlite3")  # the same words, split between two chunks
    apart.add([Chunk("coroutines values", "a.txt"), Chunk("yield suspend", "b.txt"),
               Chunk("loops repeat", "c.txt"), Chunk("classes define", "d.txt")])  # fmt: skip
    question = ["coroutin", "suspend"]
    assert together.keyword_match(question) == pytest.approx(2 * apart.keyword_match(question))


def test_the_score_decides_when_it_has_keyword_evidence() -> None:
    strong = Evidence(0.60, (), 5, keyword_match=0.40)  # 4.2 + 2.0 − 3 = 3.2
    near = Evidence(0.45, ("kotlin",), 4, keyword_match=0.15)  # 3.15 − 2 + 0.75 − 3 = −1.1
    assert refusal_reason(strong, 0.99, 0.01, SCORE) == ""  # the thresholds are not asked
    reason = refusal_reason(near, 0.0, 1.0, SCORE)
    assert reason.startswith("the sources do not seem to answer it (answerability 0.25 < 0.50")
    assert "1 of 4 words in no document" in reason and "unknown: kotlin" in reason
    assert AnswerabilityScore.probability(0.0) == 0.5


def test_without_keyword_evidence_the_thresholds_decide() -> None:
    tiny_corpus = Evidence(0.20, (), 3, keyword_match=None)
    assert "best cosine 0.20" in refusal_reason(tiny_corpus, 0.30, 1.0, SCORE)
    assert refusal_reason(Evidence(0.90, (), 3), 0.30, 1.0, SCORE) == ""
    assert Rule(0.30, 1.0, SCORE).refuses(tiny_corpus)


def dev_like_evidence(seed: int = 0) -> tuple[list[Evidence], list[Evidence]]:
    """Answerable questions: high cosine and keyword match, rarely an unknown word; near-topic
    ones: lower cosine and match, often unknown words. Overlapping, as real ones are."""
    rng = np.random.default_rng(seed)
    answerable = [
        Evidence(float(c), ("x",) * int(u), 5, keyword_match=float(m))
        for c, u, m in zip(rng.normal(0.57, 0.08, 200), rng.random(200) < 0.1,
                           rng.uniform(0.2, 0.6, 200), strict=True)
    ]  # fmt: skip
    unanswerable = [
        Evidence(float(c), ("x",) * int(u), 5, keyword_match=float(m))
        for c, u, m in zip(rng.normal(0.38, 0.08, 100), rng.integers(0, 3, 100),
                           rng.uniform(0.05, 0.3, 100), strict=True)
    ]  # fmt: skip
    return answerable, unanswerable


def test_fitting_answers_the_promised_share_and_learns_the_expected_signs() -> None:
    answerable, unanswerable = dev_like_evidence()
    score = fit_answerability(answerable, unanswerable, min_answered=0.97)
    rule = Rule(0.0, 1.0, score)
    answered = np.mean([not rule.refuses(e) for e in answerable])
    assert 0.97 <= answered <= 0.975 + 1e-9  # the bar sits at the 3rd percentile, no lower
    assert score.cosine > 0 and score.keywords > 0 and score.unknown < 0
    assert np.mean([rule.refuses(e) for e in unanswerable]) > 0.6
    assert fit_answerability(answerable, unanswerable) == score  # deterministic


def test_fitting_generalises_to_new_questions_from_the_same_distributions() -> None:
    rule = Rule(0.0, 1.0, fit_answerability(*dev_like_evidence(seed=0)))
    answerable, unanswerable = dev_like_evidence(seed=1)  # "test" questions, never fitted on
    assert np.mean([not rule.refuses(e) for e in answerable]) > 0.93
    assert np.mean([rule.refuses(e) for e in unanswerable]) > 0.6


def test_fitting_needs_keyword_evidence_on_both_sides() -> None:
    answerable, _ = dev_like_evidence()
    with pytest.raises(ValueError, match="keyword evidence"):
        fit_answerability(answerable, [Evidence(0.3, (), 4)])
    with pytest.raises(ValueError, match="min_answered is a share"):
        fit_answerability(*dev_like_evidence(), min_answered=0.0)


def test_the_config_chooses_the_rule() -> None:
    assert RagConfig().refusal_rule().answerability == AnswerabilityScore(*ANSWERABILITY)
    assert RagConfig(refusal="thresholds").refusal_rule() == Rule(0.37, 0.30)
    with pytest.raises(ConfigError, match="answerability takes 4 numbers"):
        RagConfig(answerability=(1.0, 2.0))
    with pytest.raises(ConfigError):
        RagConfig(refusal="vibes")  # type: ignore[arg-type]

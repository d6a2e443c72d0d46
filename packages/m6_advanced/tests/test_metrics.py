"""The RAGAS metric definitions: formulas, NaN and abstention rules, the two judges."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from m4_genai.llm import ScriptedChatModel
from m6_advanced.errors import AdvancedError
from m6_advanced.evaluation.judges import (
    EMBEDDING_LABEL,
    EmbeddingJudge,
    LLMJudge,
    is_noncommittal,
    make_judge,
    split_sentences,
)
from m6_advanced.evaluation.metrics import (
    METRICS,
    GeneratedQuestions,
    Sample,
    aggregate,
    answer_relevancy,
    average_precision,
    context_precision,
    context_recall,
    faithfulness,
    score_sample,
)
from m6_advanced.hashing_embedder import BagOfWordsEmbedder

LISTS = "Lists are mutable sequences."
TUPLES = "Tuples are immutable sequences."


class TableJudge:
    """A judge from lookup tables: the smallest thing that satisfies the Judge protocol."""

    label = "table"

    def __init__(self, claims=None, support=None, relevant=None, questions=(), noncommittal=False):
        self.claims, self.support = claims or {}, support or {}
        self.relevant, self.questions = relevant or {}, questions
        self.noncommittal = noncommittal
        self.calls: list[str] = []

    def extract_claims(self, question, text):
        self.calls.append("claims")
        return list(self.claims.get(text, []))

    def verify_claims(self, claims, contexts):
        self.calls.append("verify")
        return [self.support[c] for c in claims]

    def chunk_relevant(self, question, reference, chunk):
        self.calls.append("relevant")
        return self.relevant[chunk]

    def generate_questions(self, answer, n):
        self.calls.append("questions")
        return GeneratedQuestions(tuple(self.questions), self.noncommittal)


@pytest.mark.parametrize(
    ("relevance", "expected"),
    [
        ([1], 1.0),
        ([0, 1], 0.5),
        ([0, 0, 1], 1 / 3),
        ([1, 0, 1], (1 + 2 / 3) / 2),
        ([0, 1, 1], (1 / 2 + 2 / 3) / 2),
        ([1, 1, 0], 1.0),
        ([0, 0, 0], 0.0),
    ],
)
def test_average_precision_matches_the_ragas_formula(relevance, expected):
    # ragas: sum(precision@k * v_k) / (sum(v_k) + 1e-10)
    ragas = sum(sum(relevance[: k + 1]) / (k + 1) * relevance[k] for k in range(len(relevance)))
    ragas /= sum(relevance) + 1e-10
    assert average_precision([bool(v) for v in relevance]) == pytest.approx(expected)
    assert average_precision([bool(v) for v in relevance]) == pytest.approx(ragas, abs=1e-9)
    assert math.isnan(average_precision([]))


def test_faithfulness_counts_supported_claims():
    judge = TableJudge(
        claims={"A. B. C.": ["a", "b", "c"]}, support={"a": True, "b": True, "c": False}
    )
    assert faithfulness(Sample("q", "A. B. C.", (LISTS,)), judge) == pytest.approx(2 / 3)


def test_abstention_is_nan_for_faithfulness_zero_for_relevancy_and_retrieval_still_scored():
    sample = Sample("Are lists mutable?", "I don't know.", (LISTS, TUPLES), "Lists are mutable.")
    judge = TableJudge(
        claims={"I don't know.": [], "Lists are mutable.": ["lists are mutable"]},
        support={"lists are mutable": True},
        relevant={LISTS: True, TUPLES: False},
        questions=["Are lists mutable?"],
        noncommittal=True,
    )
    scores = score_sample(sample, judge, BagOfWordsEmbedder())
    assert math.isnan(scores["faithfulness"])
    assert scores["answer_relevancy"] == 0.0
    assert scores["context_recall"] == 1.0
    assert scores["context_precision"] == 1.0


def test_undefined_inputs_give_nan_without_asking_the_judge():
    judge = TableJudge()
    empty_answer = Sample("q", "  ", (LISTS,), "ref")
    assert math.isnan(faithfulness(empty_answer, judge))
    assert math.isnan(answer_relevancy(empty_answer, judge, BagOfWordsEmbedder()))
    no_reference = Sample("q", "a", (LISTS,))
    assert math.isnan(context_recall(no_reference, judge))
    assert math.isnan(context_precision(no_reference, judge))
    assert math.isnan(context_precision(Sample("q", "a", (), "ref"), judge))
    assert judge.calls == []


def test_claims_without_any_context_score_zero_not_nan():
    judge = TableJudge(claims={"A.": ["a"], "R.": ["r"]})
    sample = Sample("q", "A.", ("", "   "), "R.")
    assert faithfulness(sample, judge) == 0.0
    assert context_recall(sample, judge) == 0.0
    assert "verify" not in judge.calls  # nothing to verify against
    # blank chunks are irrelevant without a judge call: precision is defined, and zero
    assert context_precision(sample, judge) == 0.0


def test_answer_relevancy_is_the_mean_cosine_of_the_generated_questions():
    embedder = BagOfWordsEmbedder()
    question = "are python lists mutable"
    generated = ["are python lists mutable", "what is mutable"]
    judge = TableJudge(questions=generated)
    vectors = embedder.embed([question, *generated])
    expected = float(np.mean(vectors[1:] @ vectors[0]))
    got = answer_relevancy(Sample(question, "Lists are mutable.", ()), judge, embedder)
    assert got == pytest.approx(expected, abs=1e-6)
    assert 0.0 < got < 1.0
    no_questions = TableJudge(questions=["", " "])
    assert math.isnan(answer_relevancy(Sample(question, "x", ()), no_questions, embedder))
    refusal = TableJudge(questions=[], noncommittal=True)  # "I don't know" may yield no question
    assert answer_relevancy(Sample(question, "I don't know.", ()), refusal, embedder) == 0.0


def test_aggregate_averages_defined_values_and_counts_nan():
    rows = [
        {"faithfulness": 1.0, "answer_relevancy": 0.5},
        {"faithfulness": math.nan, "answer_relevancy": 0.0},
        {"faithfulness": 0.5, "answer_relevancy": 1.0},
    ]
    summary = aggregate(rows)
    assert summary["faithfulness"] == {"mean": 0.75, "n": 2, "n_nan": 1}
    assert summary["answer_relevancy"]["mean"] == pytest.approx(0.5)
    assert math.isnan(aggregate([{"faithfulness": math.nan}])["faithfulness"]["mean"])
    assert aggregate([]) == {}


def test_score_sample_rejects_unknown_metrics():
    with pytest.raises(AdvancedError, match="unknown metric"):
        score_sample(Sample("q", "a", ()), TableJudge(), metrics=("bleu",))
    assert set(METRICS) == {
        "faithfulness",
        "answer_relevancy",
        "context_precision",
        "context_recall",
    }


def test_llm_judge_parses_structured_replies_and_sends_the_claim_and_context():
    model = ScriptedChatModel(
        [
            json.dumps({"claims": ["Lists are mutable.", " ", "Tuples are mutable."]}),
            json.dumps({"supported": True}),
            json.dumps({"supported": False}),
        ]
    )
    judge = LLMJudge(model)
    sample = Sample("q", "Lists and tuples are mutable.", (LISTS, TUPLES))
    assert faithfulness(sample, judge) == 0.5
    support_prompt = model.calls[1][-1]["content"]
    assert "[1] Lists are mutable sequences." in support_prompt
    assert "Claim: Lists are mutable." in support_prompt
    assert judge.label.startswith("LLM judge")


def test_llm_judge_reports_a_reply_that_is_not_json():
    judge = LLMJudge(ScriptedChatModel(["sure, the claims are..."]))
    with pytest.raises(Exception, match="not JSON"):
        faithfulness(Sample("q", "A claim.", (LISTS,)), judge)


def test_embedding_fallback_is_labelled_and_uses_refusal_patterns():
    judge = make_judge("embedding", embedder=BagOfWordsEmbedder(), threshold=0.6)
    assert judge.label == EMBEDDING_LABEL == "embedding fallback, not RAGAS"
    assert judge.extract_claims("q", "I don't know.") == []
    assert is_noncommittal("I'm not sure, it depends.")
    assert not is_noncommittal("Lists are mutable.")
    assert not is_noncommittal("A file opened with no context manager is not closed for you.")
    assert is_noncommittal("There is no context about that in the documents.")
    assert split_sentences("Lists are mutable. Tuples are not! Why?") == [
        "Lists are mutable.",
        "Tuples are not!",
        "Why?",
    ]
    supported = judge.verify_claims(
        ["Lists are mutable sequences.", "Dogs bark loudly."], [f"{TUPLES} {LISTS}"]
    )
    assert supported == [True, False]
    assert judge.chunk_relevant("q", "Lists are mutable sequences.", LISTS)
    assert not judge.chunk_relevant("q", "Dogs bark loudly.", LISTS)
    generated = judge.generate_questions("I don't know.", 3)
    assert generated.noncommittal and generated.questions == ("I don't know.",)


def test_make_judge_needs_a_model_for_llm_and_a_known_kind():
    with pytest.raises(AdvancedError, match="needs a ChatModel"):
        make_judge("llm")
    with pytest.raises(AdvancedError, match="unknown judge kind"):
        make_judge("nli")  # type: ignore[arg-type]
    assert isinstance(make_judge("llm", model=ScriptedChatModel([])), LLMJudge)
    assert isinstance(make_judge("embedding", embedder=BagOfWordsEmbedder()), EmbeddingJudge)

"""The hand-labelled cases: a scripted judge that gives the hand labels reproduces the hand values."""

from __future__ import annotations

import json
import math

import pytest

from m6_advanced.errors import AdvancedError
from m6_advanced.evaluation.judges import LLMJudge
from m6_advanced.evaluation.labelled import LabelOracle, load_cases, parse_case
from m6_advanced.evaluation.metrics import METRICS, score_sample
from m6_advanced.evaluation.ragas_compare import agreement
from m6_advanced.hashing_embedder import BagOfWordsEmbedder

CASES = load_cases()
EXACT = ("faithfulness", "context_recall", "context_precision")


def test_the_case_file_is_big_enough_split_and_covers_the_edge_cases():
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)
    assert {case.split for case in CASES} == {"dev", "test"}
    assert len(load_cases("test")) >= 15
    covered = {case.covers for case in CASES}
    for kind in (
        "all_supported",
        "partly_supported",
        "none_supported",
        "refusal",
        "noncommittal",
        "empty_contexts",
        "duplicated_chunks",
        "relevant_at_rank_1",
        "relevant_at_rank_3",
        "empty_answer",
        "no_reference",
    ):
        assert kind in covered, kind
    for case in CASES:
        assert set(case.expected) == set(METRICS), case.id
        if case.sample.reference:
            assert len(case.chunk_relevance) == len(case.sample.contexts), case.id


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_scripted_judge_reproduces_the_hand_computed_values(case):
    judge = LLMJudge(LabelOracle(case).model())
    scores = score_sample(case.sample, judge, BagOfWordsEmbedder())
    for name in EXACT:
        expected = case.expected[name]
        if math.isnan(expected):
            assert math.isnan(scores[name]), (case.id, name, scores[name])
        else:
            assert scores[name] == pytest.approx(expected, abs=1e-6), (case.id, name)
    relevancy = case.expected["answer_relevancy"]
    if isinstance(relevancy, tuple):  # a band: MiniLM's cosines, checked in the slow test below
        assert 0.0 < scores["answer_relevancy"] <= 1.0 + 1e-6
    elif math.isnan(relevancy):
        assert math.isnan(scores["answer_relevancy"])
    else:  # 0 (non-committal) or 1 (every generated question is the question): any embedder
        assert scores["answer_relevancy"] == pytest.approx(relevancy, abs=1e-6), case.id


@pytest.mark.slow
def test_answer_relevancy_with_minilm_falls_in_the_hand_estimated_bands():
    from m4_genai.retrieval.embedder import default_embedder

    embedder = default_embedder()
    for case in CASES:
        relevancy = case.expected["answer_relevancy"]
        if not isinstance(relevancy, tuple):
            continue
        judge = LLMJudge(LabelOracle(case).model())
        score = score_sample(case.sample, judge, embedder, metrics=("answer_relevancy",))
        low, high = relevancy
        assert low <= score["answer_relevancy"] <= high, (case.id, score)


def test_agreement_counts_gaps_and_nan_conventions():
    ours = [{"faithfulness": 1.0}, {"faithfulness": 0.5}, {"faithfulness": math.nan}]
    theirs = [{"faithfulness": 1.0}, {"faithfulness": 0.25}, {"faithfulness": 0.0}]
    table = agreement(ours, theirs)["faithfulness"]
    assert table == {"n_both": 2, "mad": 0.125, "within": 0.5, "nan_agree": 0, "nan_disagree": 1}
    with pytest.raises(AdvancedError, match="2 scores of ours but 1"):
        agreement(ours[:2], theirs[:1])


def test_the_oracle_answers_ragas_shaped_prompts_from_the_labels():
    case = next(c for c in CASES if c.id == "py-walrus-partial")
    oracle = LabelOracle(case)

    def ragas_prompt(instruction: str, data: dict) -> list[dict]:
        text = f"{instruction}\n...\nNow perform the same with the following input\n"
        return [{"role": "user", "content": text + f"input: {json.dumps(data)}\nOutput: "}]

    claims = [claim for claim, _ in case.answer_claims]
    reply = oracle.reply(
        ragas_prompt(
            "judge the faithfulness of a series of statements",
            {"context": "c", "statements": claims},
        )
    )
    assert [s["verdict"] for s in json.loads(reply)["statements"]] == [1, 1, 0]
    chunk = case.sample.contexts[0]
    useful = oracle.reply(
        ragas_prompt(
            "verify if the context was useful", {"question": "q", "context": chunk, "answer": "a"}
        )
    )
    assert json.loads(useful)["verdict"] == 0
    with pytest.raises(AdvancedError, match="unlabelled claim"):
        oracle.reply(
            ragas_prompt(
                "judge the faithfulness of a series of statements",
                {"context": "c", "statements": ["new"]},
            )
        )


def test_a_malformed_case_is_one_clear_error():
    with pytest.raises(AdvancedError, match="bad labelled case x"):
        parse_case({"id": "x", "question": "q"})

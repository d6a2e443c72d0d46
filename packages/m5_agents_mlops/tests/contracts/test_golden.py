"""The contract golden-set evaluation (``contracts/golden.py``) on a tiny configuration.

The NDA alone is uploaded through the real ``Library`` with the real MiniLM embedder (conftest's
session fixture; once per module), and a few questions of each group are scored. The retrieval figures asserted are the
ones measured on these questions, with a margin of one question; the rule must come from dev
questions only, which the last test checks by rewriting the test questions.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import pytest

from m4_genai.llm import load_chat_model
from m4_genai.retrieval.embedder import Embedder
from m5_agents_mlops.contracts.answering import CONTRACT_RAG, Answerer
from m5_agents_mlops.contracts.golden import (
    GROUPS,
    GoldenConfig,
    GoldenSetError,
    IndexedSamples,
    evaluate,
    grade_answer,
    index_samples,
    key_numbers,
    load_contract_golden,
    select,
)
from m5_agents_mlops.contracts.schemas import AskResponse, Citation
from m5_agents_mlops.contracts.tracing import Tracing

TINY = GoldenConfig.preset("tiny")  # the NDA, at most 3 questions per split and group
QUESTIONS = load_contract_golden()


@pytest.fixture(scope="module")
def nda(tmp_path_factory: pytest.TempPathFactory, embedder: Embedder) -> IndexedSamples:
    """The NDA's PDF in a real library; ``embedder`` is conftest's shared real MiniLM."""
    return index_samples(tmp_path_factory.mktemp("golden"), embedder, TINY)


@pytest.fixture(scope="module")
def measured(nda: IndexedSamples) -> dict[str, Any]:
    return evaluate(nda, QUESTIONS, TINY)


def test_golden_file_loads_with_groups_on_both_splits() -> None:
    assert len(QUESTIONS) == 60
    for split in ("dev", "test"):
        groups = [q.group for q in QUESTIONS if q.split == split]
        assert all(groups.count(group) >= 3 for group in GROUPS), (split, groups)
    q01 = next(q for q in QUESTIONS if q.id == "q01")
    assert q01.target == "nda#6.1" and q01.as_golden().sources == ("nda#6.1",)
    assert all(q.target is None and q.as_golden().sources == () for q in QUESTIONS if q.kind)


def test_a_question_without_its_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "golden.jsonl"
    row = {"id": "x1", "split": "dev", "document": None, "question": "Why?", "answer": None,
           "clause": None, "answerable": False}  # fmt: skip
    path.write_text(json.dumps(row) + "\n")
    with pytest.raises(GoldenSetError, match=r"golden\.jsonl:1"):
        load_contract_golden(path)
    path.write_text(json.dumps(row | {"kind": "near", "extra": 1}) + "\n")
    with pytest.raises(GoldenSetError, match="extra"):
        load_contract_golden(path)


def test_tiny_selection_keeps_nda_questions_and_every_group() -> None:
    chosen = select(QUESTIONS, TINY)
    assert all(q.document in (None, "nda") for q in chosen)
    counts = {(s, g): sum((q.split, q.group) == (s, g) for q in chosen) for s in ("dev", "test")
              for g in GROUPS}  # fmt: skip
    assert set(counts.values()) == {3}, counts


def test_key_numbers_drop_thousands_separators() -> None:
    assert key_numbers("£48,000 a year, 1.5% from 24 June 2025.") == ["48000", "1.5", "24", "2025"]
    assert key_numbers("The law of England and Wales.") == []


def _citation(name: str, number: str, cited: bool) -> Citation:
    return Citation(n=1, document_id="d", document_name=name, clause_id="c", number=number,
                    heading=None, page=1, excerpt="", cited=cited)  # fmt: skip


def test_grade_answer_checks_numbers_and_the_golden_clause() -> None:
    q24 = next(q for q in QUESTIONS if q.id == "q24")  # £48,000 a year ... £12,000
    right = AskResponse(answer="48000 a year, quarterly: 12,000 each [1].", answered=True,
                        citations=[_citation("lease.pdf", "4.1", True)])  # fmt: skip
    grade = grade_answer(q24, right)
    assert (grade["numbers"], grade["sources"], grade["cites"]) == (True, True, True)
    wrong = AskResponse(answer="£48,000 a year.", answered=True,
                        citations=[_citation("lease.pdf", "4.1", False),
                                   _citation("saas.pdf", "5.2", True)])  # fmt: skip
    grade = grade_answer(q24, wrong)
    assert (grade["numbers"], grade["sources"], grade["cites"]) == (False, True, False)
    q04 = next(q for q in QUESTIONS if q.id == "q04")  # "The law of England and Wales."
    refused = AskResponse(answer="Not found", answered=False, citations=[])
    assert grade_answer(q04, refused)["numbers"] is None


@pytest.mark.slow
def test_hits_are_read_back_as_clauses_of_the_uploaded_nda(nda: IndexedSamples) -> None:
    hits = nda.searcher("dense").search("How long does this NDA stay in force?", 5)
    keys = nda.clause_keys(hits)
    assert len(keys) == 5 and all(key.startswith("nda#") for key in keys)
    assert "nda#6.1" in keys[:3]  # Term: measured at rank 1


@pytest.mark.slow
def test_tiny_retrieval_and_rule_match_what_was_measured(measured: dict[str, Any]) -> None:
    dense, bm25 = measured["retrieval"]["dense"], measured["retrieval"]["bm25"]
    assert dense["dev"]["n"] == dense["test"]["n"] == 3
    # Measured: dense hit@3 3/3 on dev and 1/3 on test, BM25 1/3 on dev; margin one question.
    assert dense["dev"]["hit@3"] >= 2 / 3 and dense["dev"]["hit@1"] >= 2 / 3
    assert dense["test"]["hit@3"] >= 1 / 3 - 1e-9 and dense["dev"]["mrr"] >= 0.6
    assert bm25["dev"]["hit@3"] <= 2 / 3 + 1e-9
    assert measured["mode"] == "dense"
    rule, tables = measured["abstention"]["rule"], measured["abstention"]
    assert 0.2 <= rule["min_similarity"] <= 0.5  # measured 0.47 on the NDA alone
    dev = {row["group"]: row for row in tables["dev"]}
    test = {row["group"]: row for row in tables["test"]}
    assert dev["answerable"]["answered"] == 1.0  # choose_rule answers ≥ 97 % of dev
    assert test["far"]["refused"] == 1.0 and test["near"]["refused"] >= 2 / 3  # measured 1, 1


@pytest.mark.slow
def test_the_rule_is_chosen_on_dev_questions_only(
    nda: IndexedSamples, measured: dict[str, Any]
) -> None:
    """Test questions rewritten as off-topic ones: the test table moves, the rule does not.
    (Were test questions used in the choice, their cosines of ≈ 0.1 would pull the bar down.)"""
    far = "Who painted the ceiling of the Sistine Chapel?"
    rewritten = [
        dataclasses.replace(q, question=far) if q.split == "test" and q.answerable else q
        for q in QUESTIONS
    ]
    again = evaluate(nda, rewritten, TINY)
    assert again["abstention"]["rule"] == measured["abstention"]["rule"]
    assert again["mode"] == measured["mode"]
    assert again["retrieval"]["dense"]["dev"] == measured["retrieval"]["dense"]["dev"]
    answered = {row["group"]: row["answered"] for row in again["abstention"]["test"]}
    assert answered["answerable"] == 0.0  # now refused: the table did read the new questions


@pytest.mark.slow
def test_the_answerer_is_graded_through_the_real_library(nda: IndexedSamples) -> None:
    """The chain the bench's ``--answers`` runs, with a scripted model instead of the local one."""
    model = load_chat_model("scripted", replies=["Two years from the Effective Date [1]."])
    answerer = Answerer(nda.library, model, Tracing(), CONTRACT_RAG)
    q01 = next(q for q in QUESTIONS if q.id == "q01")
    grade = grade_answer(q01, answerer.ask(nda.user_id, q01.question))
    assert grade["answered"] and grade["sources"]  # clause 6.1 is among the sources
    assert grade["numbers"] is False  # "2 years ... 2 February 2027": no digits in the reply

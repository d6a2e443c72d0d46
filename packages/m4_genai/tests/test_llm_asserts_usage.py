"""Month 4's RAG chain tested the way an LLM app should be: by what the answer says and cites.

A tiny in-memory corpus (contract clauses), a real BM25 ranking, and a scripted model that reads
its numbered sources and answers from the one that holds the notice period: so which number it
cites depends on retrieval, and the checks (``golden/llm_asserts.py``) test the whole chain.
"""

from __future__ import annotations

import math
import re
from collections import Counter

import pytest

from m4_genai.golden.llm_asserts import (
    assert_cites,
    assert_contains_facts,
    assert_excludes,
    assert_stable,
    assert_valid_json,
    assert_within_tokens,
)
from m4_genai.llm import Message, ScriptedChatModel, ask_structured
from m4_genai.rag import I_DONT_KNOW, RagConfig, answer
from m4_genai.retrieval import Chunk, Hit
from m4_genai.retrieval.bm25 import BM25, tokenize

CLAUSES = {
    "payment.md": "7.1 The Customer shall pay each invoice within forty-five (45) days of the "
    "invoice date. 7.2 Late payments bear interest at 1.5% per month.",
    "termination.md": "12.1 Either party may terminate this Agreement for convenience by giving "
    "the other party not less than thirty (30) days' prior written notice.",
    "law.md": "18.1 This Agreement is governed by the laws of England and Wales.",
    "liability.md": "9.2 The Supplier's total liability shall not exceed the fees paid in the "
    "twelve (12) months preceding the claim.",
}


class InMemoryBM25:
    """A Searcher over a few chunks: BM25 ranks them; ``similarity`` is the cosine of the two
    word-count vectors, the [-1, 1] scale the chain's "I don't know" rule reads."""

    def __init__(self, documents: dict[str, str]) -> None:
        self.chunks = [Chunk(text, source) for source, text in documents.items()]
        self.bm25 = BM25([tokenize(chunk.text) for chunk in self.chunks])

    @staticmethod
    def cosine(a: str, b: str) -> float:
        x, y = Counter(tokenize(a)), Counter(tokenize(b))
        dot = sum(x[word] * y[word] for word in x)
        norm = math.sqrt(sum(v * v for v in x.values()) * sum(v * v for v in y.values()))
        return dot / norm if norm else 0.0

    def search(self, query: str, k: int = 3, where: object = None) -> list[Hit]:
        ranked = self.bm25.top_k(tokenize(query), k)
        return [
            Hit(self.chunks[i], score, self.cosine(query, self.chunks[i].text))
            for i, score in ranked
        ]


def reads_its_sources(messages: list[Message]) -> str:
    """Answers from the source that states a notice period, citing that source's number."""
    prompt = messages[-1]["content"]
    for number, text in re.findall(r"\[(\d+)\] \S+\n(.+)", prompt):
        if "written notice" in text:
            return f"Either party may terminate for convenience on thirty (30) days' prior written notice [{number}]."
    return "The sources do not say."


QUESTION = "How much written notice does termination for convenience need?"
CONFIG = RagConfig(k=3, max_new_tokens=64, refusal="thresholds", min_similarity=0.2)
"""Word-count cosines run lower than MiniLM's (0.27 here for the right clause, 0 for an unrelated
question), so the "I don't know" threshold is set for this searcher's scale."""


@pytest.fixture
def searcher() -> InMemoryBM25:
    return InMemoryBM25(CLAUSES)


def test_the_answer_cites_the_clause_and_states_the_notice_period(searcher) -> None:
    result = answer(QUESTION, searcher, ScriptedChatModel([reads_its_sources]), CONFIG)
    assert result.answered
    assert_cites(result.text, "termination.md", sources=result.citations())
    assert_contains_facts(result.text, ["30 days", "written notice", ("convenience", "any reason")])
    assert_excludes(result.text, ["60 days", "England"])  # other clauses' facts must not leak in
    assert_within_tokens(result.text, CONFIG.max_new_tokens)


def test_the_same_answer_whatever_the_seed(searcher) -> None:
    def ask(seed: int) -> str:
        model = ScriptedChatModel([reads_its_sources])
        return answer(QUESTION, searcher, model, CONFIG).text

    answers = assert_stable(ask, seeds=[0, 1, 2])
    assert_stable(ask, seeds=[0, 1], facts=["thirty (30) days"])
    assert len(set(answers)) == 1


def test_an_unanswerable_question_gets_i_dont_know_and_no_citation(searcher) -> None:
    model = ScriptedChatModel([])  # the chain must refuse before it asks the model
    result = answer("What colour is the sky over Jupiter's moons?", searcher, model, CONFIG)
    assert result.text == I_DONT_KNOW
    assert_contains_facts(result.text, ["I don't know"])
    with pytest.raises(AssertionError, match="does not cite"):
        assert_cites(result.text, 1)


def test_a_structured_reply_matches_its_schema() -> None:
    schema = {
        "type": "object",
        "properties": {"notice_days": {"type": "integer"}, "source": {"type": "integer"}},
        "required": ["notice_days", "source"],
    }
    model = ScriptedChatModel(['{"notice_days": 30, "source": 1}'])
    value = ask_structured(model, [{"role": "user", "content": QUESTION}], schema)
    assert assert_valid_json('{"notice_days": 30, "source": 1}', schema) == value
    with pytest.raises(AssertionError, match="'thirty' is not of type 'integer'"):
        assert_valid_json('{"notice_days": "thirty", "source": 1}', schema)

"""Grading answers, not only chunks: does the answer cite a right source, and do the sources it
cites actually say what it says?

Retrieval can put the right section in the prompt and the model can still answer from memory,
cite the wrong number, or not cite at all. Two checks per answer:

- **cites a correct source**: at least one ``[n]`` in the answer points at a chunk from one of the
  question's golden sources (plain string work, no model);
- **supported**: a judge model reads the question, the answer and only the chunks the answer
  cites, and says whether those chunks contain the answer. Any ``ChatModel`` that supports
  ``response_format`` can judge: the local model for real, a scripted one in tests.

An answer that cites nothing is neither. "I don't know" is counted apart: a refusal.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pydantic

from m4_genai.golden.sets import GoldenQuestion
from m4_genai.llm.base import ChatModel
from m4_genai.llm.structured import ask_structured
from m4_genai.rag import I_DONT_KNOW, RagAnswer

CITATION = re.compile(r"\[(\d+)\]")
JUDGE_PROMPT = (
    "You check an answer against its sources. Reply in JSON. Set supported to true only if the "
    "sources state the facts the answer gives in reply to the question; set it to false if the "
    "answer says something the sources do not say, or does not answer the question."
)


class Verdict(pydantic.BaseModel):
    """The judge's reply, constrained to this schema."""

    supported: bool


def cited_numbers(text: str) -> list[int]:
    """The distinct source numbers an answer cites, in order of first citation.

    >>> cited_numbers("It is lazy [2]. See also [1] and [2].")
    [2, 1]
    """
    return list(dict.fromkeys(int(n) for n in CITATION.findall(text)))


def is_refusal(text: str) -> bool:
    """Whether an answer is the chain's (or the model's) "I don't know"."""
    return text.strip().lower().startswith(I_DONT_KNOW.lower().rstrip("."))


def judge_supported(judge: ChatModel, question: str, answer: str, sources: list[str]) -> bool:
    """Ask ``judge`` whether ``sources`` (the cited chunks' text) contain ``answer``."""
    numbered = "\n\n".join(f"[{n}] {text}" for n, text in enumerate(sources, start=1))
    messages = [
        {"role": "system", "content": JUDGE_PROMPT},
        {"role": "user", "content": f"Sources:\n{numbered}\n\nQuestion: {question}\n"
                                    f"Answer: {answer}"},
    ]  # fmt: skip
    verdict = ask_structured(judge, messages, Verdict, max_tokens=16, temperature=0.0)
    return bool(verdict.supported)


@dataclass(frozen=True)
class AnswerGrade:
    """How one answer did."""

    id: str
    refused: bool
    cited_sources: tuple[str, ...]
    """Sources of the chunks the answer cites (numbers outside the prompt are ignored)."""
    cites_correct: bool
    supported: bool


def grade_answer(question: GoldenQuestion, result: RagAnswer, judge: ChatModel) -> AnswerGrade:
    """Both checks for one answer; the judge is asked only about answers that cite something."""
    refused = is_refusal(result.text)
    cited = [result.hits[n - 1] for n in cited_numbers(result.text) if 1 <= n <= len(result.hits)]
    sources = tuple(hit.chunk.source for hit in cited)
    supported = (
        bool(cited)
        and not refused
        and judge_supported(
            judge, question.question, result.text, [hit.chunk.text for hit in cited]
        )
    )
    return AnswerGrade(
        id=question.id,
        refused=refused,
        cited_sources=sources,
        cites_correct=any(source in question.sources for source in sources),
        supported=supported,
    )

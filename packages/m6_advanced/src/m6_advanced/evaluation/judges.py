"""Judges for the RAGAS metrics: an LLM asked small structured questions, or an embedding fallback.

``LLMJudge`` is RAGAS proper. Each judgement is one short prompt with a JSON Schema reply
(``m4_genai.llm.ask_structured``), so a small local model answers ``{"supported": true}`` instead
of free text we would have to parse. Any ``ChatModel`` works: the local GGUF, an OpenAI-compatible
server, or a ``ScriptedChatModel`` in tests.

``EmbeddingJudge`` needs no LLM and is labelled "embedding fallback, not RAGAS" wherever its scores
appear. It replaces each judgement by a cosine threshold: claims are sentences, a claim is supported
when some context sentence is close enough, a chunk is relevant when it is close to the reference,
and answer relevancy compares the question with the answer itself (there are no generated
questions); a list of refusal patterns plays the non-committal flag. Cheap, deterministic, and much
cruder: paraphrase scores high whether or not it is true ("Python lists are immutable" sits right
next to "Python lists are mutable").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Literal

import numpy as np
import pydantic

from m4_genai.llm import ChatModel, ask_structured
from m6_advanced.errors import AdvancedError
from m6_advanced.evaluation.metrics import GeneratedQuestions, cosine_rows

LLM_LABEL = "LLM judge (RAGAS definitions)"
EMBEDDING_LABEL = "embedding fallback, not RAGAS"


class Claims(pydantic.BaseModel):
    claims: list[str]


class Support(pydantic.BaseModel):
    supported: bool


class Usefulness(pydantic.BaseModel):
    useful: bool


class QuestionsBack(pydantic.BaseModel):
    questions: list[str]
    noncommittal: bool


CLAIMS_PROMPT = """Break the text below into short, atomic factual claims. Each claim must stand \
on its own: replace pronouns with the names they refer to. A text that states no fact (for example \
"I don't know.") has no claims: reply {{"claims": []}}.

Question: {question}
Text: {text}

Reply with JSON: {{"claims": ["...", "..."]}}"""

SUPPORT_PROMPT = """Context:
{context}

Claim: {claim}

Can the claim be directly inferred from the context above? Use only the context, not what you \
know. Reply with JSON: {{"supported": true}} or {{"supported": false}}."""

USEFUL_PROMPT = """Question: {question}
Reference answer: {reference}
Context: {chunk}

Was this context useful for arriving at the reference answer? Reply with JSON: \
{{"useful": true}} or {{"useful": false}}."""

QUESTIONS_PROMPT = """Answer: {answer}

Write {n} different questions that this answer answers. Also say whether the answer is \
noncommittal: evasive, vague or a refusal such as "I don't know" or "I'm not sure" \
(noncommittal true), or a real answer (noncommittal false).
Reply with JSON: {{"questions": ["...", ...], "noncommittal": false}}"""


class LLMJudge:
    """The RAGAS judge over any ChatModel: one structured prompt per judgement.

    >>> judge = LLMJudge(load_chat_model("local", model="qwen2.5-coder-1.5b"))  # doctest: +SKIP
    """

    label = LLM_LABEL

    def __init__(self, model: ChatModel, max_tokens: int = 256, seed: int = 0) -> None:
        self.model = model
        self.name = f"llm:{getattr(model, 'name', type(model).__name__)}"
        # temperature 0: a judge should give the same verdict twice
        self.opts: dict[str, Any] = {"max_tokens": max_tokens, "temperature": 0.0, "seed": seed}

    def _ask(self, prompt: str, spec: type[pydantic.BaseModel]) -> Any:
        return ask_structured(self.model, [{"role": "user", "content": prompt}], spec, **self.opts)

    def extract_claims(self, question: str, text: str) -> list[str]:
        reply = self._ask(CLAIMS_PROMPT.format(question=question, text=text), Claims)
        return [claim.strip() for claim in reply.claims if claim.strip()]

    def verify_claims(self, claims: Sequence[str], contexts: Sequence[str]) -> list[bool]:
        # One claim per call: a small model judges one claim reliably, a list of them less so.
        context = "\n".join(f"[{rank}] {chunk}" for rank, chunk in enumerate(contexts, start=1))
        return [
            self._ask(SUPPORT_PROMPT.format(context=context, claim=claim), Support).supported
            for claim in claims
        ]

    def chunk_relevant(self, question: str, reference: str, chunk: str) -> bool:
        prompt = USEFUL_PROMPT.format(question=question, reference=reference, chunk=chunk)
        return self._ask(prompt, Usefulness).useful

    def generate_questions(self, answer: str, n: int) -> GeneratedQuestions:
        reply = self._ask(QUESTIONS_PROMPT.format(answer=answer, n=n), QuestionsBack)
        questions = tuple(q.strip() for q in reply.questions if q.strip())[:n]
        return GeneratedQuestions(questions, bool(reply.noncommittal))


REFUSAL_PATTERNS = (
    r"\bi (?:do not|don't|dont) know\b",
    r"\bi(?:'m| am) not sure\b",
    r"\b(?:cannot|can't|can not|unable to) (?:answer|say|tell|determine|find)\b",
    r"\b(?:no|not enough) (?:information|context)\b(?! manager)",  # "no context manager": Python
    r"\bnot (?:mentioned|stated|covered) in the (?:context|sources|documents)\b",
    r"\bit depends\b",
)
"""Phrases that mark an answer as non-committal for the embedding fallback (the LLM judge decides
this itself). Matched case-insensitively anywhere in the answer."""
_REFUSAL = re.compile("|".join(REFUSAL_PATTERNS), re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+")


def is_noncommittal(answer: str) -> bool:
    """Does the answer dodge (``REFUSAL_PATTERNS``)?"""
    return bool(_REFUSAL.search(answer))


def split_sentences(text: str) -> list[str]:
    """Sentences (split after . ! ? ;), stripped, blanks dropped; citation marks kept."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


class EmbeddingJudge:
    """The embedding fallback (not RAGAS): every verdict is a cosine compared with a threshold.

    ``threshold``: a claim is supported when its best cosine with any context sentence reaches it.
    ``chunk_threshold``: a chunk is relevant when its cosine with the reference reaches it
    (default: ``threshold``). The defaults, 0.5 and 0.5, are the most accurate on the dev cases
    with MiniLM (``scripts/bench_ragas_agreement.py``: claim verdicts 84 % on dev, 93 % on test).
    """

    label = EMBEDDING_LABEL

    def __init__(
        self, embedder: Any = None, threshold: float = 0.5, chunk_threshold: float | None = None
    ) -> None:
        if embedder is None:
            from m4_genai.retrieval.embedder import default_embedder

            embedder = default_embedder()
        self.embedder = embedder
        self.threshold = threshold
        self.chunk_threshold = threshold if chunk_threshold is None else chunk_threshold
        self.name = f"embedding:{getattr(embedder, 'name', type(embedder).__name__)}"

    def extract_claims(self, question: str, text: str) -> list[str]:
        """Claims are the sentences; an abstention states no claim."""
        return [] if is_noncommittal(text) else split_sentences(text)

    def best_support(self, claims: Sequence[str], contexts: Sequence[str]) -> np.ndarray:
        """For each claim, its highest cosine with any sentence of any context."""
        sentences = [s for chunk in contexts for s in split_sentences(chunk)]
        if not claims or not sentences:
            return np.zeros(len(claims))
        vectors = self.embedder.embed([*claims, *sentences])
        claim_vectors, sentence_vectors = vectors[: len(claims)], vectors[len(claims) :]
        return np.array([cosine_rows(c, sentence_vectors).max() for c in claim_vectors])

    def verify_claims(self, claims: Sequence[str], contexts: Sequence[str]) -> list[bool]:
        return [bool(s >= self.threshold) for s in self.best_support(claims, contexts)]

    def chunk_relevant(self, question: str, reference: str, chunk: str) -> bool:
        vectors = self.embedder.embed([reference, chunk])
        return bool(cosine_rows(vectors[0], vectors[1:])[0] >= self.chunk_threshold)

    def generate_questions(self, answer: str, n: int) -> GeneratedQuestions:
        """No generation: the answer stands in for its questions (cosine(question, answer))."""
        return GeneratedQuestions((answer,), is_noncommittal(answer))


def make_judge(
    kind: Literal["llm", "embedding"],
    model: ChatModel | None = None,
    embedder: Any = None,
    **options: Any,
) -> LLMJudge | EmbeddingJudge:
    """``make_judge("llm", model=...)`` or ``make_judge("embedding", embedder=...)``."""
    if kind == "llm":
        if model is None:
            raise AdvancedError('make_judge("llm") needs a ChatModel: make_judge("llm", model=...)')
        return LLMJudge(model, **options)
    if kind == "embedding":
        return EmbeddingJudge(embedder, **options)
    raise AdvancedError(f"unknown judge kind {kind!r}; choose 'llm' or 'embedding'")

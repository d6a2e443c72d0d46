"""Retrieval-augmented generation: answer from *your* documents, citing them.

    question → searcher (dense | bm25 | hybrid, see retrieval/search.py) → top-3 chunks
             → prompt with numbered sources [1] [2] [3] → chat model → answer citing [n]

``answer`` needs only a ``Searcher`` (anything with ``search(query, k, where)``) and a
``ChatModel``: the index, the retrieval mode and the backend are chosen by the caller.
Two rules keep it honest:

- **"I don't know" without a call to the model** when retrieval shows the documents cannot
  answer: a score of how close the best chunk is, how many of the question's words no document
  uses and how fully the best keyword match covers the rest (``abstention.py``; fitted on the
  golden set's dev questions by ``golden/calibrate.py``). The model itself is not invited to
  refuse (see ``SYSTEM_PROMPT``).
- **The prompt always fits the model's context** (``fit_sources``): sources are kept in rank order
  while they fit; the first one that does not is cut at a word boundary (marked ``[…]``) if at least
  ``MIN_SOURCE_TOKENS`` remain, and the rest are dropped. The question itself is cut only if it alone
  overflows. Tokens are *estimated* as ``ceil(chars / 3)``, deliberately pessimistic (SmolLM2's BPE
  averages ≈ 4 chars per token on English, fewer on code), so we never overflow.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import ClassVar, Literal

from m4_genai.abstention import AnswerabilityScore, Rule, gather_evidence
from m4_genai.llm.base import ChatModel, ChatResult, Message
from m4_genai.retrieval.chunks import Hit
from m4_genai.retrieval.search import Mode, Searcher
from m4_genai.retrieval.vectorstore import Where
from roadmap_data.runkit import Config, require, require_at_least

I_DONT_KNOW = "I don't know."
MIN_SOURCE_TOKENS = 50
SYSTEM_PROMPT = (
    "Answer the question using the numbered sources below. Cite the sources you use as "
    "[1], [2], ... after the sentence they support."
)
"""No "if the sources do not say, reply I don't know" here, on purpose: told that, the local
1.5B model refused 3 of 4 dev questions whose answer was in its sources (and cited less). The
chain refuses *before* the model instead, from retrieval's evidence (``abstention.py``)."""


def estimate_tokens(text: str) -> int:
    """Pessimistic token count: one token per 3 characters (real tokenizers average more)."""
    return math.ceil(len(text) / 3)


ANSWERABILITY = (7.0929, -7.7498, 5.5972, -2.9345)
"""The default answerability score (``golden/calibrate.py: fit_answerability`` on the dev split
of the pydoc golden set, ``scripts/bench_rag.py`` prints it): weights of the best cosine, the
unknown-word share and the keyword match, then the bias."""


@dataclass(frozen=True, kw_only=True)
class RagConfig(Config):
    """How the chain retrieves and prompts. Presets: ``RagConfig.preset("tiny"|"cpu"|"full")``."""

    PRESETS: ClassVar = {
        "tiny": {"context_tokens": 1024, "max_new_tokens": 64},
        "cpu": {},
        "full": {"context_tokens": 8192, "max_new_tokens": 400},
    }

    k: int = 3
    """Number of sources put in the prompt."""
    mode: Mode = "hybrid"
    """Retrieval: dense (embeddings), bm25 (keywords) or hybrid (both, fused by RRF)."""
    rerank: bool = False
    """Rerank the first stage's top `candidates` by late interaction (retrieval/rerank.py): +0.4 s, no gain on held-out questions (README)."""
    candidates: int = 5
    """Chunks the reranker reads again (more: better recall, slower)."""
    refusal: Literal["score", "thresholds"] = "score"
    """How to decide "I don't know" before the model (abstention.py): the answerability score, or the two thresholds below (they also decide where the score cannot be computed: a tiny corpus)."""
    answerability: tuple[float, ...] = ANSWERABILITY
    """The score's weights: best cosine, unknown-word share, keyword match, bias (fitted on dev)."""
    min_similarity: float = 0.37
    """Thresholds rule: below this best cosine, answer "I don't know" without asking the model."""
    max_unknown_share: float = 0.30
    """Thresholds rule: answer "I don't know" when this share of the question's words appear in no document (1 = never)."""
    context_tokens: int = 2048
    """The context window we budget for: prompt + answer (SmolLM2 allows 8192; CPU prompt time grows with it)."""
    max_new_tokens: int = 200
    """Room reserved for the answer, in tokens."""
    temperature: float = 0.0
    """0 = greedy decoding: the same question gives the same answer."""

    def refusal_rule(self) -> Rule:
        """The "I don't know" rule this config asks for (``abstention.py``)."""
        score = AnswerabilityScore(*self.answerability) if self.refusal == "score" else None
        return Rule(self.min_similarity, self.max_unknown_share, score)

    def validate(self) -> None:
        require_at_least(1, k=self.k, max_new_tokens=self.max_new_tokens)
        require_at_least(0, temperature=self.temperature)
        require(-1 <= self.min_similarity <= 1, "min_similarity is a cosine: between -1 and 1")
        require(0 < self.max_unknown_share <= 1, "max_unknown_share is a share: in (0, 1]")
        require(len(self.answerability) == 4, "answerability takes 4 numbers: 3 weights and a bias")
        require_at_least(self.k, candidates=self.candidates)
        require(
            self.context_tokens >= self.max_new_tokens + 2 * MIN_SOURCE_TOKENS,
            f"context_tokens ({self.context_tokens}) leaves no room for sources after "
            f"max_new_tokens ({self.max_new_tokens})",
        )


@dataclass
class RagAnswer:
    """The answer, the sources it was given, and where the time went."""

    text: str
    hits: list[Hit]
    messages: list[Message] = field(default_factory=list)
    chat: ChatResult | None = None
    """None when the chain answered "I don't know" without asking the model."""
    retrieval_seconds: float = 0.0
    llm_seconds: float = 0.0
    truncated: bool = False
    refusal: str = ""
    """Why the chain said "I don't know" without asking the model ("" when it asked)."""

    @property
    def answered(self) -> bool:
        return self.chat is not None

    def citations(self) -> list[str]:
        """``[n] path:line`` for every source in the prompt."""
        return [f"[{n}] {hit.chunk.citation}" for n, hit in enumerate(self.hits, start=1)]


def _cut(text: str, tokens: int) -> str:
    """The head of ``text`` within ``tokens`` (estimated), cut at a word boundary, marked [...]."""
    limit = tokens * 3 - 4
    head = text[:limit]
    if " " in head[limit // 2 :]:
        head = head[: head.rfind(" ")]
    return head.rstrip() + " […]"


def format_source(number: int, hit: Hit, text: str | None = None) -> str:
    """``[n] path:line`` then the chunk text (the model cites the number)."""
    return f"[{number}] {hit.chunk.citation}\n{hit.chunk.text if text is None else text}"


def fit_sources(question: str, hits: list[Hit], config: RagConfig) -> tuple[list[str], str, bool]:
    """Numbered source blocks and question that fit the budget (the rule in the module docstring).

    Returns ``(blocks, question, truncated)``.
    """
    budget = config.context_tokens - config.max_new_tokens - estimate_tokens(SYSTEM_PROMPT) - 16
    truncated = False
    if estimate_tokens(question) > budget // 2:  # a giant "question": keep its head
        question, truncated = _cut(question, budget // 2), True
    budget -= estimate_tokens(question)
    blocks: list[str] = []
    for number, hit in enumerate(hits, start=1):
        block = format_source(number, hit)
        cost = estimate_tokens(block) + 1
        if cost <= budget:
            blocks.append(block)
            budget -= cost
            continue
        truncated = True
        header = estimate_tokens(format_source(number, hit, "")) + 1
        if budget - header >= MIN_SOURCE_TOKENS:
            blocks.append(format_source(number, hit, _cut(hit.chunk.text, budget - header)))
        break
    return blocks, question, truncated


def build_messages(question: str, hits: list[Hit], config: RagConfig) -> tuple[list[Message], bool]:
    """System rules + one user turn with the numbered sources and the question."""
    blocks, question, truncated = fit_sources(question, hits, config)
    user = "Sources:\n\n" + "\n\n".join(blocks) + f"\n\nQuestion: {question}\nAnswer:"
    return [
        {"role": "system", "content": SYSTEM_PROMPT},
        {"role": "user", "content": user},
    ], truncated


def answer(
    question: str,
    searcher: Searcher,
    model: ChatModel,
    config: RagConfig | None = None,
    where: Where | None = None,
) -> RagAnswer:
    """Run the whole chain for one question (``where`` restricts the sources, e.g. to one file)."""
    config = config or RagConfig()
    start = time.perf_counter()
    hits = searcher.search(question, k=config.k, where=where)
    retrieval_seconds = time.perf_counter() - start
    evidence = gather_evidence(question, hits, searcher)
    refusal = config.refusal_rule().reason(evidence)
    if refusal:
        return RagAnswer(I_DONT_KNOW, hits, retrieval_seconds=retrieval_seconds, refusal=refusal)
    messages, truncated = build_messages(question, hits, config)
    start = time.perf_counter()
    chat = model.chat(messages, max_tokens=config.max_new_tokens, temperature=config.temperature)
    llm_seconds = time.perf_counter() - start
    return RagAnswer(
        chat.text.strip(), hits, messages, chat, retrieval_seconds, llm_seconds, truncated
    )

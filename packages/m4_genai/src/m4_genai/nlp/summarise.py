"""Summarisation two ways: *extract* the most central sentences, or ask a model to *write* one.

    text ──prose_sentences──▶ sentences ──embed──▶ cosine graph ──PageRank──▶ top k, in order
         └──────────────────────────────────────▶ chat model ("summarise in n sentences")

**Extractive, TextRank** (Mihalcea & Tarau, 2004). Each sentence is a node; two sentences are
joined by an edge weighted by how similar they are (here: the cosine of their MiniLM embeddings,
negatives cut to 0). PageRank then scores a sentence highly when it is similar to many sentences
that are themselves central: the sentences that say what the whole text is about. We keep the
``k`` best, in the order the text gives them, so the summary still reads in sequence. PageRank is
written out below as power iteration, in NumPy, and a test checks it against networkx.

**Lead-k**, the first ``k`` sentences, is the baseline every summariser must beat: writers put
the point first, so on news it is famously hard to beat (and documentation opens with a
definition too).

**Abstractive**: a chat model writes new sentences (``abstractive``). It can merge and shorten
where extraction can only copy, but it can also invent: ROUGE scores word overlap with a
reference, not truth, so read what it wrote as well as its score.

**ROUGE** (``rouge``): ROUGE-1/2 count unigrams/bigrams shared with the reference, ROUGE-L the
longest common subsequence; we report F1 (precision and recall of those overlaps, balanced),
with Porter stemming so "raises" matches "raise".
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from functools import cache
from typing import Any

import numpy as np

from m4_genai.errors import GenAIError
from m4_genai.llm.base import ChatModel, Message
from m4_genai.retrieval.embedder import Embedder, default_embedder

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
_SENTENCE_BREAK = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][)\"”]))\s+(?=[A-Z0-9\"“‘(*\[])")
"""A sentence ends at . ! ? (or one closing a bracket or quote) then a space and something that
can start one: a capital, or a quote, as documentation opens sentences with quoted names
('"return" may only occur ...')."""
_LIST_MARKER = re.compile(r"^\s*(?:\d+\.|[*•-])\s+")
_ABBREVIATIONS = ("e.g.", "i.e.", "etc.", "cf.", "vs.", "Mr.", "Dr.", "Fig.", "No.")
SUMMARY_SYSTEM = (
    "You summarise technical documentation for a reader who has not seen it. Write at most "
    "{n} sentences of plain prose (no lists, no code blocks, no title) that say what the text "
    "is about and its most important rules. Use only facts stated in the text."
)


class WordEmbedder:
    """Bag-of-words vectors: each lower-cased word hashed into one of ``dim`` buckets, counts
    damped by ``1 + log``, rows L2-normalised, so a cosine measures shared words.

    This is the similarity of the original TextRank (word overlap) and needs no model, hence no
    torch import (≈ 15 CPU-seconds): the ``--smoke`` runs and fast tests use it; MiniLM
    (``default_embedder``), which also matches "disable" with "turn off", is the default.
    """

    def __init__(self, dim: int = 2048) -> None:
        self.dim = dim
        self.name = f"hashed-words-{dim}"

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9_]+", text.lower()):
                vectors[row, zlib.crc32(word.encode()) % self.dim] += 1.0
        vectors = np.where(vectors > 0, 1.0 + np.log(np.maximum(vectors, 1.0)), 0.0)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return (vectors / np.maximum(norms, 1e-12)).astype(np.float32)


def _is_prose(paragraph: str) -> bool:
    """Running text, not code, grammar, a heading or a reference: it ends like a sentence, and
    an indented block (code, in plain-text documentation) counts only if it is mostly words."""
    first = paragraph.lstrip()
    if "::=" in paragraph or first.startswith((">>>", "...", "[", "**PEP", "-[")):
        return False
    tokens = first.split()
    if len(tokens) < 4 or first.rstrip()[-1:] not in ".!?:)":
        return False
    indented = all(line.startswith("   ") for line in paragraph.splitlines() if line.strip())
    words = sum(token.strip(",.;:()\"'").isalpha() for token in tokens)
    return not indented or words / len(tokens) >= 0.75


def prose_sentences(text: str) -> list[str]:
    """The sentences of the text's prose paragraphs, each on one line.

    Documentation mixes prose with code and grammar blocks; only prose paragraphs (blank-line
    separated, ending like a sentence, see ``_is_prose``) are split, because a summary made of
    code lines reads as nothing. A paragraph's lines are joined, then cut at sentence ends;
    pieces cut after an abbreviation ("e.g.") are glued back, and pieces of under four words
    ("For example:") are dropped.
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n", text):
        paragraph = re.sub(r"(?<=\S)[ \t]*\[\d+\]", "", paragraph)  # footnote marks: "saved. [5]"
        if not _is_prose(paragraph):
            continue
        paragraph = re.sub(r"(\w)-\n\s*(\w)", r"\1-\2", paragraph)  # "re-\nraises": one word
        joined = " ".join(_LIST_MARKER.sub("", paragraph).split())
        for piece in _SENTENCE_BREAK.split(joined):
            if sentences and sentences[-1].endswith(_ABBREVIATIONS) and piece:
                sentences[-1] = f"{sentences[-1]} {piece}"
            elif len(piece.split()) >= 4:  # "For example:" says nothing on its own
                sentences.append(piece)
    return sentences


def pagerank(
    weights: np.ndarray,
    damping: float = 0.85,
    teleport: np.ndarray | None = None,
    tol: float = 1e-10,
    max_iter: int = 500,
) -> np.ndarray:
    """PageRank of a weighted graph by power iteration: ``(n,)`` scores summing to 1.

    ``weights[i, j]`` is the (non-negative) weight of the edge i → j. A random walker at node i
    moves to j with probability ``weights[i, j] / sum_j weights[i, j]`` (a node with no edges
    sends it anywhere), and with probability ``1 - damping`` jumps to a node drawn from
    ``teleport`` (uniform by default; a biased one gives *personalised* PageRank). The scores
    are where the walker spends its time: the fixed point of

        r = (1 - damping) · teleport + damping · Pᵀ r

    found by applying the right-hand side until ``r`` stops moving (it converges because each
    step shrinks the error by ``damping``).
    """
    weights = np.asarray(weights, dtype=np.float64)
    n = weights.shape[0]
    if n == 0:
        return np.zeros(0)
    jump = np.full(n, 1.0 / n) if teleport is None else np.asarray(teleport, np.float64)
    jump = jump / jump.sum()  # (n,): a probability distribution
    out = weights.sum(axis=1, keepdims=True)  # (n, 1): each node's total outgoing weight
    # Row-stochastic transition matrix; a "dangling" node (no edges) links to every node.
    transition = np.where(out > 0, weights / np.where(out > 0, out, 1.0), 1.0 / n)  # (n, n)
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        updated = (1.0 - damping) * jump + damping * transition.T @ rank
        if np.abs(updated - rank).sum() < tol:
            return updated
        rank = updated
    return rank


def similarity_graph(vectors: np.ndarray, min_similarity: float = 0.1) -> np.ndarray:
    """Edge weights between sentences: cosines of unit vectors, without self-loops and without
    the weak edges below ``min_similarity`` (LexRank's threshold, Erkan & Radev, 2004).

    Why drop weak edges: PageRank divides each node's edges by their sum, so an off-topic
    sentence whose only links are faint (cosine 0.05) still passes on its full vote, along them,
    to another off-topic sentence, which then looks central. Without edges, its walker jumps.
    """
    sims = vectors @ vectors.T  # (n, n): dot products of unit vectors are cosines
    np.fill_diagonal(sims, 0.0)  # a sentence does not vote for itself
    return np.where(sims >= min_similarity, sims, 0.0)


def position_prior(n: int, strength: float) -> np.ndarray:
    """Teleport weights ``1 / (i + 1) ** strength`` for sentence i: 0 = uniform (plain
    TextRank); 1 = PositionRank's prior (Florescu & Caragea, 2017), earlier sentences favoured."""
    return 1.0 / np.arange(1, n + 1, dtype=np.float64) ** strength


def textrank_scores(
    sentences: Sequence[str],
    embedder: Embedder | None = None,
    damping: float = 0.85,
    position: float = 0.0,
    min_similarity: float = 0.1,
) -> np.ndarray:
    """``(n,)`` TextRank centrality of each sentence (embedded by MiniLM unless told otherwise).

    ``position`` > 0 biases the random jumps towards the start of the text (``position_prior``):
    documentation, like news, states its point first, and plain centrality cannot know that.
    """
    if not sentences:
        return np.zeros(0)
    vectors = (embedder or default_embedder()).embed(list(sentences))  # (n, 384), unit rows
    prior = position_prior(len(sentences), position)
    return pagerank(similarity_graph(vectors, min_similarity), damping, prior)


def top_sentences(sentences: Sequence[str], scores: np.ndarray, k: int) -> list[str]:
    """The ``k`` best-scored sentences, in the order the text gives them (ties: earlier first)."""
    best = np.argsort(-np.asarray(scores), kind="stable")[:k]
    return [sentences[i] for i in sorted(best)]


def textrank(
    sentences: Sequence[str],
    k: int,
    embedder: Embedder | None = None,
    damping: float = 0.85,
    position: float = 0.0,
) -> list[str]:
    """The ``k`` most central sentences, in the order the text gives them."""
    return top_sentences(sentences, textrank_scores(sentences, embedder, damping, position), k)


def lead(sentences: Sequence[str], k: int) -> list[str]:
    """The baseline: the first ``k`` sentences."""
    return list(sentences[:k])


def summary_messages(text: str, sentences: int = 3, max_chars: int = 6000) -> list[Message]:
    """The prompt of the abstractive summary: rules in the system turn, the text in the user's.

    The text is cut at ``max_chars`` (≈ 1,500 tokens) at a paragraph end: a small model's
    attention is spread thin over long inputs, and CPU prompt time grows with them.
    """
    if len(text) > max_chars:
        cut = text.rfind("\n\n", 0, max_chars)
        text = text[: cut if cut > max_chars // 2 else max_chars]
    return [
        {"role": "system", "content": SUMMARY_SYSTEM.format(n=sentences)},
        {"role": "user", "content": f"Text:\n{text.strip()}\n\nSummary:"},
    ]


def clean_summary(reply: str) -> str:
    """The model's reply as one paragraph: no "Summary:" label, list bullets or extra lines."""
    label = r"^\s*[*#_]*\s*summary\s*[*_]*\s*:\s*[*_]*\s*"  # "Summary:", "**Summary:**"
    reply = re.sub(label, "", reply.strip(), flags=re.IGNORECASE)
    lines = [re.sub(r"^\s*(?:[-*•]|\d+\.)\s+", "", line) for line in reply.splitlines()]
    return " ".join(line.strip() for line in lines if line.strip())


def abstractive(
    text: str, model: ChatModel, sentences: int = 3, max_tokens: int = 160, **opts: Any
) -> str:
    """A summary written by ``model`` (greedy: the same text gives the same summary)."""
    reply = model.chat(
        summary_messages(text, sentences), max_tokens=max_tokens, temperature=0.0, **opts
    )
    summary = clean_summary(reply.text)
    if not summary:
        raise GenAIError(f"the model {model.name!r} returned an empty summary")
    return summary


@cache
def _scorer() -> Any:
    from rouge_score import rouge_scorer  # imported on first use: it pulls in nltk

    return rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=True)


def rouge(prediction: str, reference: str) -> dict[str, float]:
    """ROUGE-1, ROUGE-2 and ROUGE-L F1 of ``prediction`` against ``reference`` (each in [0, 1])."""
    scores = _scorer().score(reference, prediction)  # rouge-score takes (target, prediction)
    return {name: float(scores[name].fmeasure) for name in ROUGE_TYPES}

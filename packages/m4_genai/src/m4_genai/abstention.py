"""When to answer "I don't know" without asking the model, and why.

Two pieces of evidence, both free once the chunks are retrieved:

- **best cosine**: how close the best chunk comes to the question. Far-off questions (bread,
  football) score low on any programming corpus.
- **unknown words**: the share of the question's content words that *no* indexed chunk contains.
  A near-topic question ("how do Kotlin coroutines suspend?", "docker volumes vs bind mounts?")
  still finds a chunk about coroutines or files with a fair cosine, because embeddings match
  the topic, not the facts; but the words that make it a different question ("kotlin",
  "docker") appear nowhere in the documents, and a corpus cannot answer what it never names.

A question is refused if either test fails. Both thresholds are chosen on the golden set's *dev*
questions and reported on its *test* questions (``golden/calibrate.py``, ``scripts/bench_rag.py``).
What neither test catches, a question that uses the corpus's own words to ask what it does not
say ("who proposed the walrus operator?"), reaches the model, which is not invited to refuse
(``rag.SYSTEM_PROMPT`` says why): the README measures how often that happens.

Words inside backticks are left out of the second test: they are usually the asker's own names
(`key_fn`, `Basket`, `widget`), which say nothing about what the documents cover.

The second test needs a vocabulary to judge by: in a handful of pages, "write" or "small" may
simply never occur. Below ``MIN_VOCABULARY`` distinct words (Python's reference has ≈ 2,800) no
word counts as unknown and the cosine decides alone; ``max_unknown_share`` = 1 turns the test off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from m4_genai.retrieval.bm25 import tokenize
from m4_genai.retrieval.chunks import Hit
from m4_genai.retrieval.search import KnowsVocabulary, Searcher

CODE_SPAN = re.compile(r"`[^`]*`")
MIN_VOCABULARY = 1000
"""Distinct indexed words below which absent words are not evidence (see the module docstring)."""


@dataclass(frozen=True)
class Evidence:
    """What retrieval says about whether the documents can answer a question."""

    best_similarity: float
    """Cosine of the best retrieved chunk (−1 when nothing was retrieved)."""
    unknown: tuple[str, ...]
    """Content words (stemmed) of the question that no indexed chunk contains."""
    words: int
    """Distinct content words in the question."""

    @property
    def unknown_share(self) -> float:
        return len(self.unknown) / self.words if self.words else 0.0


def gather_evidence(question: str, hits: list[Hit], searcher: Searcher) -> Evidence:
    """Evidence for ``question`` from its retrieved ``hits``. Words in backticks are not judged;
    none is unknown for a searcher without a keyword index or with < ``MIN_VOCABULARY`` words."""
    prose = CODE_SPAN.sub(" ", question)
    unknown: tuple[str, ...] = ()
    if isinstance(searcher, KnowsVocabulary) and searcher.vocabulary_size() >= MIN_VOCABULARY:
        unknown = tuple(searcher.unknown_words(prose))
    return Evidence(
        best_similarity=max((hit.similarity for hit in hits), default=-1.0),
        unknown=unknown,
        words=len(set(tokenize(prose))),
    )


def refusal_reason(evidence: Evidence, min_similarity: float, max_unknown_share: float) -> str:
    """Why to answer "I don't know" without the model, or "" to ask the model
    (``max_unknown_share`` = 1 turns the unknown-word test off).

    >>> refusal_reason(Evidence(0.55, ("docker", "volum"), 3), 0.30, 0.25)
    '2 of 3 words appear in no document (docker, volum)'
    >>> refusal_reason(Evidence(0.55, (), 3), 0.30, 0.25)
    ''
    """
    if evidence.best_similarity < min_similarity:
        return f"no source is close enough (best cosine {evidence.best_similarity:.2f})"
    if max_unknown_share < 1 and evidence.words and evidence.unknown_share >= max_unknown_share:
        return (
            f"{len(evidence.unknown)} of {evidence.words} words appear in no document "
            f"({', '.join(evidence.unknown)})"
        )
    return ""

"""When to answer "I don't know" without asking the model, and why.

Three pieces of evidence, all nearly free once the chunks are retrieved:

- **best cosine**: how close the best chunk comes to the question. Far-off questions (bread,
  football) score low on any programming corpus.
- **unknown words**: the share of the question's content words that *no* indexed chunk contains.
  A near-topic question ("how do Kotlin coroutines suspend?", "docker volumes vs bind mounts?")
  still finds a chunk about coroutines or files with a fair cosine, because embeddings match
  the topic, not the facts; but the words that make it a different question ("kotlin",
  "docker") appear nowhere in the documents, and a corpus cannot answer what it never names.
- **keyword match**: how fully the best BM25 chunk matches the question's words that the
  documents do use, from 0 to 1 (``KeywordIndex.keyword_match``). A question the corpus answers
  usually has one chunk that uses its rare words, often several times; a near-topic one shares
  only common words ("value", "function") with every chunk.

Each piece alone lets near-topic questions through (a fair cosine, no unknown word), so the
default rule weighs all three: a logistic **answerability score**
``w · (cosine, unknown share, keyword match) + bias``, and a question is refused when it is
below 0. The weights are fitted on the golden set's *dev* questions, answerable against
unanswerable, and the bias set so that ≥ 97 % of the answerable dev questions pass
(``golden/calibrate.py: fit_answerability``); the test questions report it
(``scripts/bench_rag.py``). The older rule, two thresholds (refuse when the cosine is below
``min_similarity`` or ≥ ``max_unknown_share`` of the words are unknown), stays available
(``RagConfig.refusal = "thresholds"``) and decides whenever the score cannot be computed.
What no evidence here catches, a question that uses the corpus's own words to ask what it does
not say ("who proposed the walrus operator?"), reaches the model, which is not invited to refuse
(``rag.SYSTEM_PROMPT`` says why): the README measures how often that happens.

Words inside backticks are left out of the unknown-word test: they are usually the asker's own
names (`key_fn`, `Basket`, `widget`), which say nothing about what the documents cover. The
keyword match reads the whole question, code included, as the BM25 search does: only words the
documents use count there, and a quoted name the documents do use (`__prepare__`, `nonlocal`)
is strong evidence. The match is over the whole index, whatever filter the search had.

The word tests need a vocabulary to judge by: in a handful of pages, "write" or "small" may
simply never occur. Below ``MIN_VOCABULARY`` distinct words (Python's reference has ≈ 2,800) no
word counts as unknown, there is no keyword match, and the cosine decides alone.
"""

from __future__ import annotations

import math
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
    keyword_match: float | None = None
    """Best BM25 score over the most any chunk could reach, in [0, 1); None without a keyword
    index of ≥ ``MIN_VOCABULARY`` words (then the answerability score is not computed)."""

    @property
    def unknown_share(self) -> float:
        return len(self.unknown) / self.words if self.words else 0.0

    def features(self) -> tuple[float, float, float]:
        """What the answerability score weighs: best cosine, unknown share, keyword match."""
        return (self.best_similarity, self.unknown_share, self.keyword_match or 0.0)


@dataclass(frozen=True)
class AnswerabilityScore:
    """A logistic score of the evidence; below 0 the question is refused.

    ``score = w_cosine · best cosine + w_unknown · unknown share + w_keywords · keyword match
    + bias``; ``probability`` squashes it into (0, 1) for people (0.5 is the bar).

    >>> rule = AnswerabilityScore(cosine=10.0, unknown=-5.0, keywords=2.0, bias=-4.0)
    >>> round(rule.score(Evidence(0.5, ("kotlin", "suspend"), 4, keyword_match=0.2)), 2)
    -1.1
    """

    cosine: float
    unknown: float
    keywords: float
    bias: float

    def score(self, evidence: Evidence) -> float:
        cosine, unknown, match = evidence.features()
        return self.cosine * cosine + self.unknown * unknown + self.keywords * match + self.bias

    @staticmethod
    def probability(score: float) -> float:
        return 1.0 / (1.0 + math.exp(-score))


def gather_evidence(question: str, hits: list[Hit], searcher: Searcher) -> Evidence:
    """Evidence for ``question`` from its retrieved ``hits``. Words in backticks are not judged;
    none is unknown, and there is no keyword match, for a searcher without a keyword index or
    with < ``MIN_VOCABULARY`` words."""
    prose = CODE_SPAN.sub(" ", question)
    unknown: tuple[str, ...] = ()
    match = None
    if isinstance(searcher, KnowsVocabulary) and searcher.vocabulary_size() >= MIN_VOCABULARY:
        unknown = tuple(searcher.unknown_words(prose))
        match = searcher.keyword_match(question)
    return Evidence(
        best_similarity=max((hit.similarity for hit in hits), default=-1.0),
        unknown=unknown,
        words=len(set(tokenize(prose))),
        keyword_match=match,
    )


@dataclass(frozen=True)
class Rule:
    """A refusal rule: the answerability score where given (and computable), else the two
    thresholds. ``RagConfig.refusal_rule()`` builds the configured one."""

    min_similarity: float
    max_unknown_share: float
    answerability: AnswerabilityScore | None = None

    def reason(self, evidence: Evidence) -> str:
        """Why to refuse, or "" to ask the model (``refusal_reason``)."""
        return refusal_reason(
            evidence, self.min_similarity, self.max_unknown_share, self.answerability
        )

    def refuses(self, evidence: Evidence) -> bool:
        return bool(self.reason(evidence))


def refusal_reason(
    evidence: Evidence,
    min_similarity: float,
    max_unknown_share: float,
    answerability: AnswerabilityScore | None = None,
) -> str:
    """Why to answer "I don't know" without the model, or "" to ask the model.

    With an ``answerability`` score and the evidence it needs, the score decides; otherwise the
    two thresholds do (``max_unknown_share`` = 1 turns the unknown-word test off).

    >>> refusal_reason(Evidence(0.55, ("docker", "volum"), 3), 0.30, 0.25)
    '2 of 3 words appear in no document (docker, volum)'
    >>> refusal_reason(Evidence(0.55, (), 3), 0.30, 0.25)
    ''
    """
    if answerability is not None and evidence.keyword_match is not None:
        score = answerability.score(evidence)
        if score >= 0:
            return ""
        unknown = f", unknown: {', '.join(evidence.unknown)}" if evidence.unknown else ""
        return (
            f"the sources do not seem to answer it (answerability "
            f"{answerability.probability(score):.2f} < 0.50 from best cosine "
            f"{evidence.best_similarity:.2f}, {len(evidence.unknown)} of {evidence.words} words in "
            f"no document, keyword match {evidence.keyword_match:.2f}{unknown})"
        )
    if evidence.best_similarity < min_similarity:
        return f"no source is close enough (best cosine {evidence.best_similarity:.2f})"
    if max_unknown_share < 1 and evidence.words and evidence.unknown_share >= max_unknown_share:
        return (
            f"{len(evidence.unknown)} of {evidence.words} words appear in no document "
            f"({', '.join(evidence.unknown)})"
        )
    return ""

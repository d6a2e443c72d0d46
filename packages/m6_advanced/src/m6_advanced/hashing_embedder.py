"""Deterministic hashing embedders, for ``--smoke`` runs and tests only (labelled as such).

The real relevance score uses MiniLM (``m4_genai.retrieval.embedder``), but loading it takes about
13 s in a fresh process on this 2-core machine: too slow for a seconds-long smoke run. This
stand-in maps a text to a bag of words and character 4-grams, each hashed into one of ``dim``
buckets ("the hashing trick"), and L2-normalises the counts. Two texts are then similar exactly
when they share words or word pieces ("congratulate" / "congratulating"): lexical overlap, no
meaning. It follows the same ``Embedder`` protocol, so the stream cannot tell the difference.
``BagOfWordsEmbedder`` is the plainest case (every word, nothing else): its cosines are word
overlaps one can work out by hand, which the metric tests of ``evaluation`` rely on.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Sequence

import numpy as np

from m4_genai.retrieval.embedder import l2_normalise

_STOP_WORD_LIST = (
    "a an and are as at be by for from has have he her him his i in is it its me my of on or "
    "our she so that the their them there they this to was we what when where which who will "
    "with you your"
)
STOP_WORDS = frozenset(_STOP_WORD_LIST.split())
"""Words too common to say anything about relevance (a hashing embedder cannot learn that)."""

_WORD = re.compile(r"[a-z0-9]+")


def features(text: str) -> list[str]:
    """Content words and their character 4-grams: ``"Bugs!"`` → ``["w:bugs", "g:bugs"]``."""
    words = [w for w in _WORD.findall(text.lower()) if w not in STOP_WORDS]
    grams = [f"g:{w[i : i + 4]}" for w in words for i in range(max(len(w) - 3, 1))]
    return [f"w:{w}" for w in words] + grams


def words(text: str) -> list[str]:
    """Every lower-cased word, stop words included: ``"The bug!"`` → ``["w:the", "w:bug"]``."""
    return [f"w:{w}" for w in re.findall(r"\w+", text.lower())]


def bucket(feature: str, dim: int) -> int:
    """A stable bucket for a feature (Python's ``hash`` is salted per process; blake2b is not)."""
    digest = hashlib.blake2b(feature.encode(), digest_size=8).digest()
    return int.from_bytes(digest, "little") % dim


class HashingEmbedder:
    """Bag of hashed words and 4-grams, unit length. Lexical, deterministic, instant: smoke only."""

    name = "hashing-bow (smoke stand-in for MiniLM)"

    def __init__(self, dim: int = 512, featurize: Callable[[str], list[str]] = features) -> None:
        self.dim = dim
        self.featurize = featurize

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """``(len(texts), dim)`` float32 rows of unit length (an empty text: a zero row)."""
        vectors = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for feature in self.featurize(text):
                # Whole words count double: sharing a word means more than sharing a 4-gram.
                vectors[row, bucket(feature, self.dim)] += 2.0 if feature[0] == "w" else 1.0
        return l2_normalise(vectors)


class BagOfWordsEmbedder(HashingEmbedder):
    """Lower-cased word counts hashed into ``dim`` buckets: cosine = word overlap.

    For smoke runs and exact tests, where loading MiniLM would cost seconds and its cosines
    cannot be worked out by hand; never for reported numbers.
    """

    name = "bag-of-words"

    def __init__(self, dim: int = 1024) -> None:
        super().__init__(dim, featurize=words)

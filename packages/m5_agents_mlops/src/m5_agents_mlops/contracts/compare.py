"""Compare two contracts clause by clause: which clauses are the same, changed, added or removed.

Two versions of a contract rarely keep their numbering (insert a clause and every later number
moves), so clauses are aligned by what they are about, not by number:

1. **Similarity** of every left/right pair. Headings are compared as sets of normalised words
   (numbering, case and plural "s" ignored; Jaccard overlap). Texts are compared by the cosine
   of their embeddings when an ``embed`` function is given (any ``list[str] -> (n, d)`` array,
   e.g. month 4's MiniLM), else by the overlap of their content words. Where both clauses
   have headings the score is ``0.6 * heading + 0.4 * text``; otherwise the text alone.
2. **One-to-one assignment**, greedy: take the best-scoring pair above ``threshold``, remove
   both clauses, repeat. (The optimal assignment, scipy's ``linear_sum_assignment``, differs
   only when several clauses are near-ties; greedy is easy to follow and needs only numpy.)
   A tiny penalty on the difference in relative position breaks ties between look-alike
   clauses in favour of the one in the same place.
3. **Rows** in the left document's order: ``same`` when the texts are equal once numbering and
   whitespace are ignored, ``changed`` (with a short word-level ``difflib`` summary) otherwise,
   ``only_left`` for removed clauses; each right-only (added) clause comes right after the row
   of its nearest matched predecessor in the right document.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from m5_agents_mlops.contracts.parsed import ParsedClause

Status = Literal["same", "changed", "only_left", "only_right"]
Embed = Callable[[list[str]], np.ndarray]

THRESHOLD = 0.35
"""Least similarity for two clauses to count as versions of each other."""
HEADING_WEIGHT = 0.6
POSITION_PENALTY = 0.01

_STOPWORDS = frozenset(
    re.findall(
        r"\w+",
        "a an and any are as at be by for from has have in is it its no not of on or shall that "
        "the this to was will with which such each may all other than under upon",
    )
)


@dataclass(frozen=True)
class Row:
    """One line of the comparison; ``similarity`` is 0.0 for a clause without a counterpart."""

    status: Status
    left: ParsedClause | None
    right: ParsedClause | None
    similarity: float
    summary: str = ""
    """For ``changed``: what changed, in a few words (``"90" → "60"; added "in writing"``)."""


_NUMBERING = re.compile(
    r"^\s*(?:#+\s*)?(?:\*+\s*)?(?:(?:clause|section|article)\s+|§\s*)?"
    r"(?:\d+(?:\.\d+)*\.?|[ivxlc]+\.|\([a-z0-9]+\))\s*",
    re.IGNORECASE,
)


_TYPOGRAPHY = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"',
                            "\u2013": "-", "\u2014": "-", "\u00a0": " "})  # fmt: skip
"""Curly quotes, dashes and no-break spaces as plain ones: a PDF and a DOCX of one contract
differ in these alone, and that is not a change."""


def normalise_text(clause: ParsedClause) -> str:
    """The clause's words without its own number or layout: what "same" compares."""
    text = clause.text.strip()
    if clause.number and text.startswith(clause.number):
        text = text[len(clause.number) :].lstrip(". ")
    text = _NUMBERING.sub("", text, count=1).translate(_TYPOGRAPHY)
    return re.sub(r"\s+", " ", text).strip()


def heading_tokens(heading: str | None) -> frozenset[str]:
    """``"4.2 Fees and Payments"`` → ``{"fee", "payment"}``."""
    words = re.findall(r"[a-z]+", (heading or "").lower())
    return frozenset(w.rstrip("s") if len(w) > 3 else w for w in words if w not in _STOPWORDS)


def _content_words(text: str) -> frozenset[str]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return frozenset(w for w in words if w not in _STOPWORDS and len(w) > 1)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a | b else 1.0


def _text_similarity(left: list[str], right: list[str], embed: Embed | None) -> np.ndarray:
    """(n_left, n_right) text similarities in [0, 1]."""
    if embed is None:
        lw, rw = [_content_words(t) for t in left], [_content_words(t) for t in right]
        return np.array([[_jaccard(a, b) for b in rw] for a in lw]).reshape(len(left), len(right))
    vectors = np.asarray(embed(left + right), dtype=np.float64)  # (n_left + n_right, d)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    cosine = vectors[: len(left)] @ vectors[len(left) :].T  # (n_left, n_right)
    return np.clip(cosine, 0.0, 1.0)


def similarity_matrix(
    left: Sequence[ParsedClause], right: Sequence[ParsedClause], embed: Embed | None = None
) -> np.ndarray:
    """(n_left, n_right) similarities of every pair, in [0, 1]; see the module's docstring."""
    texts = _text_similarity(
        [normalise_text(c) for c in left], [normalise_text(c) for c in right], embed
    )
    scores = texts.copy()
    for i, lc in enumerate(left):
        lh = heading_tokens(lc.heading)
        for j, rc in enumerate(right):
            rh = heading_tokens(rc.heading)
            if lh and rh:
                scores[i, j] = (
                    HEADING_WEIGHT * _jaccard(lh, rh) + (1 - HEADING_WEIGHT) * texts[i, j]
                )
    return scores


def align(scores: np.ndarray, threshold: float = THRESHOLD) -> dict[int, int]:
    """Greedy one-to-one assignment ``{left index: right index}`` of pairs above ``threshold``."""
    n_left, n_right = scores.shape
    if not n_left or not n_right:
        return {}
    rel_left = np.arange(n_left)[:, None] / max(n_left - 1, 1)
    rel_right = np.arange(n_right)[None, :] / max(n_right - 1, 1)
    ranked = scores - POSITION_PENALTY * np.abs(rel_left - rel_right)  # (n_left, n_right)
    pairs: dict[int, int] = {}
    used_right: set[int] = set()
    for flat in np.argsort(-ranked, axis=None, kind="stable"):
        i, j = divmod(int(flat), n_right)
        if scores[i, j] < threshold:
            break  # ranked descending: nothing later clears the threshold either
        if i not in pairs and j not in used_right:
            pairs[i] = j
            used_right.add(j)
    return pairs


def diff_summary(left: str, right: str, limit: int = 160) -> str:
    """A few words on what changed, from a word-level ``difflib`` comparison."""
    a, b = left.split(), right.split()
    parts = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        old, new = " ".join(a[i1:i2]), " ".join(b[j1:j2])
        if op == "replace":
            parts.append(f'"{old}" → "{new}"')
        elif op == "delete":
            parts.append(f'removed "{old}"')
        elif op == "insert":
            parts.append(f'added "{new}"')
    summary = "; ".join(parts)
    return summary if len(summary) <= limit else summary[: limit - 1] + "…"


def compare_contracts(
    left: list[ParsedClause],
    right: list[ParsedClause],
    embed: Embed | None = None,
    threshold: float = THRESHOLD,
) -> list[Row]:
    """Clause-by-clause comparison of two contracts; see the module's docstring."""
    scores = similarity_matrix(left, right, embed)
    pairs = align(scores, threshold)
    matched_right = {j: i for i, j in pairs.items()}
    # Right-only clauses go after the row of the nearest earlier matched right clause.
    after: dict[int, list[int]] = {}
    anchor = -1  # -1: before the first left row
    for j in range(len(right)):
        if j in matched_right:
            anchor = matched_right[j]
        else:
            after.setdefault(anchor, []).append(j)

    def added(anchor: int) -> list[Row]:
        return [Row("only_right", None, right[j], 0.0) for j in after.get(anchor, [])]

    rows = added(-1)
    for i, clause in enumerate(left):
        if i in pairs:
            other = right[pairs[i]]
            a, b = normalise_text(clause), normalise_text(other)
            similarity = float(round(scores[i, pairs[i]], 4))
            if a == b:
                rows.append(Row("same", clause, other, similarity))
            else:
                rows.append(Row("changed", clause, other, similarity, diff_summary(a, b)))
        else:
            rows.append(Row("only_left", clause, None, 0.0))
        rows.extend(added(i))
    return rows

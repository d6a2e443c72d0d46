"""Golden questions: each with the sources that answer it (none for the off-topic ones).

Files (JSON Lines, one question per line):

- ``pydoc_topics.jsonl``: hand-written, paraphrased questions over Python's language reference
  as shipped offline in ``pydoc_data.topics`` (79 sections). ``topic`` is the section written by
  hand; ``sources`` (derived by ``python -m m4_genai.golden.build``) adds every section that
  contains that section's text verbatim (``for`` is repeated inside ``compound``, ...), since
  retrieving either one retrieves the answer.
- ``repo_code.jsonl``: questions about this repository's code for ``ask-repo``; sources are paths.
- ``unanswerable.jsonl``: questions the Python reference does not answer, to calibrate "I don't
  know". ``kind`` says how close they come: ``near`` (programming, but other languages, tools,
  libraries or algorithms), ``adversarial`` (the corpus's rare words, asking what it does not say)
  or ``far`` (bread, football).

**Every question belongs to one split, fixed in the file.** ``dev`` questions are for tuning
(retrieval settings, fusion, the abstention rule) and for reading misses; ``test`` questions only
report, and were written apart from the tuning: a setting chosen on the questions that score it
looks better than it is. The test questions were written in one round by someone who tuned
nothing: all of ``pydoc-t*``, and a seeded draw (stratified by ``kind``) of ``repo-t*`` and
``none-n*``, whose rest joined dev. A second round written the same way (``pydoc-f*``,
``none-f*``) joined dev after the first test results had been read, so that the abstention rule
is chosen on questions that look like the users' (their own code in backticks, informal words).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

FILES = ("pydoc_topics", "repo_code", "unanswerable")
SPLITS = ("dev", "test")


@dataclass(frozen=True)
class GoldenQuestion:
    id: str
    question: str
    sources: tuple[str, ...] = ()
    """Acceptable sources (file names relative to the indexed folder); empty = unanswerable."""
    topic: str = ""
    also: tuple[str, ...] = field(default=())
    split: str = "dev"
    """``dev`` (tune on it) or ``test`` (report on it)."""
    kind: str = ""
    """For unanswerable questions: ``near``, ``adversarial`` or ``far``."""


def golden_path(name: str) -> Path:
    """Path of a golden file shipped in this package."""
    if name not in FILES:
        raise ValueError(f"unknown golden set {name!r}; choose from {FILES}")
    return Path(str(resources.files("m4_genai.golden").joinpath(f"{name}.jsonl")))


def load_golden(name: str = "pydoc_topics", split: str | None = None) -> list[GoldenQuestion]:
    """Read one golden file into ``GoldenQuestion``s: all of them, or one ``split``."""
    if split is not None and split not in SPLITS:
        raise ValueError(f"unknown split {split!r}; choose from {SPLITS}")
    questions = []
    for line in golden_path(name).read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        row = json.loads(line)
        questions.append(
            GoldenQuestion(
                id=row["id"],
                question=row["question"],
                sources=tuple(row.get("sources", ())),
                topic=row.get("topic", ""),
                also=tuple(row.get("also", ())),
                split=row["split"],
                kind=row.get("kind", ""),
            )
        )
    return [q for q in questions if split is None or q.split == split]

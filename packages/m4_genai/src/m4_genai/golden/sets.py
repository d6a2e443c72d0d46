"""Golden questions: each with the sources that answer it (none for the off-topic ones).

Files (JSON Lines, one question per line):

- ``pydoc_topics.jsonl``: 81 hand-written, paraphrased questions over Python's language reference
  as shipped offline in ``pydoc_data.topics`` (79 sections). ``topic`` is the section written by
  hand; ``sources`` (derived by ``python -m m4_genai.golden.build``) adds every section that
  contains that section's text verbatim (``for`` is repeated inside ``compound``, ...), since
  retrieving either one retrieves the answer.
- ``repo_code.jsonl``: questions about this repository's code for ``ask-repo``; sources are paths.
- ``unanswerable.jsonl``: off-topic questions, to calibrate the "I don't know" threshold.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

FILES = ("pydoc_topics", "repo_code", "unanswerable")


@dataclass(frozen=True)
class GoldenQuestion:
    id: str
    question: str
    sources: tuple[str, ...] = ()
    """Acceptable sources (file names relative to the indexed folder); empty = unanswerable."""
    topic: str = ""
    also: tuple[str, ...] = field(default=())


def golden_path(name: str) -> Path:
    """Path of a golden file shipped in this package."""
    if name not in FILES:
        raise ValueError(f"unknown golden set {name!r}; choose from {FILES}")
    return Path(str(resources.files("m4_genai.golden").joinpath(f"{name}.jsonl")))


def load_golden(name: str = "pydoc_topics") -> list[GoldenQuestion]:
    """Read one golden file into ``GoldenQuestion``s."""
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
            )
        )
    return questions

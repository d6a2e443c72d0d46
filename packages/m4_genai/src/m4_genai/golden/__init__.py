"""The golden set: questions with the source that answers them, to *measure* retrieval.

Files (JSON Lines, one question per line):

- ``pydoc_topics.jsonl``: 81 hand-written, paraphrased questions over Python's language reference
  as shipped offline in ``pydoc_data.topics`` (79 sections). ``topic`` is the section written by
  hand; ``sources`` (derived by ``python -m m4_genai.golden.build``) adds every section that
  contains that section's text verbatim (``for`` is repeated inside ``compound``, ...), since
  retrieving either one retrieves the answer.
- ``repo_code.jsonl``: questions about this repository's code for ``ask-repo``; sources are paths.
- ``unanswerable.jsonl``: off-topic questions, to calibrate the "I don't know" threshold.

Metrics: **hit@k** = share of questions with a correct source among the top k chunks;
**MRR** = mean of 1 / (rank of the first correct chunk), 0 when none is in the top 10.
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
    return Path(str(resources.files(__package__).joinpath(f"{name}.jsonl")))


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


def pydoc_topics() -> dict[str, str]:
    """Python's reference sections shipped with the interpreter: ``{topic: text}``."""
    from pydoc_data.topics import topics

    return dict(topics)


def topic_file(topic: str) -> str:
    """The corpus file name of a topic (``for`` → ``for.txt``)."""
    return f"{topic}.txt"


def write_pydoc_corpus(folder: Path, topics: list[str] | None = None) -> list[Path]:
    """Write each reference section as ``<topic>.txt`` in ``folder`` (all of them by default)."""
    texts = pydoc_topics()
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for topic in topics or sorted(texts):
        path = folder / topic_file(topic)
        path.write_text(texts[topic], encoding="utf-8")
        written.append(path)
    return written


def containing_topics(topic: str, texts: dict[str, str] | None = None) -> list[str]:
    """Sections that repeat more than half of ``topic``'s paragraphs verbatim (e.g. for → compound)."""
    texts = texts or pydoc_topics()
    paragraphs = [p.strip() for p in texts[topic].split("\n\n")[1:] if len(p.strip()) > 80]
    if not paragraphs:
        return []
    return sorted(
        other
        for other, text in texts.items()
        if other != topic and sum(p in text for p in paragraphs) / len(paragraphs) > 0.5
    )


@dataclass
class RetrievalScores:
    """hit@1, hit@3, MRR@10 over a golden set, and the rank of each question's first hit."""

    hit_at_1: float
    hit_at_3: float
    mrr: float
    ranks: dict[str, int | None]


def score_rankings(
    questions: list[GoldenQuestion], rankings: dict[str, list[str]]
) -> RetrievalScores:
    """Score ranked source lists (``question id → sources of the retrieved chunks, best first``)."""
    ranks: dict[str, int | None] = {}
    for q in questions:
        retrieved = rankings[q.id][:10]
        ranks[q.id] = next((i + 1 for i, s in enumerate(retrieved) if s in q.sources), None)
    n = max(len(questions), 1)
    return RetrievalScores(
        hit_at_1=sum(r == 1 for r in ranks.values()) / n,
        hit_at_3=sum(r is not None and r <= 3 for r in ranks.values()) / n,
        mrr=sum(1 / r for r in ranks.values() if r) / n,
        ranks=ranks,
    )

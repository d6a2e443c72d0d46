"""The offline corpus of the golden questions: Python's language reference, one file per section.

Every CPython ships its reference manual's sections as ``pydoc_data.topics`` (what ``help("for")``
prints): 79 real, well-written documents, the same on every machine with the same Python minor
version, and no download.
"""

from __future__ import annotations

from pathlib import Path


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

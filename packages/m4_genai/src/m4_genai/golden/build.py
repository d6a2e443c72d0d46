"""Regenerate the golden set's derived parts.

    uv run python -m m4_genai.golden.build                 # refresh ``sources`` in pydoc_topics.jsonl
    uv run python -m m4_genai.golden.build --corpus DIR    # also write the corpus as DIR/<topic>.txt

The hand-written parts (``question``, ``topic``, ``also``) are kept; ``sources`` is recomputed as
``[topic, *also, *containing_topics(topic)]``. Run it after editing questions or changing Python's
minor version (the reference text moves a little between versions).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from m4_genai.golden import (
    containing_topics,
    golden_path,
    pydoc_topics,
    topic_file,
    write_pydoc_corpus,
)


def rebuild_sources(path: Path | None = None) -> int:
    """Rewrite ``sources`` of every pydoc question; returns how many questions were written."""
    path = path or golden_path("pydoc_topics")
    texts = pydoc_topics()
    rows = [
        json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()
    ]
    for row in rows:
        if row["topic"] not in texts:
            raise SystemExit(f"{path}: {row['id']} names unknown topic {row['topic']!r}")
        topics = [row["topic"], *row.get("also", []), *containing_topics(row["topic"], texts)]
        row["sources"] = [topic_file(t) for t in dict.fromkeys(topics)]
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return len(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, help="also write the corpus files into this folder")
    args = parser.parse_args(argv)
    print(f"{rebuild_sources()} questions written to {golden_path('pydoc_topics')}")
    if args.corpus:
        print(f"{len(write_pydoc_corpus(args.corpus))} topic files written to {args.corpus}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

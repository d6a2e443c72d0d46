"""Regenerate ``golden/contracts.jsonl`` from Contract-QA's own golden file, and check ``pydoc``.

    uv run python -m m6_advanced.evaluation.golden_build           # rewrite contracts.jsonl
    uv run python -m m6_advanced.evaluation.golden_build --check   # only verify both sets

Contract-QA (month 5) ships ``samples/golden.jsonl``: question, answer, document, clause number,
split. Its corpus here is the Markdown version of each contract (``samples/<document>.md``: the
same text as the PDF and DOCX, and month 4's library indexes Markdown directly). The reference
context of a question is its clause's whole text, found by Contract-QA's own clause splitter
(``contracts.clauses.split_clauses``), so it is verbatim by construction. An unanswerable question
gets the reference "I don't know." and no context.

``pydoc.jsonl`` is written by hand (reference answers from each section's text); ``--check``
verifies that every reference context is still a verbatim passage of the sections it cites.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
from pathlib import Path

from m6_advanced.errors import GoldenFileError
from m6_advanced.evaluation.golden import (
    I_DONT_KNOW,
    GoldenItem,
    golden_path,
    load_golden_file,
    write_golden_file,
)


def _samples() -> Path:
    """Contract-QA's sample folder (a data folder inside its package; found without importing
    the package's web app)."""
    spec = importlib.util.find_spec("m5_agents_mlops.contracts")
    assert spec is not None and spec.origin is not None
    return Path(spec.origin).parent / "samples"


def contract_texts() -> dict[str, str]:
    """``{"nda.md": text, ...}``: the Markdown sample contracts, Contract-QA's corpus."""
    return {path.name: path.read_text(encoding="utf-8") for path in sorted(_samples().glob("*.md"))}


def clause_text(markdown: str, number: str) -> str:
    """The whole text of clause ``number`` (heading line included), whitespace collapsed."""
    from m5_agents_mlops.contracts.clauses import split_clauses
    from m5_agents_mlops.contracts.parsed import Page

    for clause in split_clauses([Page(None, markdown)]):
        if clause.number == number:
            return normalise(clause.text)
    raise GoldenFileError(f"clause {number} not found by Contract-QA's clause splitter")


def normalise(text: str) -> str:
    """Whitespace collapsed to single spaces: line wrapping is not part of a passage."""
    return re.sub(r"\s+", " ", text).strip()


def contract_items() -> list[GoldenItem]:
    """Contract-QA's golden questions in the eval-rag schema (ids prefixed ``contract-``)."""
    texts = contract_texts()
    items = []
    lines = (_samples() / "golden.jsonl").read_text(encoding="utf-8").splitlines()
    for line in filter(str.strip, lines):
        row = json.loads(line)
        if row["answerable"]:
            source = f"{row['document']}.md"
            context = clause_text(texts[source], row["clause"])
            reference, contexts, sources = row["answer"], (context,), (source,)
        else:
            reference, contexts, sources = I_DONT_KNOW, (), ()
        items.append(GoldenItem(f"contract-{row['id']}", row["split"], row["question"],
                                reference, contexts, sources))  # fmt: skip
    return items


def unverbatim_contexts(name: str) -> list[str]:
    """``id: passage`` for every reference context not found verbatim (whitespace collapsed) in
    the corpus files its item cites: [] when the set is consistent with its corpus."""
    if name == "pydoc":
        from m4_genai.golden.pydoc_corpus import pydoc_topics, topic_file

        texts = {topic_file(topic): text for topic, text in pydoc_topics().items()}
    else:
        texts = contract_texts()
    texts = {source: normalise(text) for source, text in texts.items()}
    missing = []
    for item in load_golden_file(name):
        for context in item.reference_contexts:
            if not any(context in texts.get(source, "") for source in item.sources):
                missing.append(f"{item.id}: {context[:60]}")
    return missing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="verify only, write nothing")
    args = parser.parse_args(argv)
    if not args.check:
        path = write_golden_file(golden_path("contracts"), contract_items())
        print(f"wrote {path}")
    problems = {name: unverbatim_contexts(name) for name in ("pydoc", "contracts")}
    for name, missing in problems.items():
        print(f"{name}: {len(load_golden_file(name))} items, {len(missing)} contexts not verbatim")
        for line in missing:
            print(f"  {line}")
    return 1 if any(problems.values()) else 0


if __name__ == "__main__":
    raise SystemExit(main())

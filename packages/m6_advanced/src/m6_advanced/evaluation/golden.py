"""Golden datasets for RAG evaluation: questions with a reference answer and reference contexts.

One JSON object per line (JSONL), the same schema for every set::

    {"id": "pydoc-t012", "split": "test",
     "question": "after breaking out of a for loop early, does the loop variable still ...?",
     "reference": "Yes. If a for loop is terminated by break, the loop control target keeps ...",
     "reference_contexts": ["If a \\"for\\" loop is terminated by \\"break\\", the loop ..."],
     "sources": ["break.txt", "compound.txt"]}

- ``reference`` is the answer a careful reader writes from the documents ("I don't know." for a
  question the documents cannot answer); ``reference_contexts`` are the passages that hold it,
  copied verbatim (whitespace collapsed), empty for an unanswerable question;
  ``sources`` the corpus files that contain them.
- ``split`` is ``dev`` (choose a configuration on it) or ``test`` (report on it, never tune).

Two sets ship with the package (``BUILTIN``): ``pydoc`` (month 4's questions on Python's language
reference, reference answers written for month 6, plus unanswerable ones) and ``contracts``
(Contract-QA's questions on three sample contracts, converted by ``golden_build.py``). Each
names the corpus its questions are about, written to disk by ``write_corpus``.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from m6_advanced.errors import GoldenFileError

SPLITS = ("dev", "test")
BUILTIN = ("pydoc", "contracts")
"""The golden sets shipped in ``m6_advanced/evaluation/golden/<name>.jsonl``."""
I_DONT_KNOW = "I don't know."


@dataclass(frozen=True)
class GoldenItem:
    """One golden question."""

    id: str
    split: str
    question: str
    reference: str
    reference_contexts: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()

    @property
    def answerable(self) -> bool:
        """Do the documents answer it? (An unanswerable item has no reference context.)"""
        return bool(self.reference_contexts)

    def to_json(self) -> dict[str, Any]:
        return {**asdict(self), "reference_contexts": list(self.reference_contexts),
                "sources": list(self.sources)}  # fmt: skip


def golden_path(name_or_path: str | Path) -> Path:
    """A shipped set's file (``"pydoc"``, ``"contracts"``) or the path given, which must exist."""
    if str(name_or_path) in BUILTIN:
        package = resources.files("m6_advanced.evaluation").joinpath("golden")
        return Path(str(package.joinpath(f"{name_or_path}.jsonl")))
    path = Path(name_or_path)
    if not path.is_file():
        raise GoldenFileError(
            f"golden file {path} not found (give a JSONL file or one of: {', '.join(BUILTIN)})"
        )
    return path


def _field(row: dict[str, Any], name: str, kind: type, where: str, required: bool = True) -> Any:
    """``row[name]`` checked to be a ``kind`` (lists: of strings); GoldenFileError otherwise."""
    if name not in row:
        if required:
            raise GoldenFileError(f"{where}: missing field {name!r}")
        return kind()
    value = row[name]
    ok = isinstance(value, kind) and (
        kind is not list or all(isinstance(item, str) for item in value)
    )
    if not ok or (kind is str and required and not value.strip()):
        wanted = "a list of strings" if kind is list else "a non-empty string"
        raise GoldenFileError(f"{where}: field {name!r} must be {wanted}, not {value!r}")
    return value


def parse_item(line: str, where: str) -> GoldenItem:
    """One JSONL line → ``GoldenItem``; ``where`` (``file:line``) prefixes every error."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as error:
        raise GoldenFileError(f"{where}: not valid JSON ({error.msg})") from None
    if not isinstance(row, dict):
        raise GoldenFileError(f"{where}: a line must be a JSON object")
    split = _field(row, "split", str, where)
    if split not in SPLITS:
        raise GoldenFileError(f"{where}: field 'split' must be 'dev' or 'test', not {split!r}")
    return GoldenItem(
        id=_field(row, "id", str, where),
        split=split,
        question=_field(row, "question", str, where),
        reference=_field(row, "reference", str, where),
        reference_contexts=tuple(_field(row, "reference_contexts", list, where, required=False)),
        sources=tuple(_field(row, "sources", list, where, required=False)),
    )


def load_golden_file(name_or_path: str | Path) -> list[GoldenItem]:
    """Every item of a golden file, checked: GoldenFileError names the line and the field."""
    path = golden_path(name_or_path)
    items: list[GoldenItem] = []
    seen: set[str] = set()
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise GoldenFileError(f"{path}: not UTF-8 text (byte {error.start})") from None
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        item = parse_item(line, f"{path.name}:{number}")
        if item.id in seen:
            raise GoldenFileError(f"{path.name}:{number}: duplicate id {item.id!r}")
        seen.add(item.id)
        items.append(item)
    if not items:
        raise GoldenFileError(f"{path}: no questions in the file")
    return items


def write_golden_file(path: Path, items: list[GoldenItem]) -> Path:
    """Write ``items`` as JSONL (UTF-8, one object per line, the schema's key order)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    lines = [json.dumps(item.to_json(), ensure_ascii=False) for item in items]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def select(
    items: list[GoldenItem], split: str, limit: int | None = None, seed: int = 0
) -> list[GoldenItem]:
    """The items of one split; with ``limit``, a seeded sample of that many in file order, with
    at least one unanswerable item when the split has any (so abstention is always measured)."""
    chosen = [item for item in items if item.split == split]
    if limit is None or limit >= len(chosen):
        return chosen
    rng = random.Random(seed)
    picked = set(rng.sample(range(len(chosen)), limit))
    unanswerable = [i for i, item in enumerate(chosen) if not item.answerable]
    if unanswerable and limit > 1 and not picked & set(unanswerable):
        picked.remove(max(picked))
        picked.add(rng.choice(unanswerable))
    return [item for i, item in enumerate(chosen) if i in picked]


def write_corpus(golden: str, folder: Path, sources: set[str] | None = None) -> list[Path]:
    """The documents a shipped golden set asks about, as files in ``folder`` (all of them, or only
    ``sources``). A file already there with the same text is left alone: its unchanged mtime
    lets the incremental indexer skip it on the next run."""
    if golden == "pydoc":
        from m4_genai.golden.pydoc_corpus import pydoc_topics, topic_file

        texts = {topic_file(topic): text for topic, text in pydoc_topics().items()}
    elif golden == "contracts":
        from m6_advanced.evaluation.golden_build import contract_texts

        texts = contract_texts()
    else:
        raise GoldenFileError(f"no shipped corpus for {golden!r}: give --corpus FOLDER")
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, text in sorted(texts.items()):
        if sources is not None and name not in sources:
            continue
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
        written.append(path)
    return written

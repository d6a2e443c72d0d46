"""The capstone's sample contracts and golden Q&A set: built files fresh, golden answers grounded.

The contracts are written as small text sources (``samples/*.md``); ``scripts/build_contract_samples.py``
turns them into the committed PDFs and DOCXs. These tests check that the committed files match a
fresh build, that a PDF reader and a DOCX reader see every clause heading, and that every golden
answer is supported by the clause it cites (its numbers, dates and names occur in that clause).
"""

from __future__ import annotations

import importlib.util
import json
import re
import shutil
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import m5_agents_mlops.contracts

SAMPLES = Path(m5_agents_mlops.contracts.__file__).parent / "samples"
SCRIPT = Path(__file__).resolve().parents[4] / "scripts" / "build_contract_samples.py"
DOCUMENTS = ("nda", "saas", "lease", "employment")
KEYS = {"id", "split", "document", "question", "answer", "clause", "answerable"}
KINDS = ("near", "far")  # unanswerable: about contracts, but not in these ones / off-topic
MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
DATE = re.compile(rf"\b\d{{1,2}} (?:{MONTHS}) \d{{4}}\b|\b(?:{MONTHS}) \d{{1,2}}, \d{{4}}\b")
NUMBER = re.compile(r"\d[\d,.]*\d|\d")  # 7, 48,000, 1.5, 2027
CAPITALISED = re.compile(r"\b[A-Z][A-Za-z]+")  # names and defined terms: Discloser, Break Date


def _load_script() -> ModuleType:
    """Import the build script by path (scripts/ is not a package); dataclasses need sys.modules."""
    spec = importlib.util.spec_from_file_location("build_contract_samples", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


BUILD = _load_script()
SOURCES = {source.name: source for source in BUILD.load_sources(SAMPLES)}
GOLDEN = [
    json.loads(line)
    for line in (SAMPLES / "golden.jsonl").read_text(encoding="utf-8").splitlines()
    if line.strip()
]


def _squash(text: str) -> str:
    """Whitespace-insensitive form: PDF text extraction wraps lines where the layout did."""
    return " ".join(text.split())


def _clause_text(source: Any, number: str) -> str:
    """The clause's text, heading included: up to the next heading that is not its sub-clause."""
    blocks = list(source.blocks)
    start = next(i for i, block in enumerate(blocks) if block.number == number)
    end = next(
        (
            i
            for i in range(start + 1, len(blocks))
            if blocks[i].level is not None and not (blocks[i].number or "").startswith(f"{number}.")
        ),
        len(blocks),
    )
    return "\n".join(block.text for block in blocks[start:end])


def _key_words(answer: str) -> list[str]:
    """What must appear in the cited clause: dates, numbers and capitalised words mid-sentence."""
    words = DATE.findall(answer) + NUMBER.findall(answer)
    for match in CAPITALISED.finditer(answer):
        before = answer[: match.start()].rstrip()
        if (
            before and before[-1] not in ".:;!?("
        ):  # a capital that only starts a sentence says little
            words.append(match.group())
    return words


def test_sources_are_several_pages_of_contract() -> None:
    assert sorted(SOURCES) == sorted(DOCUMENTS)
    for source in SOURCES.values():
        words = sum(len(block.text.split()) for block in source.blocks)
        assert 1800 <= words <= 3000, (source.name, words)
        numbers = [block.number for block in source.headings if block.number]
        assert len(numbers) == len(set(numbers)), f"{source.name}: a clause number repeats"
        assert any(n.startswith("Schedule") for n in numbers), f"{source.name}: no schedule"
        assert sum("." in n for n in numbers) >= 20, f"{source.name}: too few sub-clauses"


def test_committed_pdf_and_docx_match_a_fresh_build() -> None:
    pytest.importorskip("fpdf", reason="fpdf2 (the dev group) builds the sample PDFs")
    assert BUILD.stale_files(SAMPLES) == [], "run: uv run scripts/build_contract_samples.py"


def test_check_flags_a_source_edited_after_the_build(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pytest.importorskip("fpdf", reason="fpdf2 (the dev group) builds the sample PDFs")
    for suffix in (".md", ".pdf", ".docx"):
        shutil.copy(SAMPLES / f"nda{suffix}", tmp_path)
    source = tmp_path / "nda.md"
    edited = source.read_text(encoding="utf-8").replace("thirty (30) days'", "sixty (60) days'")
    assert edited != source.read_text(encoding="utf-8")
    source.write_text(edited, encoding="utf-8")
    assert BUILD.main(["--check", "--samples", str(tmp_path)]) == 1
    assert "stale: nda.pdf" in capsys.readouterr().out
    assert BUILD.stale_files(tmp_path) == ["nda.pdf", "nda.docx"]


@pytest.mark.parametrize("name", DOCUMENTS)
def test_pdf_has_pages_and_every_heading(name: str) -> None:
    from pypdf import PdfReader

    path = SAMPLES / f"{name}.pdf"
    assert path.stat().st_size < 150_000
    reader = PdfReader(path)
    assert len(reader.pages) >= 3
    text = _squash("\n".join(page.extract_text() for page in reader.pages))
    assert f"Page 1 of {len(reader.pages)}" in text
    missing = [h.text for h in SOURCES[name].headings if _squash(h.text) not in text]
    assert not missing, f"{name}.pdf lacks headings: {missing}"


@pytest.mark.parametrize("name", DOCUMENTS)
def test_docx_marks_headings_with_heading_styles(name: str) -> None:
    import docx

    path = SAMPLES / f"{name}.docx"
    assert path.stat().st_size < 150_000
    paragraphs = docx.Document(str(path)).paragraphs
    styled = [(p.style.name, p.text) for p in paragraphs]
    source = SOURCES[name]
    assert styled[0] == ("Title", source.title)
    expected = [(f"Heading {h.level}", h.text) for h in source.headings]
    assert [pair for pair in styled if pair[0].startswith("Heading")] == expected
    body = [block.text for block in source.blocks if block.level is None]
    assert [text for style, text in styled if style == "Normal"] == body


def test_golden_schema_and_counts() -> None:
    assert len(GOLDEN) >= 48
    ids = [item["id"] for item in GOLDEN]
    assert len(ids) == len(set(ids)) and all(re.fullmatch(r"q\d{2,}", i) for i in ids)
    for item in GOLDEN:
        assert set(item) == (KEYS if item["answerable"] else KEYS | {"kind"}), item["id"]
        assert item["split"] in ("dev", "test") and isinstance(item["answerable"], bool)
        assert isinstance(item["question"], str) and item["question"].strip().endswith(("?", "."))
        if item["answerable"]:
            assert item["document"] in DOCUMENTS and item["answer"] and item["clause"], item["id"]
        else:
            assert item["document"] is item["clause"] is item["answer"] is None, item["id"]
            assert item["kind"] in KINDS, item["id"]
    unanswerable = [item for item in GOLDEN if not item["answerable"]]
    assert len(unanswerable) >= 12
    # Both kinds on both sides: the rule is chosen on dev near-topic ones, reported on test ones.
    kinds = Counter((item["kind"], item["split"]) for item in unanswerable)
    for kind in KINDS:
        assert kinds[(kind, "dev")] >= 3 and kinds[(kind, "test")] >= 3, (kind, kinds)
    # Stratified 50/50: each document's questions, and the unanswerable ones, split about evenly.
    strata = Counter((item["document"], item["split"]) for item in GOLDEN)
    for document in (*DOCUMENTS, None):
        dev, test = strata[(document, "dev")], strata[(document, "test")]
        assert dev >= 3 and test >= 3 and abs(dev - test) <= 2, (document, dev, test)


@pytest.mark.parametrize("item", [i for i in GOLDEN if i["answerable"]], ids=lambda i: i["id"])
def test_golden_answer_is_stated_in_its_clause(item: dict[str, Any]) -> None:
    source = SOURCES[item["document"]]
    assert item["clause"] in {h.number for h in source.headings}, "no such clause heading"
    clause = _squash(_clause_text(source, item["clause"]))
    words = _key_words(item["answer"])
    for word in words:
        after = r"(?!\d|[,.]\d)" if word[-1].isdigit() else r"(?!\w)"  # 25 may be "25th"
        pattern = rf"(?<![\w,.]){re.escape(word)}{after}"
        assert re.search(pattern, clause), f"{word!r} is not in clause {item['clause']}"
    # The answer's longer plain words, mostly the clause's own: a paraphrase, not a new claim.
    long_words = re.findall(r"[a-z][a-z-]{4,}", item["answer"].lower())
    found = [word for word in long_words if word in clause.lower()]
    assert words or long_words, "an answer with nothing to check"
    assert len(found) >= 0.5 * len(long_words), sorted(set(long_words) - set(found))


def _words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def test_golden_questions_paraphrase_rather_than_quote() -> None:
    """A question that copies five words in a row from a contract tests string matching."""
    contracts = {
        name: f" {' '.join(_words(' '.join(b.text for b in source.blocks)))} "
        for name, source in SOURCES.items()
    }
    for item in GOLDEN:
        words = _words(item["question"])
        for name, text in contracts.items():
            for i in range(len(words) - 4):
                assert f" {' '.join(words[i : i + 5])} " not in text, (item["id"], name, words[i:])

"""Loaders read PDF, HTML, Markdown, text and code into chunks with the right lines and pages;
bad files are skipped with a reason that names them, and the rest still loads."""

from __future__ import annotations

from pathlib import Path

import pytest

from m4_genai.errors import DocumentError
from m4_genai.retrieval.code_splitter import split_code
from m4_genai.retrieval.documents import html_to_text, load_file, load_paths
from m4_genai.testing.pdf_writer import make_pdf

PYTHON = '''"""A module."""

import os


@decorator
def first(x):
    return x + 1


class Second:
    """A class."""

    def method(self):
        return 2


async def third():
    return 3
'''


def test_pdf_pages_become_chunks_citing_their_page(tmp_path: Path) -> None:
    pdf = tmp_path / "guide.pdf"
    pdf.write_bytes(
        make_pdf([["Chroma stores vectors."], ["BM25 ranks keywords.", "Second line."]])
    )
    chunks = load_file(pdf, "guide.pdf")
    assert [c.page for c in chunks] == [1, 2]
    assert "BM25 ranks keywords." in chunks[1].text
    assert chunks[1].citation == "guide.pdf (p. 2)"
    assert chunks[0].kind == "pdf"


def test_corrupt_pdf_raises_a_document_error_naming_it(tmp_path: Path) -> None:
    bad = tmp_path / "broken.pdf"
    bad.write_bytes(make_pdf([["fine"]])[:120])  # a download cut short
    with pytest.raises(DocumentError, match=r"broken\.pdf: corrupt PDF"):
        load_file(bad)


def test_html_keeps_visible_text_only(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>T</title><style>p{color:red}</style></head><body>"
        "<nav>Home | About</nav><h1>Vector search</h1><p>Cosine   similarity\nof unit vectors.</p>"
        "<script>alert('x')</script></body></html>"
    )
    text = html_to_text(page.read_text())
    assert "Vector search" in text and "Cosine similarity" in text
    assert "alert" not in text and "color" not in text and "Home" not in text
    assert load_file(page, "page.html")[0].kind == "html"


def test_markdown_splits_at_headings_with_line_numbers(tmp_path: Path) -> None:
    sections = [f"## Section {i}\n\n" + f"Sentence {i} about topic {i}. " * 12 for i in range(4)]
    md = tmp_path / "notes.md"
    md.write_text("# Title\n\n" + "\n\n".join(sections))
    chunks = load_file(md, "notes.md", chunk_size=400, chunk_overlap=0)
    lines = md.read_text().splitlines()
    for chunk in chunks:
        assert lines[chunk.start_line - 1].strip() == chunk.text.splitlines()[0].strip()
    assert any(c.text.startswith("## Section 2") for c in chunks)


def test_code_is_cut_at_definitions_with_decorators_attached() -> None:
    chunks = split_code(PYTHON, "python", chunk_size=60)
    by_symbol = {c.symbol: c for c in reversed(chunks)}  # the first chunk of each symbol
    assert by_symbol["first"].text.startswith("@decorator\ndef first")
    assert by_symbol["first"].start_line == 6
    assert by_symbol["Second"].start_line == 11
    assert by_symbol["third"].start_line == 18
    lines = PYTHON.splitlines()
    for chunk in chunks:  # every chunk's first line is where its citation points
        assert lines[chunk.start_line - 1].strip() == chunk.text.splitlines()[0].strip()


def test_small_definitions_are_merged_up_to_the_chunk_size() -> None:
    assert len(split_code(PYTHON, "python", chunk_size=2000)) == 1


def test_long_functions_are_split_line_wise_keeping_line_numbers() -> None:
    body = "def long():\n" + "".join(f"    x{i} = {i}\n" for i in range(200))
    chunks = split_code(body, "python", chunk_size=300)
    assert len(chunks) > 5
    lines = body.splitlines()
    for chunk in chunks:
        assert lines[chunk.start_line - 1].strip() == chunk.text.splitlines()[0].strip()
        assert chunk.end_line - chunk.start_line == chunk.text.count("\n")


def test_javascript_boundaries() -> None:
    js = "import x from 'y';\n\nexport function a() {\n  return 1;\n}\n\nclass B {\n}\n"
    chunks = split_code(js, "js", chunk_size=40)
    assert [(c.symbol, c.start_line) for c in chunks] == [("", 1), ("a", 3), ("B", 7)]


def test_folder_load_skips_bad_files_with_reasons_and_keeps_the_rest(tmp_path: Path) -> None:
    (tmp_path / "good.txt").write_text("Plain text about embeddings.")
    (tmp_path / "code.py").write_text(PYTHON)
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnot really a pdf")
    (tmp_path / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (tmp_path / "blob.txt").write_bytes(b"abc\x00\x01\x02")
    report = load_paths([tmp_path])
    assert sorted(report.files) == ["code.py", "good.txt"]
    reasons = dict(report.skipped)
    assert set(reasons) == {"broken.pdf", "image.png", "blob.txt"}
    assert "corrupt PDF" in reasons["broken.pdf"]
    assert "unsupported file type '.png'" in reasons["image.png"]
    assert "binary" in reasons["blob.txt"]
    assert {c.source for c in report.chunks} == {"code.py", "good.txt"}


def test_latin1_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "old.txt"
    path.write_bytes("café crème".encode("latin-1"))
    assert load_file(path)[0].text == "café crème"


def test_missing_path_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(DocumentError, match="no such file or folder"):
        load_paths([tmp_path / "nope"])


def test_chunk_ids_are_stable_and_differ_by_content(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("one\n\ntwo")
    first = [c.id for c in load_file(path, "a.txt")]
    assert first == [c.id for c in load_file(path, "a.txt")]
    path.write_text("one\n\nthree")
    assert first != [c.id for c in load_file(path, "a.txt")]

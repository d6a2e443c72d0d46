"""Document loaders: PDF, HTML, Markdown, plain text and source code → chunks with citations.

Each loader turns one file into plain text (per page for PDFs), then a splitter cuts it into
``Chunk``s that remember their line span. Loading a folder never stops at a bad file: an
unsupported, binary or corrupt file is *skipped with a reason*, so one broken PDF cannot block the
other thousand documents, and the caller prints a warning that names it.

    report = load_paths([Path("docs/")])
    report.chunks      # list[Chunk], ready to embed
    report.skipped     # [(path, "corrupt PDF: ...")]
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from m4_genai.errors import DocumentError
from m4_genai.retrieval.chunks import Chunk
from m4_genai.retrieval.code_splitter import language_of, split_code
from m4_genai.retrieval.splitter import RecursiveSplitter, locate_chunks

TEXT_SUFFIXES = {".txt": "text", ".rst": "text", ".md": "markdown", ".markdown": "markdown"}
HTML_SUFFIXES = {".html", ".htm"}
MARKDOWN_SEPARATORS = ("\n# ", "\n## ", "\n### ", "\n\n", "\n", " ", "")
"""Markdown splits at headings first: a section is the most natural chunk."""
MAX_FILE_BYTES = 5_000_000
"""Larger files are skipped (a 5 MB "document" is a data dump, not prose)."""


@dataclass
class LoadReport:
    """What loading produced: the chunks, the files read, and the files skipped with why."""

    chunks: list[Chunk] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def supported(path: Path) -> bool:
    """Whether some loader reads files with this suffix."""
    suffix = path.suffix.lower()
    return (
        suffix in TEXT_SUFFIXES
        or suffix in HTML_SUFFIXES
        or suffix == ".pdf"
        or language_of(suffix) is not None
    )


def fingerprint(path: Path) -> str:
    """``mtime_ns:size``: cheap to read and changes whenever the file is saved."""
    stat = path.stat()
    return f"{stat.st_mtime_ns}:{stat.st_size}"


def read_text(path: Path) -> str:
    """Decode a text file (UTF-8, else Latin-1); a file with NUL bytes is binary, not text."""
    data = path.read_bytes()
    if b"\x00" in data[:8192]:
        raise DocumentError(f"{path}: binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("latin-1")  # every byte sequence decodes; better than dropping the file


def html_to_text(html: str) -> str:
    """Visible text of an HTML page: scripts, styles and navigation dropped, one block per line."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    for tag in soup(["script", "style", "noscript", "nav", "footer", "header", "svg"]):
        tag.decompose()
    text = soup.get_text("\n")
    lines = (re.sub(r"[ \t]+", " ", line).strip() for line in text.splitlines())
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def pdf_pages(path: Path) -> list[str]:
    """The text of each page of a PDF (pypdf); a damaged file raises DocumentError."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError, PdfStreamError

    quiet = logging.getLogger("pypdf")  # its repair warnings would bury our one-line message
    level = quiet.level
    quiet.setLevel(logging.ERROR)
    try:
        reader = PdfReader(str(path), strict=False)
        return [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, PdfStreamError, ValueError, KeyError, OSError, TypeError) as error:
        raise DocumentError(f"{path}: corrupt PDF ({error})") from error
    finally:
        quiet.setLevel(level)


def _text_chunks(
    text: str, source: str, kind: str, splitter: RecursiveSplitter, page: int = 0, first: int = 0
) -> list[Chunk]:
    """Split ``text`` and attach line numbers found by locating each chunk in the original."""
    pieces = splitter.split(text)
    offsets = locate_chunks(text, pieces)
    return [
        Chunk(
            text=piece,
            source=source,
            index=first + i,
            start_line=text.count("\n", 0, offset) + 1,
            end_line=text.count("\n", 0, offset) + piece.count("\n") + 1,
            kind=kind,
            page=page,
        )
        for i, (piece, offset) in enumerate(zip(pieces, offsets, strict=True))
    ]


def load_file(
    path: Path, source: str | None = None, chunk_size: int = 1000, chunk_overlap: int = 150
) -> list[Chunk]:
    """Chunks of one file. ``source`` is the name to cite (default: the path as given).

    Raises DocumentError for unsupported, binary, oversized or corrupt files.
    """
    source = source or path.as_posix()
    suffix = path.suffix.lower()
    if not supported(path):
        raise DocumentError(f"{path}: unsupported file type {suffix or '(no suffix)'!r}")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DocumentError(f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
    stamp = fingerprint(path)
    splitter = RecursiveSplitter(chunk_size, chunk_overlap)
    chunks: list[Chunk] = []
    if suffix == ".pdf":
        for number, page_text in enumerate(pdf_pages(path), start=1):
            chunks += _text_chunks(page_text, source, "pdf", splitter, number, len(chunks))
    elif suffix in HTML_SUFFIXES:
        chunks = _text_chunks(html_to_text(read_text(path)), source, "html", splitter)
    elif suffix in TEXT_SUFFIXES:
        kind = TEXT_SUFFIXES[suffix]
        if kind == "markdown":
            splitter = RecursiveSplitter(chunk_size, chunk_overlap, MARKDOWN_SEPARATORS)
        chunks = _text_chunks(read_text(path), source, kind, splitter)
    else:
        language = language_of(suffix) or "python"
        pieces = split_code(read_text(path), language, chunk_size)
        chunks = [
            Chunk(p.text, source, i, p.start_line, p.end_line, "code", symbol=p.symbol)
            for i, p in enumerate(pieces)
        ]
    return [_stamped(chunk, stamp) for chunk in chunks]


def _stamped(chunk: Chunk, stamp: str) -> Chunk:
    return Chunk(**{**chunk.__dict__, "fingerprint": stamp})


SKIP_DIRS = {
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    "data",
    "dist",
    "build",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".tox",
    ".idea",
    ".vscode",
}
"""Folders never worth indexing: VCS metadata, environments, caches, build outputs, data."""


def iter_files(paths: Sequence[Path], skip_dirs: Iterable[str] = SKIP_DIRS) -> list[Path]:
    """Files under ``paths`` (folders walked recursively, in sorted order, skipping ``skip_dirs``)."""
    skip = set(skip_dirs)
    files: list[Path] = []
    for path in paths:
        if path.is_file():
            files.append(path)
            continue
        if not path.is_dir():
            raise DocumentError(f"{path}: no such file or folder")
        for folder, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if d not in skip and not d.endswith(".egg-info"))
            files += [Path(folder) / name for name in sorted(names)]
    return files


def load_paths(
    paths: Sequence[Path],
    root: Path | None = None,
    chunk_size: int = 1000,
    chunk_overlap: int = 150,
    quiet_unsupported: bool = False,
) -> LoadReport:
    """Load every supported file under ``paths``; bad files go to ``report.skipped``, never raise.

    Sources are cited relative to ``root`` (default: each given folder, or a file's own folder).
    ``quiet_unsupported`` drops unsupported types silently (for code repositories full of images).
    """
    report = LoadReport()
    for given in paths:
        base = root or (given if given.is_dir() else given.parent)
        for file in iter_files([given]):
            source = _relative(file, base)
            if quiet_unsupported and not supported(file):
                continue
            try:
                report.chunks += load_file(file, source, chunk_size, chunk_overlap)
                report.files.append(source)
            except (DocumentError, OSError) as error:
                report.skipped.append((source, str(error).removeprefix(f"{file}: ")))
    return report


def _relative(file: Path, base: Path) -> str:
    try:
        return file.resolve().relative_to(base.resolve()).as_posix()
    except ValueError:
        return file.as_posix()

"""Resume files in and out: read PDF, DOCX and TXT as text; write the samples as all three.

Reading is where formats differ, so it is the only place that knows them:

- **TXT**: UTF-8 (Latin-1 as a fallback), via the RAG loader's ``read_text``.
- **DOCX**: a zip of XML; python-docx gives paragraphs and tables in the body. Many resumes put
  their contact line or skills in a table, so table cells are read too, in document order.
- **PDF**: pypdf extracts the text of each page (the RAG loader's ``pdf_pages``). A PDF holds
  positioned glyphs, not lines: real-world extraction can merge columns or split words, which
  is why the parser tolerates wrapped lines.

The sample resumes are kept as *text* in the package (``samples/resumes/*.txt``, reviewable in a
diff) and written out as PDF/DOCX/TXT on demand (``write_samples``): the binary files are derived
data, regenerated identically (same text, same layout) from one source of truth, so the test that
"every format parses to the same fields" compares each file with the text it came from.
"""

from __future__ import annotations

import json
import unicodedata
import zipfile
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from m4_genai.errors import DocumentError
from m4_genai.resumes.parse import Resume, heading, parse_resume
from m4_genai.retrieval.documents import MAX_FILE_BYTES, pdf_pages, read_text
from m4_genai.testing.pdf_writer import make_pdf

SUFFIXES = (".pdf", ".docx", ".txt")
PDF_LINES_PER_PAGE = 48
"""The minimal PDF writer sets 12-point text 14 points apart from y = 720: 48 lines fit a page."""


def read_docx(path: Path) -> str:
    """Paragraphs and table rows of a .docx, one per line, in document order."""
    import docx  # python-docx; imported here so the package imports fast
    from docx.opc.exceptions import PackageNotFoundError
    from docx.table import Table
    from docx.text.paragraph import Paragraph
    from lxml.etree import XMLSyntaxError

    try:
        document = docx.Document(str(path))
    except (
        PackageNotFoundError,
        zipfile.BadZipFile,
        KeyError,
        ValueError,
        XMLSyntaxError,
    ) as error:
        # python-docx says "Package not found" for any file that is not a zip of Word parts
        raise DocumentError(f"{path}: corrupt DOCX ({type(error).__name__})") from error
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(block.text)
        elif isinstance(block, Table):
            for row in block.rows:
                cells = [cell.text.strip() for cell in row.cells if cell.text.strip()]
                lines.append(" | ".join(dict.fromkeys(cells)))  # merged cells repeat their text
    return "\n".join(lines)


def read_resume_text(path: Path) -> str:
    """The text of a PDF, DOCX or TXT resume; DocumentError for anything unreadable."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise DocumentError(
            f"{path}: unsupported file type {suffix or '(none)'!r}; use PDF, DOCX or TXT"
        )
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DocumentError(f"{path}: larger than {MAX_FILE_BYTES // 1_000_000} MB")
    if suffix == ".pdf":
        text = "\n".join(pdf_pages(path))
    elif suffix == ".docx":
        text = read_docx(path)
    else:
        text = read_text(path)
    if not text.strip():
        raise DocumentError(f"{path}: no text found (a scanned PDF needs OCR first)")
    return normalise(text)


QUOTES = str.maketrans({"\u2018": "'", "\u2019": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " "})


def normalise(text: str) -> str:
    """NFKC (ligatures such as "ﬁ" → "fi") and straight quotes: Word's autocorrect and pypdf's
    reading of the PDF apostrophe both turn ``O'Brien`` into ``O’Brien``; fields must not differ."""
    return unicodedata.normalize("NFKC", text).translate(QUOTES)


def write_docx(text: str, path: Path) -> Path:
    """A .docx with one paragraph per line; section headings in the Heading 2 style."""
    import docx

    document = docx.Document()
    for line in text.splitlines():
        if line.strip() and heading(line) is not None:
            document.add_heading(line.strip(), level=2)
        else:
            document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(text: str, path: Path) -> Path:
    """A real PDF (Helvetica, one text line per line), split into pages of 48 lines."""
    lines = text.encode("ascii", "replace").decode().splitlines()  # built-in fonts: ASCII is safe
    pages = [lines[i : i + PDF_LINES_PER_PAGE] for i in range(0, len(lines), PDF_LINES_PER_PAGE)]
    path.write_bytes(make_pdf(pages or [[]]))
    return path


WRITERS = {".pdf": write_pdf, ".docx": write_docx, ".txt": lambda text, path: path.write_text(text)}


# --- the sample set ---------------------------------------------------------------------------

SAMPLES = resources.files("m4_genai.resumes") / "samples"


def sample_texts() -> dict[str, str]:
    """Sample resume id (``01-maria-gonzalez``) → its text."""
    folder = SAMPLES / "resumes"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".txt"))
    return {name.removesuffix(".txt"): (folder / name).read_text() for name in names}


def sample_jobs() -> dict[str, str]:
    """Sample job name (``backend-python``) → its description."""
    folder = SAMPLES / "jobs"
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".txt"))
    return {name.removesuffix(".txt"): (folder / name).read_text() for name in names}


def sample_labels() -> dict[str, Any]:
    """``{"jobs": {job: {"split": "dev"|"test", "grades": {resume id: 0..3}}}}``."""
    return json.loads((SAMPLES / "labels.json").read_text())


def write_samples(folder: Path, suffixes: tuple[str, ...] = SUFFIXES) -> list[Path]:
    """Write every sample resume into ``folder``, cycling through ``suffixes`` (PDF, DOCX, TXT)."""
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i, (resume_id, text) in enumerate(sample_texts().items()):
        path = folder / f"{resume_id}{suffixes[i % len(suffixes)]}"
        WRITERS[path.suffix](text, path)
        paths.append(path)
    return paths


@dataclass
class Folder:
    """The resumes read from a folder, and the files skipped with the reason."""

    resumes: list[Resume] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def load_folder(folder: Path, as_of: Any = None) -> Folder:
    """Parse every PDF/DOCX/TXT resume in ``folder`` (not recursive; ids are the file stems).

    A missing folder, or one with no readable resume, is an error (DocumentError → exit 2). One
    corrupt or unreadable file among good ones is *skipped with a reason*, so one broken upload
    does not block ranking the other candidates; the command prints a warning naming it.
    """
    if not folder.is_dir():
        raise DocumentError(f"{folder}: no such folder of resumes")
    loaded = Folder()
    for path in sorted(p for p in folder.iterdir() if p.is_file() and not p.name.startswith(".")):
        try:
            loaded.resumes.append(parse_resume(read_resume_text(path), path.stem, as_of))
        except (DocumentError, OSError) as error:
            loaded.skipped.append((path.name, str(error).removeprefix(f"{path}: ")))
    if not loaded.resumes:
        why = "; ".join(f"{name}: {reason}" for name, reason in loaded.skipped[:3])
        raise DocumentError(
            f"{folder}: no readable PDF, DOCX or TXT resume" + (f" ({why})" if why else "")
        )
    return loaded

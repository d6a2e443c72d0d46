"""Uploaded bytes → pages of text, safely: the type by content, every limit checked first.

An upload is hostile until proven otherwise. Its name and its declared content type are chosen by
the client, so neither decides anything here: :func:`sniff` reads the magic bytes (a PDF starts
with ``%PDF-``, a DOCX is a ZIP holding ``word/document.xml``, text is UTF-8 without NUL bytes).
:func:`parse` then checks, in order, the size (413), the type (415) and whether the content can be
read (422): a truncated or encrypted PDF, a scanned PDF with no text layer, a DOCX that is really a
zip bomb (checked on the ZIP directory *before* anything is decompressed). Every refusal is an
:class:`UploadError` whose ``status`` is the HTTP code and whose message says what to do.

Encryption policy: a PDF with a real password is refused ("remove the password and upload
again"). A PDF encrypted with an *empty* user password (an owner password that only restricts
printing or copying, common in e-signed contracts) opens in every viewer without a prompt, so it
is accepted: pypdf decrypts it with ``""``, exactly as a viewer does, and the owner of the upload
can read its text anyway.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from typing import Literal

from m5_agents_mlops.contracts.page_furniture import strip_page_furniture
from m5_agents_mlops.contracts.parsed import Page
from m5_agents_mlops.errors import AgentError

Kind = Literal["pdf", "docx", "txt"]

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
"""Largest upload accepted (10 MB): a 100-page contract as PDF is well under 2 MB."""
MAX_ZIP_ENTRIES = 1000  # a Word file has ~10-50 parts; thousands means an attack or not a contract
MAX_ZIP_UNCOMPRESSED = 50 * 1024 * 1024  # sum of the declared sizes of every ZIP member
MAX_ZIP_RATIO = 100  # deflated XML is ~5-20:1; 100:1 on a big member is a bomb's signature
ZIP_RATIO_MIN_BYTES = 1024 * 1024  # tiny members may compress absurdly well and are harmless
MAX_PDF_PAGES = 2000  # a 10 MB PDF can declare 100k pages that reuse one content stream
MIN_TEXT_CHARS = 20  # fewer non-space characters than this in a whole PDF: no text layer

_STATUS_TOO_LARGE, _STATUS_UNSUPPORTED, _STATUS_UNPARSEABLE = 413, 415, 422

# Binary formats people upload by mistake, named so that the 415 tells them what they sent.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"II*\x00", "a TIFF image"),
    (b"MM\x00*", "a TIFF image"),
    (b"MZ", "a Windows executable"),
    (b"\x7fELF", "an ELF executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "a legacy Office file (.doc/.xls): save it as .docx"),
    (b"Rar!", "a RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\xff\xfe", "UTF-16 text; save it as UTF-8"),  # Notepad's "Unicode"
    (b"\xfe\xff", "UTF-16 text; save it as UTF-8"),
)
_ZIP_FAMILIES = (  # ZIP-based formats that are not Word documents
    ("xl/workbook.xml", "an Excel workbook"),
    ("ppt/presentation.xml", "a PowerPoint presentation"),
    ("mimetype", "an OpenDocument file: save it as .docx or PDF"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")  # C0/C1 controls but \t \n \f \r
_INVISIBLE = re.compile(r"[\u00ad\u200b-\u200d\u2060\ufeff]")  # soft hyphen, zero-width chars


class UploadError(AgentError):
    """An upload refused with a reason a person can act on; ``status`` is the HTTP code to answer
    (413 too large, 415 not a PDF/DOCX/UTF-8 text by content, 422 cannot be read)."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


def sniff(data: bytes) -> Kind:
    """The upload's type from its content alone (magic bytes), never from its name.

    >>> sniff(b"%PDF-1.7 ...")
    'pdf'
    >>> sniff("Clause 1. Définitions".encode())
    'txt'
    """
    if not data:
        raise UploadError(_STATUS_UNPARSEABLE, "the file is empty")
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return _sniff_zip(data)
    if data[:1024].lstrip().startswith(b"{\\rtf"):  # RTF is ASCII, but markup, not text
        raise UploadError(_STATUS_UNSUPPORTED, "unsupported file type: RTF; save it as .docx")
    if _as_text(data) is not None:
        return "txt"
    for magic, name in _SIGNATURES:
        if data.startswith(magic):
            raise UploadError(_STATUS_UNSUPPORTED, f"unsupported file type: {name}")
    if _looks_like_legacy_text(data):
        raise UploadError(_STATUS_UNSUPPORTED, "text that is not UTF-8: save it as UTF-8 text")
    raise UploadError(_STATUS_UNSUPPORTED, "unsupported file type: only PDF, DOCX and UTF-8 text")


def parse(data: bytes, max_bytes: int = MAX_UPLOAD_BYTES) -> tuple[Kind, list[Page]]:
    """Check and read an upload: ``(kind, pages)``; raises :class:`UploadError` on any refusal.

    The size is checked before anything else so that a huge body costs nothing more. PDF pages
    keep their 1-based numbers; DOCX gives one page with number None (Word has no fixed pages);
    TXT gives one page, or numbered pages where the text has form feeds (``\\f``).
    """
    if len(data) > max_bytes:
        raise UploadError(
            _STATUS_TOO_LARGE,
            f"file too large: {_megabytes(len(data))}; the limit is {_megabytes(max_bytes)}",
        )
    kind = sniff(data)
    if kind == "pdf":
        return kind, _pdf_pages(data)
    if kind == "docx":
        return kind, _docx_pages(data)
    return kind, _txt_pages(data)


def safe_display_name(filename: str | None) -> str:
    """The upload's name, cleaned for *display only* (storage uses ids, never this name).

    Directories of either separator are dropped, control and invisible formatting characters
    (NUL, the right-to-left override that shows ``fdp.exe`` as ``exe.pdf``) are removed, and
    the name is cut to 120 characters keeping its extension.

    >>> safe_display_name("../../etc/passwd"), safe_display_name("..\\\\..\\\\win.ini")
    ('passwd', 'win.ini')
    """
    name = unicodedata.normalize("NFC", filename or "")
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in {"Cc", "Cf", "Zl", "Zp"})
    name = re.sub(r"\s+", " ", name).strip().lstrip(".").strip()
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        keep = f".{ext}" if dot and stem and 0 < len(ext) <= 10 else ""
        name = name[: 120 - len(keep)].rstrip() + keep
    return name or "document"


def normalise_text(text: str) -> str:
    """Tidy extracted text without losing structure: line breaks stay (clause splitting needs
    them), runs of spaces and tabs shrink to one, ligatures and odd spaces become plain (NFKC),
    invisible characters go, and at most one blank line separates paragraphs."""
    text = unicodedata.normalize("NFKC", text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _INVISIBLE.sub("", text.replace("\u2029", "\n\n"))
    text = _CONTROL.sub("", text).replace("\f", "\n")
    lines = [re.sub(r"[^\S\n]+", " ", line).strip() for line in text.split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _brief(error: Exception) -> str:
    """A parser's complaint, short enough for an HTTP reason (lxml's can be very long)."""
    return (str(error) or type(error).__name__)[:160]


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f} MB" if size >= 100_000 else f"{size} bytes"


def _as_text(data: bytes) -> str | None:
    """The bytes as text if they are UTF-8 (BOM allowed), NUL-free and mostly printable."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if "\x00" in text or len(_CONTROL.findall(text)) > 0.02 * len(text):
        return None
    return text


def _looks_like_legacy_text(data: bytes) -> bool:
    """Windows-1252 text (Word's "Plain Text" default in Europe) decodes cleanly; binary does not."""
    try:
        text = data[:65536].decode("cp1252")
    except UnicodeDecodeError:
        return False
    return "\x00" not in text and not _CONTROL.search(text)


def _sniff_zip(data: bytes) -> Kind:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as error:
        raise UploadError(_STATUS_UNPARSEABLE, f"damaged ZIP/DOCX file: {_brief(error)}") from error
    if {"[Content_Types].xml", "word/document.xml"} <= names:
        return "docx"
    for member, name in _ZIP_FAMILIES:
        if member in names:
            raise UploadError(_STATUS_UNSUPPORTED, f"unsupported file type: {name}")
    raise UploadError(_STATUS_UNSUPPORTED, "unsupported file type: a ZIP archive, not a .docx")


def check_zip_safety(archive: zipfile.ZipFile) -> None:
    """Refuse a ZIP whose directory promises trouble, before a single byte is decompressed.

    The directory declares each member's sizes; Python's zipfile never inflates a member past its
    declared size (and fails its CRC check if the data says otherwise), so checking the declared
    sizes bounds the real work: member count, total uncompressed size, per-member ratio, and
    names that would escape a folder if anything ever extracted them.
    """
    infos = archive.infolist()
    if len(infos) > MAX_ZIP_ENTRIES:
        raise UploadError(_STATUS_UNPARSEABLE, f"looks like a zip bomb: {len(infos)} entries")
    total = sum(info.file_size for info in infos)
    if total > MAX_ZIP_UNCOMPRESSED:
        raise UploadError(
            _STATUS_UNPARSEABLE, f"looks like a zip bomb: it unpacks to {_megabytes(total)}"
        )
    for info in infos:
        name = info.filename.replace("\\", "/")
        if name.startswith("/") or re.match(r"^[A-Za-z]:", name) or ".." in name.split("/"):
            raise UploadError(_STATUS_UNPARSEABLE, f"unsafe path inside the DOCX: {name[:80]!r}")
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= ZIP_RATIO_MIN_BYTES and ratio > MAX_ZIP_RATIO:
            raise UploadError(
                _STATUS_UNPARSEABLE,
                f"looks like a zip bomb: {name[:80]!r} is compressed {ratio:.0f}:1",
            )


def _docx_pages(data: bytes) -> list[Page]:
    from m5_agents_mlops.contracts.docx_text import docx_lines  # python-docx loads lxml: lazily

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        check_zip_safety(archive)
    try:
        lines = docx_lines(io.BytesIO(data))
    except Exception as error:  # python-docx/lxml raise many types on damaged parts: all mean 422
        raise UploadError(_STATUS_UNPARSEABLE, f"damaged DOCX file: {_brief(error)}") from error
    text = normalise_text("\n".join(lines))
    if not text:
        raise UploadError(_STATUS_UNPARSEABLE, "the DOCX has no text")
    return [Page(None, text)]


def _pdf_pages(data: bytes) -> list[Page]:
    from pypdf import PdfReader
    from pypdf.errors import DependencyError, FileNotDecryptedError

    if b"%%EOF" not in data.rstrip(b" \t\r\n\f\x00")[-1024:]:  # Acrobat's rule: in the last 1 KB
        raise UploadError(_STATUS_UNPARSEABLE, "truncated PDF: the end of the file is missing")
    encrypted = "encrypted PDF: remove the password and upload again"
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):  # "" = what a viewer tries first
            raise UploadError(_STATUS_UNPARSEABLE, encrypted)
        if len(reader.pages) > MAX_PDF_PAGES:
            raise UploadError(_STATUS_UNPARSEABLE, f"too many pages (> {MAX_PDF_PAGES})")
        texts = [page.extract_text() or "" for page in reader.pages]
    except UploadError:
        raise
    except (FileNotDecryptedError, DependencyError) as error:
        raise UploadError(_STATUS_UNPARSEABLE, encrypted) from error
    except Exception as error:  # pypdf documents that broken files may raise any exception type
        raise UploadError(_STATUS_UNPARSEABLE, f"damaged PDF: {_brief(error)}") from error
    texts = strip_page_furniture(texts)  # page numbers, running headers and footers
    pages = [Page(number, normalise_text(text)) for number, text in enumerate(texts, 1)]
    if sum(len(re.sub(r"\s", "", page.text)) for page in pages) < MIN_TEXT_CHARS:
        raise UploadError(
            _STATUS_UNPARSEABLE,
            "the PDF has no extractable text (a scanned image?): run OCR on it or upload the "
            "original document",
        )
    return pages


def _txt_pages(data: bytes) -> list[Page]:
    text = _as_text(data) or ""  # sniff() said "txt", so this is the decoded text
    parts = text.split("\f")
    while len(parts) > 1 and not parts[-1].strip():  # a trailing form feed is not a new page
        parts.pop()
    if len(parts) == 1:
        pages = [Page(None, normalise_text(text))]
    else:
        pages = [Page(number, normalise_text(part)) for number, part in enumerate(parts, 1)]
    if not any(page.text for page in pages):
        raise UploadError(_STATUS_UNPARSEABLE, "the text file is blank")
    return pages

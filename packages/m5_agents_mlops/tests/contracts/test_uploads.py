"""Uploads are judged by their bytes: real PDFs, DOCX files and zip bombs built here, refused with
the right HTTP status and a reason, or read into pages."""

from __future__ import annotations

import io
import random
import struct
import zipfile
import zlib
from pathlib import Path

import docx
import pytest
from fpdf import FPDF
from pypdf import PdfReader, PdfWriter

from m5_agents_mlops.contracts.uploads import (
    MAX_UPLOAD_BYTES,
    MAX_ZIP_ENTRIES,
    UploadError,
    normalise_text,
    parse,
    safe_display_name,
    sniff,
)
from m5_agents_mlops.errors import AgentError

PAGES = [
    "1. Definitions\nIn this Agreement the Supplier means Acme Ltd.",
    "2. Term\nThis Agreement starts on the Effective Date and lasts two years.",
    "3. Termination\nEither party may terminate on ninety days' written notice.",
]


def make_pdf(pages: list[str], text: bool = True) -> bytes:
    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    for page in pages:
        pdf.add_page()
        if text:
            pdf.multi_cell(0, 6, page)
        else:  # a "scan": drawings, no text layer
            pdf.rect(20, 20, 120, 160, style="F")
    return bytes(pdf.output())


def encrypt(data: bytes, user_password: str, owner_password: str | None, algorithm: str) -> bytes:
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(data)))
    writer.encrypt(user_password, owner_password, algorithm=algorithm)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def make_docx() -> bytes:
    document = docx.Document()
    document.add_heading("SERVICES AGREEMENT", 0)
    document.add_paragraph("This Agreement is made between Acme Ltd and Beta LLC.")
    document.add_heading("1. Definitions", 1)
    document.add_paragraph("Words\tand   phrases have\u00a0these meanings.")
    document.add_paragraph("Payment", style="List Number")  # Word's own numbering: "1. Payment"
    document.add_paragraph("Term", style="List Number")
    table = document.add_table(rows=2, cols=2)
    for index, value in enumerate(["Plan", "Fee", "Basic", "EUR 10"]):
        table.cell(index // 2, index % 2).text = value
    document.add_paragraph("Signed by both parties.")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def make_zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return out.getvalue()


def zeros_docx(megabytes: int) -> bytes:
    """A "DOCX" whose document.xml inflates to ``megabytes`` MB of zeros: a real zip bomb.

    Deflating 200 MB would take seconds, so the stream is built from one compressed MB repeated:
    a block ended by a full flush refers to nothing before it, so copies concatenate into a valid
    deflate stream. The ZIP around it is written by hand (local headers, directory, end record).
    """
    chunk = bytes(1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)  # raw deflate, as ZIP stores it
    block = compressor.compress(chunk) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(chunk, crc)
    types = b"<Types/>"
    members = [
        (b"[Content_Types].xml", 0, types, zlib.crc32(types), len(types)),
        (b"word/document.xml", 8, block * megabytes + compressor.flush(), crc, megabytes << 20),
    ]
    local, directory = b"", b""
    for name, method, data, checksum, size in members:
        fields = (20, 0, method, 0, 33, checksum, len(data), size, len(name), 0)
        directory += struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHIIIHH", *fields)
        directory += struct.pack("<HHHII", 0, 0, 0, 0, len(local)) + name
        local += struct.pack("<I", 0x04034B50) + struct.pack("<HHHHHIIIHH", *fields) + name + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, 2, 2, len(directory), len(local), 0)
    return local + directory + end


def refusal(data: bytes, **limits: int) -> UploadError:
    with pytest.raises(UploadError) as caught:
        parse(data, **limits)
    return caught.value


def test_pdf_pages_keep_their_numbers_and_text() -> None:
    kind, pages = parse(make_pdf(PAGES) + b"\r\n" + bytes(600))  # padding after %%EOF is fine
    assert kind == "pdf"
    assert [page.number for page in pages] == [1, 2, 3]
    for page, source in zip(pages, PAGES, strict=True):
        assert page.text.split("\n")[0] == source.split("\n")[0]  # "2. Term" opens page 2
        assert source.split("\n")[1][:30] in page.text


def test_type_comes_from_content_never_from_the_name(tmp_path: Path) -> None:
    (tmp_path / "contract.pdf").write_bytes(make_docx())  # a DOCX renamed .pdf
    (tmp_path / "notes.txt").write_bytes(make_pdf(PAGES))  # a PDF renamed .txt
    assert sniff((tmp_path / "contract.pdf").read_bytes()) == "docx"
    assert parse((tmp_path / "notes.txt").read_bytes())[0] == "pdf"
    assert sniff("\ufeffClause 1. Définitions — €10".encode()) == "txt"  # UTF-8 with a BOM


@pytest.mark.parametrize("algorithm", ["RC4-128", "AES-256"])
def test_password_protected_pdf_is_refused_with_what_to_do(algorithm: str) -> None:
    error = refusal(encrypt(make_pdf(PAGES), "s3cret", None, algorithm))
    assert error.status == 422
    assert str(error) == "encrypted PDF: remove the password and upload again"


def test_pdf_with_only_an_owner_password_opens_like_in_a_viewer() -> None:
    # Empty user password: every viewer opens it without asking, so we read it too (policy).
    data = encrypt(make_pdf(PAGES), "", "owner-only", "AES-128")
    assert PdfReader(io.BytesIO(data)).is_encrypted
    kind, pages = parse(data)
    assert kind == "pdf" and "ninety days" in pages[2].text


@pytest.mark.parametrize("keep", [0.5, 0.9, 0.99])
def test_truncated_pdf_is_refused(keep: float) -> None:
    data = make_pdf(PAGES)
    error = refusal(data[: int(len(data) * keep)])
    assert error.status == 422 and "truncated" in str(error)


def test_malformed_pdf_is_refused_not_crashed() -> None:
    garbage = b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\ntrailer <<>>\n%%EOF\n"
    error = refusal(garbage)
    assert error.status == 422 and "damaged PDF" in str(error)


def test_scanned_pdf_without_text_layer_says_so() -> None:
    error = refusal(make_pdf(["scan"] * 2, text=False))
    assert error.status == 422 and "no extractable text" in str(error)


@pytest.mark.parametrize(
    ("data", "named"),
    [
        (b"\x89PNG\r\n\x1a\n" + bytes(64), "PNG image"),
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(54) + b"PE\x00\x00", "Windows executable"),
        (b"\x7fELF\x02\x01\x01" + bytes(57), "ELF executable"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504), "legacy Office"),
        (b"{\\rtf1\\ansi Clause 1}", "RTF"),
        ("\ufeffClause 1. Term".encode("utf-16-le"), "UTF-16"),
        (make_zip({"[Content_Types].xml": b"<Types/>", "xl/workbook.xml": b"<w/>"}), "Excel"),
        (make_zip({"readme.md": b"hello"}), "ZIP archive"),
    ],
)
def test_other_formats_are_unsupported_and_named(data: bytes, named: str) -> None:
    error = refusal(data)
    assert error.status == 415 and named in str(error)


def test_random_bytes_are_unsupported() -> None:
    data = random.Random(14).randbytes(4096)
    assert refusal(data).status == 415


def test_size_is_checked_first_and_limit_is_a_parameter() -> None:
    assert MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    error = refusal(b"\x89PNG" + bytes(2000), max_bytes=1000)  # too large wins over wrong type
    assert error.status == 413 and "1000 bytes" in str(error)
    assert parse(b"x" * 1000, max_bytes=1000)[0] == "txt"  # the limit itself is allowed


@pytest.mark.parametrize(("data", "status"), [(b"", 422), (b" \n\t\n", 422)])
def test_empty_or_blank_file(data: bytes, status: int) -> None:
    assert refusal(data).status == status


def test_text_must_be_utf8() -> None:
    error = refusal("Café – naïve clause".encode("cp1252"))
    assert error.status == 415 and "not UTF-8" in str(error)
    assert refusal(b"Clause 1\x00\x00 binary").status == 415  # NUL bytes: not text


def test_text_form_feeds_make_numbered_pages() -> None:
    kind, pages = parse(b"1. First\r\nbody one\f2. Second\tpage\f")
    assert kind == "txt"
    assert [(page.number, page.text) for page in pages] == [
        (1, "1. First\nbody one"),
        (2, "2. Second page"),
    ]
    assert parse(b"Just one page.")[1][0].number is None


def test_normalise_keeps_lines_and_tidies_the_rest() -> None:
    raw = "  Of\ufb01ce\u00a0 rent\t\tis due.\u200b\r\n\r\n\r\n\r\nNext\u00adline  "
    assert normalise_text(raw) == "Office rent is due.\n\nNextline"


def test_docx_paragraphs_headings_numbering_and_tables_in_order() -> None:
    kind, pages = parse(make_docx())
    assert kind == "docx" and len(pages) == 1 and pages[0].number is None
    assert pages[0].text.split("\n") == [
        "SERVICES AGREEMENT",
        "This Agreement is made between Acme Ltd and Beta LLC.",
        "1. Definitions",
        "Words and phrases have these meanings.",
        "1. Payment",
        "2. Term",
        "Plan | Fee",
        "Basic | EUR 10",
        "Signed by both parties.",
    ]


def test_zip_bomb_disguised_as_docx_is_refused_before_inflating() -> None:
    bomb = zeros_docx(200)  # 200 MB of zeros inside, 200 KB on the wire
    assert len(bomb) < 1024 * 1024 and sniff(bomb) == "docx"
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive, archive.open("word/document.xml") as xml:
        assert xml.read(3 << 20) == bytes(3 << 20)  # a real bomb: it does inflate (3 MB tasted)
    error = refusal(bomb)
    assert error.status == 422 and str(error) == "looks like a zip bomb: it unpacks to 200.0 MB"


def test_small_member_with_absurd_ratio_is_a_bomb_too() -> None:
    error = refusal(zeros_docx(2))  # 2 MB: under the total limit, but ~1000:1
    assert error.status == 422 and "compressed" in str(error)


def test_too_many_entries_is_a_bomb() -> None:
    members = {f"word/media/{index}.bin": b"x" for index in range(MAX_ZIP_ENTRIES + 1)}
    members |= {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w/>"}
    assert "entries" in str(refusal(make_zip(members)))


@pytest.mark.parametrize("name", ["../../evil.sh", "/etc/cron.d/job", "word/../../x", "C:/x.dll"])
def test_docx_with_escaping_member_names_is_refused(name: str) -> None:
    buffer = io.BytesIO(make_docx())
    with zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr(name, b"payload")
    error = refusal(buffer.getvalue())
    assert error.status == 422 and "unsafe path" in str(error)


def test_damaged_docx_is_unparseable() -> None:
    data = make_docx()
    assert refusal(data[: len(data) // 2]).status == 422  # ZIP directory cut off
    broken = make_zip({"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document"})
    error = refusal(broken)
    assert error.status == 422 and "damaged DOCX" in str(error)


@pytest.mark.parametrize(
    ("filename", "shown"),
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\win.ini", "win.ini"),
        ("a\x00b.pdf", "ab.pdf"),
        ("C:\\Users\\me\\Contract (final).docx", "Contract (final).docx"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),  # right-to-left override removed
        ("..", "document"),
        ("", "document"),
        (None, "document"),
        ("  .hidden  ", "hidden"),
    ],
)
def test_safe_display_name(filename: str | None, shown: str) -> None:
    assert safe_display_name(filename) == shown


def test_safe_display_name_is_short_and_keeps_the_extension() -> None:
    name = safe_display_name("x" * 500 + ".pdf")
    assert len(name) == 120 and name.endswith("xx.pdf")


def test_upload_error_is_a_project_error_with_an_http_status() -> None:
    error = UploadError(413, "file too large")
    assert isinstance(error, AgentError) and error.status == 413 and str(error) == "file too large"

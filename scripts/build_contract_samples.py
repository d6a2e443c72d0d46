"""Build the Contract-QA sample contracts: each ``samples/*.md`` source becomes a PDF and a DOCX.

    uv run scripts/build_contract_samples.py            # rebuild the PDFs and DOCXs in place
    uv run scripts/build_contract_samples.py --check    # exit 1 if a committed file is stale

The sources live in ``packages/m5_agents_mlops/src/m5_agents_mlops/contracts/samples/`` and use a
deliberately small format, so a learner can edit a contract in any text editor:

- the first line is ``# Title``;
- a heading line is a clause number and a heading (``1. Definitions``, ``4.2 Notice of
  Termination``: one number part is a Heading 1, two or more a Heading 2), a schedule
  (``Schedule 1 - Fees``) or one of the unnumbered headings in ``UNNUMBERED`` (``Recitals``);
- every other non-blank line is a body paragraph. A body paragraph never starts with a digit, so
  a line that does but is too long to be a heading is reported as an authoring mistake.

The generated files are committed (the upload tests and the browser test use them), so they must be
reproducible: fixed creation dates, fixed ZIP timestamps and attributes, no random ids. The PDFs are
written uncompressed (about 30 KiB each, and their text is readable with ``less``), so they are
byte-for-byte the same on every machine. A DOCX is a ZIP whose parts must be deflated to stay small,
and two zlib builds (zlib and zlib-ng both ship with Python builds) may deflate the same bytes
differently, so ``--check`` compares a DOCX by its parts (names and uncompressed bytes) and a PDF
by its bytes, after rebuilding into a temporary folder.
"""

from __future__ import annotations

import argparse
import io
import re
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

SAMPLES = (
    Path(__file__).resolve().parents[1]
    / "packages/m5_agents_mlops/src/m5_agents_mlops/contracts/samples"
)
FIXED_DATE = datetime(2025, 1, 1, tzinfo=UTC)  # the "created" date of every output
FIXED_ZIP_TIME = (2025, 1, 1, 0, 0, 0)
AUTHOR = "ai-roadmap (fictional sample contract)"
UNNUMBERED = frozenset({"Recitals", "Background", "Parties", "Execution", "Signatures"})
NUMBERED = re.compile(r"^(?P<number>\d+(?:\.\d+)*)\.?\s+(?P<heading>\S.*)$")
SCHEDULE = re.compile(r"^(?P<number>Schedule \d+) - (?P<heading>\S.*)$")
MAX_HEADING = 80  # characters; longer numbered lines are body text written by mistake


@dataclass(frozen=True)
class Block:
    """One piece of a contract: ``level`` 0 is the title, 1 and 2 headings, None a paragraph."""

    level: int | None
    text: str
    number: str | None = None  # "4.2", "Schedule 1"; None for paragraphs and unnumbered headings


@dataclass(frozen=True)
class Source:
    """A parsed source: its file stem (``nda``), title and blocks in document order."""

    name: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def headings(self) -> list[Block]:
        """The heading blocks (levels 1 and 2), in order."""
        return [block for block in self.blocks if block.level in (1, 2)]


def parse_source(text: str, name: str = "contract") -> Source:
    """Split a source into title, headings and paragraphs (see the module docstring)."""
    lines = [line.strip() for line in text.splitlines()]
    if not lines or not lines[0].startswith("# "):
        raise ValueError(f"{name}: the first line must be '# Title'")
    title = lines[0][2:].strip()
    blocks = [Block(0, title)]
    for line in lines[1:]:
        if not line:
            continue
        if line.startswith("#"):
            raise ValueError(f"{name}: only the first line may start with '#': {line!r}")
        line.encode("latin-1")  # the PDF core fonts can only draw latin-1: fail here, clearly
        numbered, schedule = NUMBERED.match(line), SCHEDULE.match(line)
        if numbered and len(line) > MAX_HEADING:
            raise ValueError(f"{name}: body text may not start with a digit: {line[:60]!r}")
        if numbered:
            depth = numbered["number"].count(".") + 1
            blocks.append(Block(1 if depth == 1 else 2, line, numbered["number"]))
        elif schedule:
            blocks.append(Block(1, line, schedule["number"]))
        elif line in UNNUMBERED:
            blocks.append(Block(1, line))
        else:
            blocks.append(Block(None, line))
    return Source(name, title, tuple(blocks))


def load_sources(samples: Path = SAMPLES) -> list[Source]:
    """Every ``*.md`` under ``samples``, parsed, in name order."""
    return [
        parse_source(path.read_text(encoding="utf-8"), path.stem)
        for path in sorted(samples.glob("*.md"))
    ]


def wrap(text: str, width: float, measure: Callable[[str], float]) -> list[str]:
    """Greedy line breaking: put words on a line until the next one would pass ``width``.

    ``measure(word)`` is the printed width of a word. fpdf2's ``multi_cell`` does the same (and
    justifies), but measures character by character and takes about three times as long, which
    the reproducibility test pays on every run. A word wider than a line gets a line of its own.
    """
    lines: list[str] = []
    line: list[str] = []
    used, space = 0.0, measure(" ")
    for word in text.split():
        size = measure(word)
        if line and used + space + size > width:
            lines.append(" ".join(line))
            line, used = [], 0.0
        used += (space if line else 0.0) + size
        line.append(word)
    return [*lines, " ".join(line)] if line else lines


def build_pdf(source: Source) -> bytes:
    """A4 PDF: Helvetica, bold headings, wrapped paragraphs, "Page N of M" footers."""
    from fpdf import FPDF
    from fpdf.enums import XPos, YPos

    class ContractPDF(FPDF):
        def footer(self) -> None:
            self.set_y(-14)
            self.set_font("Helvetica", size=8)
            self.cell(0, 6, f"Page {self.page_no()} of {{nb}}", align="C")

    pdf = ContractPDF(format="A4")
    pdf.set_compression(False)  # see the module docstring: zlib output differs between builds
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(source.title)
    pdf.set_author(AUTHOR)
    pdf.set_creator("scripts/build_contract_samples.py")
    pdf.set_margins(22, 20, 22)
    pdf.set_auto_page_break(auto=True, margin=22)  # cell() starts a new page past this line
    pdf.add_page()
    # (font size, space above, line height) per level: title, heading 1, heading 2, paragraph
    styles = {0: (16, 0, 9), 1: (12, 5, 6.5), 2: (10.5, 2.5, 5.5), None: (10, 1.5, 5)}
    widths: dict[tuple[str, float, str], float] = {}  # words repeat a lot: measure each once

    def measure(word: str) -> float:
        key = (pdf.font_style, pdf.font_size_pt, word)
        if key not in widths:
            widths[key] = pdf.get_string_width(word)
        return widths[key]

    for block in source.blocks:
        size, above, line_height = styles[block.level]
        if block.level is not None and pdf.get_y() > pdf.page_break_trigger - 30:
            pdf.add_page()  # never strand a heading at the foot of a page
        elif pdf.get_y() > pdf.t_margin:
            pdf.ln(above)
        pdf.set_font("Helvetica", style="" if block.level is None else "B", size=size)
        for line in wrap(block.text, pdf.epw, measure):
            align = "C" if block.level == 0 else "L"
            pdf.cell(pdf.epw, line_height, line, align=align, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        if block.level == 0:
            pdf.ln(4)
    return bytes(pdf.output())


def build_docx(source: Source) -> bytes:
    """DOCX: the title in the Title style, headings as Heading 1/2, paragraphs as Normal."""
    import docx

    document = docx.Document()
    # Look the heading styles up once: python-docx searches the styles part on every lookup by
    # name. Paragraphs get no explicit style: a paragraph without one is in the default, Normal.
    styles = {level: document.styles[f"Heading {level}"] for level in (1, 2)}
    styles[0] = document.styles["Title"]
    props = document.core_properties
    props.title, props.author, props.last_modified_by = source.title, AUTHOR, AUTHOR
    props.created = props.modified = FIXED_DATE.replace(tzinfo=None)
    props.revision = 1
    props.comments = "A fictional contract written for the ai-roadmap Contract-QA capstone."
    for block in source.blocks:
        style = None if block.level is None else styles[block.level]
        document.add_paragraph(block.text, style=style)
    buffer = io.BytesIO()
    document.save(buffer)
    return _normalise_zip(buffer.getvalue())


def _normalise_zip(data: bytes) -> bytes:
    """Rewrite a ZIP with fixed timestamps and attributes, so only the content decides its bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=FIXED_ZIP_TIME)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 3  # ZipInfo defaults to the running OS: pin it
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return out.getvalue()


def build_all(samples: Path = SAMPLES, out_dir: Path | None = None) -> list[Path]:
    """Write ``NAME.pdf`` and ``NAME.docx`` for every source into ``out_dir`` (default: beside)."""
    out_dir = out_dir or samples
    written = []
    for source in load_sources(samples):
        for suffix, build in ((".pdf", build_pdf), (".docx", build_docx)):
            path = out_dir / f"{source.name}{suffix}"
            path.write_bytes(build(source))
            written.append(path)
    return written


def _content(path: Path) -> bytes | list[tuple[str, bytes]]:
    """What ``--check`` compares: a DOCX's parts uncompressed, any other file's bytes."""
    if path.suffix != ".docx":
        return path.read_bytes()
    with zipfile.ZipFile(path) as archive:
        return [(info.filename, archive.read(info)) for info in archive.infolist()]


def stale_files(samples: Path = SAMPLES) -> list[str]:
    """Names of the committed outputs that are missing or differ from a fresh build."""
    with tempfile.TemporaryDirectory() as tmp:
        fresh = build_all(samples, Path(tmp))
        return [
            path.name
            for path in fresh
            if not (samples / path.name).is_file()
            or _content(samples / path.name) != _content(path)
        ]


def main(argv: list[str] | None = None) -> int:
    """Build (or with ``--check``, verify) the sample PDFs and DOCXs; print what happened."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="exit 1 if a built file is stale")
    parser.add_argument("--samples", type=Path, default=SAMPLES, help="the folder of *.md sources")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_files(args.samples)
        for name in stale:
            print(f"stale: {name} (run scripts/build_contract_samples.py)")
        print("up to date" if not stale else f"{len(stale)} stale file(s)")
        return 1 if stale else 0
    for path in build_all(args.samples):
        print(f"{path.name:18} {path.stat().st_size / 1024:6.1f} KiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())

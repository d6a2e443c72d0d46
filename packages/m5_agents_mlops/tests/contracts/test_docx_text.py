"""A Word file's text in reading order, with the numbers Word draws itself (automatic numbering)."""

from __future__ import annotations

import io

import docx
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls

from m5_agents_mlops.contracts.clauses import split_clauses
from m5_agents_mlops.contracts.docx_text import docx_lines
from m5_agents_mlops.contracts.parsed import Page

LEVELS = [(0, "decimal", "%1."), (1, "decimal", "%1.%2"), (2, "lowerLetter", "(%3)")]


def numbered_document(paragraphs: list[tuple[int | None, str]], num_id: int = 90) -> bytes:
    """A document with a three-level list ("1.", "1.1", "(a)") defined in numbering.xml, the way
    Word writes clause numbering; ``level`` None is a plain paragraph, ``num_id`` 0 is Word's
    "numbering switched off here"."""
    document = docx.Document()
    definition = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/><w:numFmt w:val="{fmt}"/>'
        f'<w:lvlText w:val="{text}"/></w:lvl>'
        for level, fmt, text in LEVELS
    )
    numbering = document.part.numbering_part.element
    numbering.append(
        parse_xml(
            f'<w:abstractNum {nsdecls("w")} w:abstractNumId="90">{definition}</w:abstractNum>'
        )
    )
    numbering.append(
        parse_xml(f'<w:num {nsdecls("w")} w:numId="90"><w:abstractNumId w:val="90"/></w:num>')
    )
    for level, text in paragraphs:
        paragraph = document.add_paragraph(text)
        if level is not None:
            paragraph._p.get_or_add_pPr().append(
                parse_xml(
                    f'<w:numPr {nsdecls("w")}><w:ilvl w:val="{level}"/>'
                    f'<w:numId w:val="{num_id}"/></w:numPr>'
                )
            )
    document.sections[0].footer.paragraphs[0].text = "Page footer: Confidential"
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_multilevel_numbering_is_replayed_and_deeper_levels_restart() -> None:
    paragraphs = [(0, "Definitions"), (1, "Terms"), (2, "first"), (2, "second"), (1, "Scope")]
    paragraphs += [(None, "Body text without a number."), (0, "Term"), (1, "Start"), (2, "third")]
    lines = docx_lines(io.BytesIO(numbered_document(paragraphs)))
    assert lines == [
        "1. Definitions", "1.1 Terms", "(a) first", "(b) second", "1.2 Scope",
        "Body text without a number.", "2. Term", "2.1 Start", "(a) third",
    ]  # fmt: skip
    clauses = split_clauses([Page(None, "\n".join(lines))])
    assert [clause.number for clause in clauses] == ["1", "1.1", "1.2", "2", "2.1"]


def test_numbering_switched_off_and_footers_left_out() -> None:
    lines = docx_lines(io.BytesIO(numbered_document([(0, "Plain"), (1, "Also plain")], num_id=0)))
    assert lines == ["Plain", "Also plain"]  # numId 0 means "no number"; no footer text


def test_bullets_have_no_number_and_tables_read_row_by_row() -> None:
    document = docx.Document()
    document.add_paragraph("An item", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    table.cell(0, 0).merge(table.cell(0, 1)).text = "Merged heading"
    table.cell(0, 2).text = "Fee"
    table.cell(1, 0).text = "Basic"
    table.cell(1, 2).text = "EUR 10"
    inner = table.cell(1, 1).add_table(rows=1, cols=2)
    inner.cell(0, 0).text, inner.cell(0, 1).text = "nested", "cells"
    out = io.BytesIO()
    document.save(out)
    assert docx_lines(io.BytesIO(out.getvalue())) == [
        "An item",
        "Merged heading | Fee",
        "Basic |  | EUR 10",
        "nested | cells",  # a nested table's rows follow the row that holds it
    ]

"""A Word document's text in reading order, with the clause numbers Word draws itself.

python-docx gives each paragraph's typed text, but contracts written in Word usually number their
clauses with *automatic* numbering ("1.", "1.1", "(a)"): the numbers live in ``numbering.xml``,
not in the text, and would vanish. :class:`_Numbering` replays Word's counters (one per list and
level, deeper levels restarting when a shallower one advances) so that "Termination" comes out as
"12. Termination", the way the clause splitter and a reader see it.

Only the zip-bomb-checked bytes reach here (see ``uploads.check_zip_safety``), and python-docx's
XML parser does not resolve entities, so a "billion laughs" document expands nothing.
"""

from __future__ import annotations

from typing import IO

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_NS = {"w": _W}
_MAX_TABLE_DEPTH = 5  # nested tables deeper than this are layout tricks, not contract text


def docx_lines(stream: IO[bytes]) -> list[str]:
    """Body paragraphs and table rows in document order, one line each.

    Heading and title paragraphs stay lines of their own; auto-numbered paragraphs get their
    number in front; a table row becomes its cells joined by `` | `` (merged cells once).
    Headers, footers and footnotes are left out: they repeat boilerplate on every page.
    """
    document = docx.Document(stream)
    numbering = _Numbering(document)
    lines: list[str] = []
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            lines.append(numbering.label(block) + block.text)
        else:
            lines.extend(_table_lines(block, numbering, depth=0))
    return lines


def _table_lines(table: Table, numbering: _Numbering, depth: int) -> list[str]:
    if depth > _MAX_TABLE_DEPTH:
        return []
    lines: list[str] = []
    for row in table.rows:
        cells, seen, nested = [], [], []
        for cell in row.cells:
            if any(cell._tc is element for element in seen):  # merged: once per spanned column
                continue
            seen.append(cell._tc)
            parts: list[str] = []
            for inner in cell.iter_inner_content():
                if isinstance(inner, Paragraph):
                    parts.append(numbering.label(inner) + inner.text)
                else:  # a table inside a cell: its rows follow the row that holds it
                    nested.extend(_table_lines(inner, numbering, depth + 1))
            cells.append(" ".join(part.strip() for part in parts if part.strip()))
        if any(cells):
            lines.append(" | ".join(cells))
        lines.extend(nested)
    return lines


class _Numbering:
    """Word's automatic paragraph numbering, replayed in document order."""

    def __init__(self, document: docx.document.Document) -> None:
        self._levels: dict[str, dict[int, tuple[int, str, str]]] = {}  # numId → ilvl → format
        self._counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part: nothing is auto-numbered
            return
        abstract = {
            node.get(f"{{{_W}}}abstractNumId"): node for node in root.findall("w:abstractNum", _NS)
        }
        for num in root.findall("w:num", _NS):
            ref = num.find("w:abstractNumId", _NS)
            definition = abstract.get(ref.get(f"{{{_W}}}val")) if ref is not None else None
            if definition is None:
                continue
            levels = {}
            for lvl in definition.findall("w:lvl", _NS):
                levels[int(lvl.get(f"{{{_W}}}ilvl", "0"))] = (
                    int(_val(lvl, "w:start") or 1),
                    _val(lvl, "w:numFmt") or "decimal",
                    _val(lvl, "w:lvlText") or "",
                )
            for override in num.findall("w:lvlOverride", _NS):
                level, start = (
                    int(override.get(f"{{{_W}}}ilvl", "0")),
                    _val(override, "w:startOverride"),
                )
                if start is not None and level in levels:
                    levels[level] = (int(start), *levels[level][1:])
            self._levels[num.get(f"{{{_W}}}numId")] = levels

    def label(self, paragraph: Paragraph) -> str:
        """The number Word would draw before this paragraph ("4.2 "), or "" if none."""
        num_id, level = self._num_pr(paragraph)
        levels = self._levels.get(num_id or "")
        if not levels or level not in levels:
            return ""
        counters = self._counters.setdefault(num_id, {})
        counters[level] = counters.get(level, levels[level][0] - 1) + 1
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]  # a new 4.x restarts 4.x.y at its start value
        _, fmt, text = levels[level]
        if fmt in {"bullet", "none"}:
            return ""
        for index in range(level + 1):
            value = counters.get(index, levels.get(index, (1,))[0])
            index_fmt = levels.get(index, (1, "decimal"))[1]
            text = text.replace(f"%{index + 1}", _format(value, index_fmt))
        return f"{text.strip()} " if text.strip() else ""

    @staticmethod
    def _num_pr(paragraph: Paragraph) -> tuple[str | None, int]:
        """numId and level from the paragraph, else from its style and the styles it is based on."""
        elements = [paragraph._p]
        style = paragraph.style
        for _ in range(10):  # style chains are short; the bound guards against cycles
            if style is None:
                break
            elements.append(style.element)
            style = style.base_style
        num_id, level = None, None
        for element in elements:
            num_pr = element.find("w:pPr/w:numPr", _NS)
            if num_pr is None:
                continue
            num_id = num_id or _val(num_pr, "w:numId")
            level = level if level is not None else _val(num_pr, "w:ilvl")
        return num_id, int(level or 0)


def _val(element: object, path: str) -> str | None:
    child = element.find(path, _NS)  # type: ignore[attr-defined]
    return None if child is None else child.get(f"{{{_W}}}val")


def _format(value: int, fmt: str) -> str:
    if fmt in {"lowerLetter", "upperLetter"}:
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if fmt == "upperLetter" else letter
    if fmt in {"lowerRoman", "upperRoman"}:
        roman = _roman(value)
        return roman if fmt == "upperRoman" else roman.lower()
    return str(value)


def _roman(value: int) -> str:
    out = ""
    for number, letters in zip(
        (1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1),
        ("M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I"),
        strict=True,
    ):
        while value >= number:
            out, value = out + letters, value - number
    return out

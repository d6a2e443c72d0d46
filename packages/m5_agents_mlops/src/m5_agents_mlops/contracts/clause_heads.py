"""What a line that starts a clause looks like: its number or keyword, and what follows it.

:func:`line_start` judges one line on its own shape and its neighbours; whether its number fits
the sequence of the clauses before it is :mod:`clauses`' business. The rules:

1. **Shape.** A number (``1.``, ``1.1``, ``4.2.``) or a keyword (``Section 4``, ``ARTICLE III``,
   ``Clause 5``, ``Schedule 1``, ``Annex A``, ``Exhibit B``, ``Appendix 2``; capitalised, never
   ``section 4`` mid-sentence) followed by a heading (≤ 12 words, capitalised, no trailing
   ``,;:``; a trailing ``.`` only on a short Title-Case one; sentence case only up to 6 words and
   only if the next line does not carry on in lower case), an inline heading (``12. Governing
   Law. This Agreement ...``), or a capitalised sentence. A number alone takes the next line as
   its heading (and is a page number unless that line is one).
2. **Not a clause.** A lower-case start (``1. the Supplier shall``: a list item; ``2.5 million``),
   a month (``1. January 2024``) or a magnitude (``2.5 Million``) after the number, ``2.3(a)``
   (a sub-item stays inside its clause), a line after one that stops mid-reference (``... as set
   out in clause`` / ``4.2 of the Agreement``), and table-of-contents lines (dot leaders).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_NUMBERED = re.compile(r"^(?P<num>\d{1,3}(?:\.\d{1,3})*)(?P<dot>\.?)(?=\s|$)\s*(?P<rest>.*)$")
_KEYWORD = re.compile(
    r"^(?P<kw>section|article|clause|schedule|annex|exhibit|appendix)\s+"
    r"(?P<id>(?-i:\d{1,3}(?:\.\d{1,3})*|[IVXLC]{1,7}|[A-Z]))(?![\w(])(?P<rest>.*)$",
    re.IGNORECASE,
)
_ATTACHMENTS = {"schedule", "annex", "exhibit", "appendix"}  # each starts its own numbering
_TOC_LEADER = re.compile(r"\.{4,}|…{2,}|(?:\. ){3,}")
_INLINE = re.compile(r"^(?P<head>[^.]{1,80}?)\.\s+(?P<body>[\"“‘'(]?[A-Z].*)$")
_MONTH = re.compile(  # "1. January 2024" is a date, whatever the shape of the line
    r"jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?"
    r"|nov(ember)?|dec(ember)?"
)
_MAGNITUDES = {"million", "billion", "trillion", "thousand", "hundred", "percent", "per", "%"}
_SMALL_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "into", "of", "on"}
_SMALL_WORDS |= {"or", "the", "to", "with", "upon", "under"}
_REF_WORDS = {  # a line ending in one of these stops mid-reference: the next line continues it
    "clause", "clauses", "section", "sections", "article", "articles", "paragraph", "schedule",
    "annex", "exhibit", "appendix", "sub-clause", "subclause", "of", "to", "in", "under",
    "and", "or", "the", "with", "by", "see", "pursuant", "than", "per",
}  # fmt: skip
_ABBREVIATIONS = {"mr", "mrs", "ms", "dr", "no", "st", "inc", "ltd", "co", "corp", "plc"}


@dataclass(frozen=True)
class ClauseStart:
    """A line shaped like a clause start; ``clauses`` checks its sequence whether it is one."""

    number: str
    heading: str | None
    key: tuple[int, ...] | None  # the number as integers; None for "Annex A"-style ids
    shape: str  # "heading", "inline" (``Term. This Agreement ...``) or "sentence"
    dotted: bool = True  # "7." or "7.1", not "10 Downing Street"
    keyword: bool = False  # "Section 4", "ARTICLE III", "Clause 5"
    attachment: bool = False  # "Schedule 1", "Annex A": the numbering restarts inside


def line_start(line: str, previous: str, following: str) -> ClauseStart | None:
    """The clause ``line`` would start, judged on its own shape and context (not its sequence)."""
    if _TOC_LEADER.search(line) or _continues_reference(previous):
        return None
    if match := _KEYWORD.match(line):
        keyword, ident = match["kw"], match["id"]
        if not keyword[0].isupper():  # "section 4 of the Act" mid-sentence
            return None
        shape, heading = _shape(match["rest"].strip().lstrip(".:-–—").strip(), following)
        attachment = keyword.lower() in _ATTACHMENTS
        key = None if attachment else _key(ident)
        if shape is None or (shape == "sentence" and key is None):  # "Schedule 2 sets out ..."
            return None
        if attachment:
            return ClauseStart(f"{keyword.title()} {ident}", heading, None, shape, attachment=True)
        return ClauseStart(ident, heading, key, shape, keyword=True)
    if match := _NUMBERED.match(line):
        rest, key = match["rest"], tuple(int(part) for part in match["num"].split("."))
        first_word = rest.split()[0].lower().strip(".,") if rest else ""
        if first_word in _MAGNITUDES or (
            _MONTH.fullmatch(first_word) and len(key) == 1 and key[0] <= 31
        ):
            return None  # "2.5 Million" is an amount, "1. January 2024" a date
        dotted = bool(match["dot"]) or len(key) > 1
        shape, heading = _shape(rest, following)
        if shape is None or (not rest and not (heading and (dotted or titleish(heading)))):
            return None  # a bare "3" is a page number unless a heading line follows it
        return ClauseStart(match["num"], heading, key, shape, dotted)
    return None


def _shape(rest: str, following: str) -> tuple[str | None, str | None]:
    """What follows a clause number: ``("heading", text)``, ``("inline", text)``,
    ``("sentence", None)``, or ``(None, None)`` when it cannot start a clause."""
    if not rest:  # the number stands alone: its heading may be the next line
        if following and not (_NUMBERED.match(following) or _KEYWORD.match(following)):
            return "heading", heading_text(following, "")
        return "heading", None
    quoted = rest[0] in "\"“‘'(" and rest[1:2].isupper()  # '1.1 "Affiliate" means ...'
    if not (rest[0].isupper() or quoted):
        return None, None  # "1. the Supplier shall", "2.5 million": a list item or an amount
    if not quoted and (heading := heading_text(rest, following)):
        return "heading", heading
    inline = _INLINE.match(rest)
    if inline and not quoted:
        head = inline["head"].strip()
        if len(head.split()) <= 8 and titleish(head) and head.lower() not in _ABBREVIATIONS:
            return "inline", head
    return "sentence", None


def heading_text(text: str, following: str) -> str | None:
    """``text`` as a heading, or None if it reads like (the start of) a sentence."""
    words = text.split()
    if (
        not words
        or len(words) > 12
        or len(text) > 100
        or not text[0].isupper()
        or text[-1] in ",;:"
    ):
        return None
    if text.endswith("."):
        text = text.rstrip(".").strip()
        return text if len(words) <= 6 and titleish(text) else None
    if following[:1].islower():  # the line carries on: a wrapped sentence, not a heading
        return None
    return text if titleish(text) or len(words) <= 6 else None


def titleish(text: str) -> bool:
    """UPPERCASE, or Title Case where every word but the small ones is capitalised."""
    words = re.findall(r"[^\W\d_][\w'’-]*", text)
    if not words:
        return False
    if all(ch.isupper() for ch in text if ch.isalpha()):
        return True
    significant = [word for word in words if word.lower() not in _SMALL_WORDS]
    return words[0][0].isupper() and all(word[0].isupper() for word in significant)


def _continues_reference(previous: str) -> bool:
    """Whether the previous line stops mid-reference ("... as set out in clause")."""
    ended = not previous or previous[-1] in '.:;!?)"”’'
    return not ended and previous.split()[-1].lower() in _REF_WORDS


def _key(ident: str) -> tuple[int, ...] | None:
    if ident[0].isdigit():
        return tuple(int(part) for part in ident.split("."))
    values = [{"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}.get(ch, 0) for ch in ident]
    if 0 in values:
        return (
            sum(-v if v < w else v for v, w in zip(values, [*values[1:], 0], strict=True)),
        )  # "Section A": a letter, no sequence to check

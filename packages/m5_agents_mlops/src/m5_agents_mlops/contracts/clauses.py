"""Pages of contract text → numbered clauses, the unit every citation points at.

A clause starts on a line of its own that opens with a number or a keyword: ``1. Definitions``,
``1.1 Confidential Information``, ``4.2. Either party may ...``, ``Section 4 - Term``, ``ARTICLE
III``, ``Clause 5``, ``Schedule 1 - Fees``, ``Annex A``, ``Exhibit B``. Other lines (sub-items
``(a)``, ``2.3(a)``, wrapped text) belong to the clause above; text before the first clause is the
preamble (number None, heading the title if it opens with one).

Numbers open plenty of lines that are not clauses, so a candidate must pass two tests. Its
*shape* (:mod:`clause_heads`: what follows the number, the line before it) and its *sequence*,
checked here:

- Forward from the last clause: the next sibling at any level (``4.2`` → ``4.3``, ``5``, ``5.1``;
  gaps up to 3 forgive a heading the extractor garbled) or a first child (``4`` → ``4.1``).
- A jump back (``1.`` inside clause 7) is a list item and stays inside its clause; a bare sentence
  after a top-level number (``3. The Customer shall ...``) needs exactly the next number.
- The first clause must look like a start (``1``, ``1.1``), or be a dotted heading (``7.
  Termination``, an excerpt) or a keyword heading; ``10 Downing Street`` in a preamble is not.
- Keyword headings (``Section 4 - Term``) need no sequence: the keyword is evidence enough.
- Schedules, annexes, exhibits and appendices restart the numbering inside them.
- When a heading numbered 1 comes again, the "clauses" before it were a table of contents
  (heading lines without body) or numbered recitals (sentences without headings): they are
  folded back into the preamble.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from m5_agents_mlops.contracts.clause_heads import ClauseStart, heading_text, line_start, titleish
from m5_agents_mlops.contracts.parsed import Page, ParsedClause

_GAP = 3  # how many numbers a clause may skip (a heading the extractor garbled)


@dataclass
class _Draft:
    number: str | None
    heading: str | None
    page: int | None
    lines: list[str] = field(default_factory=list)


def split_clauses(pages: list[Page]) -> list[ParsedClause]:
    """The clauses of a document in order; every line of text lands in exactly one clause.

    A clause keeps the page where its first line is, even when it runs onto the next page.
    """
    lines = [(page.number, line) for page in pages for line in page.text.split("\n")]
    following = _next_non_blank([line for _, line in lines])
    drafts = [_Draft(None, None, None)]  # drafts[0] is the preamble, dropped if empty
    last: tuple[int, ...] | None = None  # the number of the last clause in the current scope
    scope = 1  # drafts[scope:] share the current numbering
    previous = ""
    for (page, raw), after in zip(lines, following, strict=True):
        line = raw.strip()
        start = line_start(line, previous, after) if line else None
        if start is not None and start.key is not None:
            verdict = _sequence(start, last)
            if verdict == "restart" and _not_really_clauses(drafts[scope:]):
                host = drafts[scope - 1]  # plain text of the preamble (or schedule) after all
                host.page = drafts[scope].page if host.page is None else host.page
                for draft in drafts[scope:]:
                    host.lines.extend(draft.lines)
                del drafts[scope:]
                verdict = "yes"
            if verdict != "yes":
                start = None
        if start is None:
            drafts[-1].lines.append(raw)
            if line and len(drafts) == 1 and drafts[0].page is None:
                drafts[0].page = page
        else:
            drafts.append(_Draft(start.number, start.heading, page, [raw]))
            if start.attachment:
                last, scope = None, len(drafts)
            elif start.key is not None:
                last = start.key
        previous = line or previous
    return _finish(drafts)


def clause_chunks(clause: ParsedClause, max_chars: int = 1200, overlap: int = 150) -> list[str]:
    """A clause cut into overlapping pieces of at most ``max_chars`` for embedding.

    Each piece starts with the clause's label line (``§4.2 Notice of Termination``) so that a
    piece from the middle of a long clause still says where it comes from. Cuts fall at a line
    break, else a sentence end, else a space; ``overlap`` characters are repeated across a cut so
    that a sentence cut in two is whole in one of the pieces.
    """
    label = clause.label
    first, _, rest = clause.text.partition("\n")
    heading = (clause.heading or "").rstrip(".")
    body = rest if heading and first.strip().rstrip(".").endswith(heading) else clause.text
    body = body.strip()
    budget = max_chars - len(label) - 1
    if budget < 100 or not 0 <= overlap <= budget // 2:
        raise ValueError(f"max_chars={max_chars}, overlap={overlap} do not fit {label!r}")
    if not body:
        return [label]
    return [f"{label}\n{piece}" for piece in _windows(body, budget, overlap)]


def _windows(text: str, size: int, overlap: int) -> list[str]:
    pieces, start = [], 0
    while start < len(text):
        end = min(len(text), start + size)
        if end < len(text):
            for separator, keep in (("\n", 0), (". ", 1), ("; ", 1), (" ", 0)):
                cut = text.rfind(separator, start + size // 2, end)
                if cut > start:
                    end = cut + keep
                    break
        if piece := text[start:end].strip():
            pieces.append(piece)
        if end >= len(text):
            break
        space = (
            re.compile(r"\s").search(text, max(end - overlap, start + 1), end) if overlap else None
        )
        start = space.end() if space else end  # the next piece starts on a word boundary
    return pieces


def _sequence(start: ClauseStart, last: tuple[int, ...] | None) -> str:
    """ "yes" if ``start`` plausibly follows ``last``, "restart" if it restarts at 1, else "no"."""
    key = start.key or ()
    if last is None:
        plausible = _is_first(key) or start.keyword or (start.shape != "sentence" and start.dotted)
        return "yes" if plausible else "no"
    if start.keyword and start.shape != "sentence":
        return "yes"  # "Section 4 - Term" on its own line: the keyword is evidence enough
    if start.shape == "sentence" and len(key) == 1:
        return "yes" if key[0] == last[0] + 1 else "no"
    if _follows(key, last):
        return "yes"
    return "restart" if _is_first(key) and start.shape != "sentence" else "no"


def _follows(key: tuple[int, ...], last: tuple[int, ...]) -> bool:
    """Next sibling at some level (4.2 → 4.3, 5, 5.1) or first child (4 → 4.1), within _GAP."""
    for level in range(len(last) + 1):
        if len(key) <= level or key[:level] != last[:level]:
            return False
        low = last[level] if level < len(last) else 0
        if low < key[level] <= low + _GAP and all(part <= 1 for part in key[level + 1 :]):
            return True
    return False


def _is_first(key: tuple[int, ...]) -> bool:
    return key[0] == 1 and all(part <= 1 for part in key[1:])


def _not_really_clauses(drafts: list[_Draft]) -> bool:
    """Whether the clauses before a restart at 1 were something else: a table of contents (short
    heading lines, no body) or numbered recitals (top-level sentences, no headings)."""
    texts = [[line for line in draft.lines if line.strip()] for draft in drafts]
    toc = all(len(lines) <= 2 and all(len(x.split()) <= 12 for x in lines) for lines in texts)
    recitals = all(draft.heading is None and "." not in (draft.number or ".") for draft in drafts)
    return len(drafts) >= 2 and (toc or recitals)


def _next_non_blank(lines: list[str]) -> list[str]:
    following, upcoming = [""] * len(lines), ""
    for index in range(len(lines) - 1, -1, -1):
        following[index] = upcoming
        upcoming = lines[index].strip() or upcoming
    return following


def _finish(drafts: list[_Draft]) -> list[ParsedClause]:
    clauses: list[ParsedClause] = []
    for draft in drafts:
        text, heading = "\n".join(draft.lines).strip(), draft.heading
        if not text:
            continue  # an empty preamble
        if draft.number is None:  # the preamble: its heading is the title, if it opens with one
            title = text.split("\n", 1)[0]
            heading = title if titleish(title) and heading_text(title, "") else None
        clauses.append(ParsedClause(len(clauses), draft.number, heading, draft.page, text))
    return clauses

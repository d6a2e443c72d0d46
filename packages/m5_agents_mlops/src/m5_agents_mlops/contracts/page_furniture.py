"""Remove a PDF's page furniture: page numbers and the running header or footer of every page.

pypdf returns a page's text with its footer ("Page 3 of 7") and header ("CONFIDENTIAL - Draft")
in the middle of whatever clause runs across the page break. Left in, they are embedded with
the clause, quoted in answers and shown when a citation opens. Two rules, applied only to the
first and last ``EDGE_LINES`` lines of each page, where furniture lives:

- a line that is only a page number (``7``, ``Page 7``, ``Page 7 of 12``, ``7/12``, ``- 7 -``),
  one per edge;
- a line that appears at the edge of most pages (a running header or footer), once the
  document has enough pages for "most" to mean something.
"""

from __future__ import annotations

import re
from collections import Counter

EDGE_LINES = 2
MIN_PAGES_FOR_REPEATS = 3
REPEATED_SHARE = 0.6
PAGE_NUMBER = re.compile(
    r"^(?:page\s+)?\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?$|^[-–]\s*\d{1,4}\s*[-–]$", re.IGNORECASE
)


def _edges(lines: list[str]) -> list[str]:
    content = [line.strip() for line in lines if line.strip()]
    return content[:EDGE_LINES] + content[-EDGE_LINES:]


def strip_page_furniture(pages: list[str]) -> list[str]:
    """The pages' texts without page numbers and running headers/footers at their edges."""
    split = [text.splitlines() for text in pages]
    counts = Counter(line for lines in split for line in set(_edges(lines)))
    repeated: set[str] = set()
    if len(pages) >= MIN_PAGES_FOR_REPEATS:
        repeated = {line for line, n in counts.items() if n >= REPEATED_SHARE * len(pages)}

    def trim(lines: list[str], at: int) -> None:
        """Drop furniture at one edge (``at`` 0: top, -1: bottom): at most one page number
        (a second number line is more likely a table's last row) and the repeated lines."""
        number_seen = False
        for _ in range(EDGE_LINES):
            while lines and not lines[at].strip():
                lines.pop(at)
            if not lines:
                return
            line = lines[at].strip()
            if PAGE_NUMBER.match(line) and not number_seen:
                number_seen = True
            elif line not in repeated:
                return
            lines.pop(at)

    cleaned = []
    for text in split:
        lines = list(text)
        trim(lines, 0)
        trim(lines, -1)
        cleaned.append("\n".join(lines))
    return cleaned

"""Reading the notebook format that ``notes.writer`` writes."""

from __future__ import annotations

from notes.model import Note
from notes.writer import HEADER, TAGS


class NotebookFormatError(ValueError):
    """A file that is not a notebook; the message names the line."""


def unescape_body(lines: list[str]) -> str:
    return "\n".join(line[1:] if line.startswith("\\") else line for line in lines)


def parse_tags(text: str) -> list[str]:
    return [tag.strip() for tag in text.split(",") if tag.strip()]


def loads(text: str) -> list[Note]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    notes: list[Note] = []
    index = 0
    while index < len(lines):
        if not lines[index].startswith(HEADER):
            raise NotebookFormatError(f"line {index + 1}: expected a '{HEADER.strip()}' header")
        title = lines[index][len(HEADER) :]
        if index + 1 >= len(lines) or not lines[index + 1].startswith(TAGS.strip()):
            raise NotebookFormatError(f"line {index + 2}: expected a tags line")
        tags = parse_tags(lines[index + 1][len(TAGS) :])
        end = index + 2
        while end < len(lines) and not lines[end].startswith(HEADER):
            end += 1
        notes.append(Note(title, unescape_body(lines[index + 2 : end]), tags))
        index = end
    return notes

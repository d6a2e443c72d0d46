"""Writing notes in the notebook format::

    === Kick-off
    tags: meeting, budget
    Budget approved.

One ``===`` header line per note, one tags line, then the body up to the next header.
A body line that itself starts with '===' is written with a leading backslash.
"""

from __future__ import annotations

from collections.abc import Iterable

from notes.model import Note

HEADER = "=== "
TAGS = "tags: "


def escape_body(body: str) -> str:
    lines = body.split("\n")
    return "\n".join("\\" + line if line.startswith(("===", "\\")) else line for line in lines)


def format_note(note: Note) -> str:
    return f"{HEADER}{note.title}\n{TAGS}{', '.join(note.tags)}\n{escape_body(note.body)}\n"


def dumps(notes: Iterable[Note]) -> str:
    return "".join(format_note(note) for note in notes)

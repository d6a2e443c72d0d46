"""A notebook: notes in order, searchable by tag, saved to and loaded from a file."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from notes.model import Note
from notes.reader import loads
from notes.writer import dumps


@dataclass
class Notebook:
    notes: list[Note] = field(default_factory=list)

    def add(self, title: str, body: str = "", tags: list[str] | None = None) -> Note:
        note = Note(title, body, list(tags or []))
        self.notes.append(note)
        return note

    def tagged(self, tag: str) -> list[Note]:
        return [note for note in self.notes if tag in note.tags]

    def save(self, path: Path) -> None:
        path.write_text(dumps(self.notes), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Notebook:
        return cls(loads(path.read_text(encoding="utf-8")))

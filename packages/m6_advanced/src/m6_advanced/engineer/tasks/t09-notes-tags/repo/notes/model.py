"""A note."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Note:
    title: str
    body: str = ""
    tags: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.title.strip() or "\n" in self.title:
            raise ValueError("a title is one non-empty line")

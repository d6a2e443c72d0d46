"""The house's record: every message between the roles, saved as it happens.

A multi-agent run is only debuggable if you can read what each role was told and what it said.
``Transcript.post`` appends one message (who, to whom, what kind, which round, and for a model
reply its cost) and rewrites ``transcript.json`` atomically, so a run that crashes or is
interrupted still leaves everything up to that moment. ``save_round`` keeps the files as they
are now (``files/``) and what the round changed (``diffs/round-<n>.diff``).

Message kinds: ``task`` (user → manager), ``request`` (house → a role: the prompt it got),
``spec`` / ``files`` / ``review`` (a role's valid reply, addressed to the next role), ``tests``
(sandbox → reviewer), ``invalid`` + ``feedback`` (a rejected reply and what the role was told),
``note`` (the house overruling a role).
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from m5_agents_mlops.errors import AgentError
from m5_agents_mlops.house.files import FileSet, write_files
from roadmap_data.console import save_json


@dataclass
class Transcript:
    """Messages in order; ``out`` None keeps them in memory only (tests)."""

    out: Path | None
    header: Callable[[], dict[str, Any]] = dict
    """The run's current state (task, status, rounds, totals), written above the messages."""
    messages: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.out is None:
            return
        ours = (self.out / "transcript.json").is_file()  # a previous house run wrote here
        for folder in ("files", "diffs"):
            if (self.out / folder).exists() and not ours:  # ``--out .`` in someone's project
                raise AgentError(
                    f"{self.out / folder} exists and is not from a software-house run: "
                    "choose another --out (the house replaces files/ and diffs/ each round)"
                )
            # A previous house run's files and diffs must not mix with this one's.
            shutil.rmtree(self.out / folder, ignore_errors=True)

    def post(
        self, sender: str, recipient: str, kind: str, content: Any, round_number: int = 0,
        **details: Any,
    ) -> None:  # fmt: skip
        """Record one message and save."""
        self.messages.append({
            "n": len(self.messages) + 1, "round": round_number, "from": sender,
            "to": recipient, "kind": kind, "content": content, **details,
        })  # fmt: skip
        self.save()

    def save(self) -> None:
        """Write ``transcript.json`` (atomically: a reader never sees half a file)."""
        if self.out is not None:
            save_json(self.out / "transcript.json", {**self.header(), "messages": self.messages})

    def save_round(self, number: int, files: FileSet, diff: str) -> None:
        """``files/`` (replaced whole by the current version) and ``diffs/round-<n>.diff``."""
        if self.out is None:
            return
        (self.out / "diffs").mkdir(parents=True, exist_ok=True)
        (self.out / "diffs" / f"round-{number}.diff").write_text(diff)
        shutil.rmtree(self.out / "files", ignore_errors=True)
        write_files(self.out / "files", files)

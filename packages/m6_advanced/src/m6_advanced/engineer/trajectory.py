"""The run's record, written after every step, and its replay.

A trajectory file holds everything needed to understand a run without rerunning the model:

    {"format": "ai-roadmap/engineer-trajectory/1",
     "meta":  {"issue": ..., "repo": ..., "model": ..., "budget": ...},
     "steps": [{"step": 1, "reply": ..., "action": {"name": "read_file", "args": {...}},
                "observation": ..., "ok": true, "prompt_tokens": 812, ...}, ...],
     "messages": [...],            # the whole conversation, outputs uncut
     "usage": {...}, "result": {"status": "submitted", "summary": ..., ...} | null}

``replay`` feeds the recorded replies back through the same loop, as a scripted model, on a fresh
working copy of the same repository. If every output matches the recording (timings aside), the
run is reproducible from its file alone: what a reviewer wants before trusting a patch, and how a
surprising step gets debugged without paying for the model again.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from m6_advanced.errors import AdvancedError

FORMAT = "ai-roadmap/engineer-trajectory/1"
_TIMINGS = re.compile(r"\b\d+(\.\d+)?\s?s\b|in [\d.]+s")
"""Seconds in outputs ("0.8 s", "in 0.12s"): the one thing allowed to differ in a replay."""


class TrajectoryError(AdvancedError):
    """A trajectory file that cannot be read or replayed (names the file and the reason)."""


class Trajectory:
    """Writes ``path`` after every step (atomically: a crash never leaves half a file)."""

    def __init__(self, path: Path, meta: dict[str, Any]) -> None:
        self.path, self.meta = path, meta
        self.usage: dict[str, Any] = {}

    def record(self, messages: list[Any], steps: list[dict[str, Any]], usage: Any) -> None:
        self.usage = asdict(usage)
        self._write(messages, steps, None)

    def finish(self, messages: list[Any], steps: list[dict[str, Any]], result: dict) -> None:
        self._write(messages, steps, result)

    def _write(self, messages: list[Any], steps: list[dict[str, Any]], result: dict | None) -> None:
        document = {"format": FORMAT, "meta": self.meta, "steps": steps, "messages": messages,
                    "usage": self.usage, "result": result}  # fmt: skip
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=f".{self.path.name}.")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(document, file, indent=1, ensure_ascii=False)
            os.replace(temporary, self.path)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise


def load_trajectory(path: Path) -> dict[str, Any]:
    """Read and check a trajectory file."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise TrajectoryError(f"{path}: no such trajectory file") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TrajectoryError(f"{path}: not a readable trajectory ({error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise TrajectoryError(f"{path}: not an engineer trajectory (format {FORMAT!r} expected)")
    meta = document.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("issue"), str):
        raise TrajectoryError(f"{path}: 'meta' must be an object holding the issue's text (issue)")
    steps = document.get("steps")
    if not isinstance(steps, list):
        raise TrajectoryError(f"{path}: 'steps' must be a list")
    for number, step in enumerate(steps, 1):
        fields = isinstance(step, dict) and all(isinstance(step.get(k), str) for k in ("reply", "observation"))  # fmt: skip
        if not fields:
            raise TrajectoryError(f"{path}: step {number} needs a 'reply' and an 'observation' (text)")  # fmt: skip
    return document


def comparable(observation: str) -> str:
    """An output with its timings blanked out."""
    return _TIMINGS.sub("<t>", observation)


@dataclass
class ReplayReport:
    """How a replay compared with its recording, step by step."""

    steps: int
    matched: int
    differences: list[dict[str, Any]] = field(default_factory=list)
    status: str = ""
    recorded_status: str = ""

    @property
    def reproduced(self) -> bool:
        return not self.differences and self.status == self.recorded_status

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "reproduced": self.reproduced}


def compare(recorded: list[dict[str, Any]], replayed: list[dict[str, Any]]) -> list[dict]:
    """The steps whose output differs (timings aside), or that only one run has."""
    differences = []
    for number in range(max(len(recorded), len(replayed))):
        old = recorded[number]["observation"] if number < len(recorded) else None
        new = replayed[number]["observation"] if number < len(replayed) else None
        if old is None or new is None or comparable(old) != comparable(new):
            differences.append({"step": number + 1, "recorded": old, "replayed": new})
    return differences

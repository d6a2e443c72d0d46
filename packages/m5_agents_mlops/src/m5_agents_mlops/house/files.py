"""The files a model writes: checked before they touch the disk, and compared round to round.

A model's reply is untrusted input. A file named ``../../.bashrc`` or ``/etc/cron.d/x`` must never
be written, however it got there (a confused small model, or instructions injected into the
task). So every path is checked *before* anything is written, and refused with a reason the
Coder can act on:

- relative, POSIX-style (``pkg/module.py``), no ``..``, no empty or hidden parts, no backslash;
- names made of letters, digits, ``_``, ``-`` and ``.`` only (no shell or Unicode tricks);
- limits on depth, count and size, so one reply cannot fill the disk.

``unified_diff`` shows what a round changed, in the format code review uses (``git diff``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping
from pathlib import Path, PurePosixPath

from m5_agents_mlops.errors import ToolError

MAX_FILES = 12
MAX_FILE_CHARS = 100_000
MAX_TOTAL_CHARS = 400_000
MAX_DEPTH = 4
_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,63}")

FileSet = dict[str, str]
"""Relative path → file content: the Coder's work, as the house keeps it."""


class UnsafePathError(ToolError):
    """A file the sandbox refuses to write (a path escape, an odd name, too many or too large)."""


def check_path(path: str) -> str:
    """``path`` normalised (``./a.py`` → ``a.py``), or UnsafePathError saying what is wrong."""
    if not isinstance(path, str) or not path.strip():
        raise UnsafePathError("a file path is empty")
    if "\\" in path or "\x00" in path:
        raise UnsafePathError(f"{path!r}: use '/' separators and no control characters")
    pure = PurePosixPath(path)
    if pure.is_absolute() or re.match(r"[A-Za-z]:", path):
        raise UnsafePathError(
            f"{path!r}: absolute paths are refused; give a path relative to the project"
        )
    parts = [part for part in pure.parts if part != "."]
    if ".." in parts:
        raise UnsafePathError(f"{path!r}: '..' would leave the project folder")
    if not parts or len(parts) > MAX_DEPTH:
        raise UnsafePathError(f"{path!r}: use at most {MAX_DEPTH} folder levels")
    for part in parts:
        if not _NAME.fullmatch(part):
            raise UnsafePathError(
                f"{path!r}: {part!r} is not allowed (letters, digits, '_', '-', '.'; "
                "no leading dot; at most 64 characters)"
            )
    return "/".join(parts)


def check_files(files: Mapping[str, str]) -> FileSet:
    """All of ``files`` checked (paths, count, sizes) and normalised, or UnsafePathError."""
    if len(files) > MAX_FILES:
        raise UnsafePathError(f"{len(files)} files is too many; write at most {MAX_FILES}")
    checked: FileSet = {}
    for path, content in files.items():
        name = check_path(path)
        if name in checked:
            raise UnsafePathError(f"{path!r}: the same file is given twice")
        if not isinstance(content, str):
            raise UnsafePathError(f"{path!r}: content must be text")
        if len(content) > MAX_FILE_CHARS:
            raise UnsafePathError(f"{path!r}: {len(content)} characters; at most {MAX_FILE_CHARS}")
        checked[name] = content
    total = sum(map(len, checked.values()))
    if total > MAX_TOTAL_CHARS:
        raise UnsafePathError(f"{total} characters in all; at most {MAX_TOTAL_CHARS}")
    return checked


def write_files(root: Path, files: Mapping[str, str]) -> list[Path]:
    """Write checked ``files`` under ``root``; the resolved target must stay inside ``root``."""
    root = root.resolve()
    written = []
    for name, content in check_files(files).items():
        target = (root / name).resolve()
        if not target.is_relative_to(root):  # belt and braces: a symlink planted earlier
            raise UnsafePathError(f"{name!r} resolves outside the project folder")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(content, encoding="utf-8")
        written.append(target)
    return written


def unified_diff(old: Mapping[str, str], new: Mapping[str, str]) -> str:
    """``git diff``-style text from one file set to the next (added, changed, removed files)."""
    chunks = []
    for name in sorted(set(old) | set(new)):
        before, after = old.get(name), new.get(name)
        if before == after:
            continue
        chunks.extend(
            difflib.unified_diff(
                (before or "").splitlines(keepends=True),
                (after or "").splitlines(keepends=True),
                fromfile=f"a/{name}" if before is not None else "/dev/null",
                tofile=f"b/{name}" if after is not None else "/dev/null",
            )
        )
    # A file without a final newline would glue its last line to the next header.
    return "".join(line if line.endswith("\n") else line + "\n" for line in chunks)

"""The engineer's one way to change code: replace an exact, unique piece of a file.

    diff = apply_edit(workdir, Edit("calc.py", search="return a - b", replace="return a + b"))

Why search/replace and not "write the whole file" or line numbers (the choice mini-swe-agent,
SWE-agent and Aider each argue for): a model rewriting a whole file silently drops what it did not
mean to touch, and line numbers go stale after the first edit. An exact snippet names *what* to
change, and the tool can check it:

- the snippet must occur **exactly once**: no match is an error that shows the closest line (the
  model usually got the indentation or a name wrong); several matches are an error that lists
  their line numbers, so the model adds context until the edit is unambiguous, never a guess;
- an empty ``search`` creates a new file, and only a new one (no silent overwrite);
- the path is checked before anything is read (month 5's ``check_path``: relative, no ``..``,
  plain names), and the resolved file must stay inside the working copy (a planted symlink);
- the file is replaced atomically (a temporary file, then ``os.replace``), so an interrupted
  edit never leaves half a file.

The return value is the change as a unified diff: what the model reads back, and what the
trajectory records.
"""

from __future__ import annotations

import difflib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from m5_agents_mlops.house.files import UnsafePathError, check_path, unified_diff
from m6_advanced.errors import EditError


@dataclass(frozen=True)
class Edit:
    """Replace ``search`` (exact text, whitespace included) by ``replace`` in ``path``."""

    path: str
    search: str
    replace: str


def resolve_inside(root: Path, path: str) -> tuple[str, Path]:
    """``path`` checked and normalised, and its file under ``root`` (EditError if it escapes)."""
    try:
        name = check_path(path)
    except UnsafePathError as error:
        raise EditError(str(error)) from None
    root = root.resolve()
    target = (root / name).resolve()
    if not target.is_relative_to(root):  # a symlink in the working copy pointing outside it
        raise EditError(f"{path!r} resolves outside the working copy")
    return name, target


def line_numbers(text: str, snippet: str) -> list[int]:
    """The 1-based line on which each occurrence of ``snippet`` starts."""
    lines, start = [], text.find(snippet)
    while start != -1:
        lines.append(text.count("\n", 0, start) + 1)
        start = text.find(snippet, start + 1)
    return lines


def closest_line(text: str, snippet: str) -> str | None:
    """The line of ``text`` most like the snippet's first non-blank line (a hint, or None)."""
    first = next((line.strip() for line in snippet.splitlines() if line.strip()), "")
    stripped = [line.strip() for line in text.splitlines()]
    match = difflib.get_close_matches(first, stripped, n=1, cutoff=0.6)
    if not match:
        return None
    number = stripped.index(match[0]) + 1
    return f"line {number}: {text.splitlines()[number - 1]!r}"


def write_atomically(target: Path, text: str) -> None:
    """Write ``text`` to a temporary file beside ``target``, then rename it over ``target``."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def apply_edit(root: Path, edit: Edit) -> str:
    """Apply ``edit`` under ``root``; return the unified diff, or raise EditError saying why not."""
    name, target = resolve_inside(root, edit.path)
    if not edit.search:
        if target.exists():
            raise EditError(f"{name} exists: an empty search creates new files only")
        write_atomically(target, edit.replace)
        return unified_diff({}, {name: edit.replace})
    if not target.is_file():
        raise EditError(f"no such file: {name}")
    text = target.read_text(encoding="utf-8")
    where = line_numbers(text, edit.search)
    if not where:
        hint = closest_line(text, edit.search)
        raise EditError(f"the search text is not in {name}"
                        + (f"; the closest is {hint}" if hint else ""))  # fmt: skip
    if len(where) > 1:
        lines = ", ".join(map(str, where))
        raise EditError(f"the search text occurs {len(where)} times in {name} (lines {lines}): "
                        "include surrounding lines so that it occurs once")  # fmt: skip
    new = text.replace(edit.search, edit.replace, 1)
    write_atomically(target, new)
    return unified_diff({name: text}, {name: new})

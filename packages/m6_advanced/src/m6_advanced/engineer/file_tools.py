"""Reading and editing files, as a program the sandbox runs: one fresh process per action.

    python -m m6_advanced.engineer.file_tools read shop/cart.py 1 40
    python -m m6_advanced.engineer.file_tools edit '{"path": ..., "search": ..., "replace": ...}'

Why a process even for a read: the sandbox's filesystem view is the guarantee that an action can
change the working copy and nothing else. Running the edit tool *inside* it means that guarantee
holds for edits too, whatever a bug in our own path checks might let through. The exit code says
whether the action worked (0) or was refused (1, the reason on stdout for the model to read).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from m6_advanced.engineer.edit import Edit, apply_edit, resolve_inside
from m6_advanced.errors import EditError

MAX_LINES = 200
"""Most lines one read shows: a whole large file would crowd everything else out of the prompt."""


def read_lines(root: Path, path: str, start: int = 1, end: int | None = None) -> str:
    """Lines ``start``..``end`` of ``path`` numbered like ``cat -n`` (at most MAX_LINES)."""
    name, target = resolve_inside(root, path)
    if not target.is_file():
        raise EditError(f"no such file: {name}")
    lines = target.read_text(encoding="utf-8", errors="replace").splitlines()
    if start > max(len(lines), 1):
        raise EditError(f"{name} has {len(lines)} lines; start {start} is past the end")
    last = min(len(lines), end or len(lines), start + MAX_LINES - 1)
    shown = [f"{number:>5}  {lines[number - 1]}" for number in range(start, last + 1)]
    header = f"{name} (lines {start}-{last} of {len(lines)})"
    more = f"\n[... {len(lines) - last} more lines: read_file {name} {last + 1}]" if last < len(lines) else ""  # fmt: skip
    return "\n".join([header, *shown]) + more


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    root = Path.cwd()
    try:
        if argv[:1] == ["read"] and 2 <= len(argv) <= 4:
            numbers = [int(value) for value in argv[2:] if value != "None"]
            print(read_lines(root, argv[1], *numbers))
        elif argv[:1] == ["edit"] and len(argv) == 2:
            request = json.loads(argv[1])
            diff = apply_edit(root, Edit(request["path"], request["search"], request["replace"]))
            print(diff or "(no change: the replacement equals the search text)")
        else:
            print("usage: file_tools read PATH [START [END]] | file_tools edit JSON")
            return 2
    except (EditError, UnicodeDecodeError, OSError) as error:
        print(f"refused: {error}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Import boundaries: month 4's library stands alone, and later months use only the library.

``m4_genai`` is two things: a library (``llm``, ``retrieval``, ``rag``, ``golden``, ``errors``,
``testing``) that months 5 and 6 build on, and the month's own ``lessons`` and ``cli``. The
library must never import the lessons or the commands (they may change freely), and no other
member may import them either. Checked on the source text, every import statement included
(those inside functions too), so a violation fails here before it fails in a user's environment.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from roadmap_data.workspace import members

M4 = "m4_genai"
NOT_LIBRARY = ("m4_genai.cli", "m4_genai.lessons")
SOURCES = {name: folder / "src" for name, folder in members().items()}


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """``(line, module)`` for every ``import x`` and ``from x import y`` (as ``x`` and ``x.y``) in
    a file; relative imports stay inside their own package and are skipped."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, node.module)]
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def violations(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    """``file:line imports module`` for each import of a forbidden package or anything inside it."""
    inside = tuple(f"{package}." for package in forbidden)
    return [
        f"{path}:{line} imports {module}"
        for path in files
        for line, module in imported_modules(path)
        if module in forbidden or module.startswith(inside)
    ]


def library_files() -> list[Path]:
    root = SOURCES["m4-genai"] / M4
    return [
        path
        for path in sorted(root.rglob("*.py"))
        if path.relative_to(root).parts[0] not in ("cli", "lessons")
    ]


def test_the_library_never_imports_lessons_or_commands() -> None:
    files = library_files()
    assert len(files) > 20, "the library files were not found"
    assert violations(files, NOT_LIBRARY) == []


@pytest.mark.parametrize("member", sorted(set(SOURCES) - {"m4-genai"}))
def test_other_members_import_only_the_library(member: str) -> None:
    files = sorted(SOURCES[member].rglob("*.py"))
    assert violations(files, NOT_LIBRARY) == []


def test_the_check_catches_a_violation(tmp_path: Path) -> None:
    """The rule itself must be able to fail (a function-level import counts too)."""
    bad = tmp_path / "bad.py"
    bad.write_text("def f():\n    from m4_genai.cli.rag import main\n    import m4_genai.lessons\n")
    good = tmp_path / "good.py"
    good.write_text("from m4_genai.retrieval import make_searcher\nimport m4_genai.climate\n")
    assert violations([bad], NOT_LIBRARY) == [
        f"{bad}:2 imports m4_genai.cli.rag",
        f"{bad}:2 imports m4_genai.cli.rag.main",
        f"{bad}:3 imports m4_genai.lessons",
    ]
    assert violations([good], NOT_LIBRARY) == []

"""The engineer's search/replace edit: exact, unique, inside the working copy, atomic."""

from __future__ import annotations

from pathlib import Path

import pytest

from m6_advanced.engineer.edit import Edit, apply_edit
from m6_advanced.errors import EditError

CALC = "def add(a, b):\n    return a - b\n\n\ndef sub(a, b):\n    return a - b\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "calc.py").write_text(CALC)
    return tmp_path


def test_a_unique_match_is_replaced_and_the_diff_returned(repo: Path) -> None:
    edit = Edit(
        "pkg/calc.py", "def add(a, b):\n    return a - b", "def add(a, b):\n    return a + b"
    )
    diff = apply_edit(repo, edit)
    assert (repo / "pkg" / "calc.py").read_text() == CALC.replace("a - b", "a + b", 1)
    assert "-    return a - b" in diff and "+    return a + b" in diff
    assert "a/pkg/calc.py" in diff
    assert sorted(p.name for p in (repo / "pkg").iterdir()) == ["calc.py"]  # no temporary left


def test_an_ambiguous_match_is_refused_with_its_lines(repo: Path) -> None:
    with pytest.raises(EditError, match=r"occurs 2 times in pkg/calc.py \(lines 2, 6\)"):
        apply_edit(repo, Edit("pkg/calc.py", "return a - b", "return a + b"))
    assert (repo / "pkg" / "calc.py").read_text() == CALC  # nothing changed


def test_no_match_points_at_the_closest_line(repo: Path) -> None:
    with pytest.raises(EditError, match=r"not in pkg/calc.py; the closest is line 1"):
        apply_edit(repo, Edit("pkg/calc.py", "def add(a, c):", "def add(a, b, c):"))


def test_an_empty_search_creates_a_new_file_only(repo: Path) -> None:
    apply_edit(repo, Edit("pkg/new.py", "", "X = 1\n"))
    assert (repo / "pkg" / "new.py").read_text() == "X = 1\n"
    with pytest.raises(EditError, match="exists"):
        apply_edit(repo, Edit("pkg/calc.py", "", "overwritten\n"))


@pytest.mark.parametrize("path", ["../outside.py", "/etc/passwd", "pkg/../../x.py", ""])
def test_paths_outside_the_working_copy_are_refused(repo: Path, path: str) -> None:
    with pytest.raises(EditError):
        apply_edit(repo, Edit(path, "", "x"))


def test_a_symlink_out_of_the_working_copy_is_refused(repo: Path, tmp_path_factory) -> None:
    outside = tmp_path_factory.mktemp("outside") / "secret.py"
    outside.write_text("KEY = 1\n")
    (repo / "pkg" / "link.py").symlink_to(outside)
    with pytest.raises(EditError, match="outside the working copy"):
        apply_edit(repo, Edit("pkg/link.py", "KEY = 1", "KEY = 2"))
    assert outside.read_text() == "KEY = 1\n"


def test_a_missing_file_is_named(repo: Path) -> None:
    with pytest.raises(EditError, match=r"no such file: pkg/nope\.py"):
        apply_edit(repo, Edit("pkg/nope.py", "x", "y"))

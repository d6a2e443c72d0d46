"""Branch, commit, patch and pull-request description, in a throwaway git repository."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from m6_advanced.engineer.git_ops import (
    branch_name,
    commit_branch,
    commit_message,
    pr_description,
    write_outputs,
)
from m6_advanced.engineer.issue_source import Issue
from m6_advanced.errors import GitError

ISSUE = Issue("add() subtracts instead of adding!", "add(2, 3) returns -1.", 7,
              "https://github.com/octo/calc/issues/7", "octo/calc")  # fmt: skip


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@t", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@t", "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(repo.parent)}  # fmt: skip
    return subprocess.run(["git", "-C", str(repo), *args], env=env, check=True, text=True,
                          capture_output=True).stdout  # fmt: skip


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with one base commit (calc.py), as the sandbox's working copy would be."""
    root = tmp_path / "repo"
    root.mkdir()
    (root / "calc.py").write_text("def add(a, b):\n    return a - b\n")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "-c", "commit.gpgsign=false", "commit", "-q", "-m", "base")
    return root


def test_branch_names() -> None:
    assert branch_name(ISSUE) == "engineer/7-add-subtracts-instead-of-adding"
    assert branch_name(Issue("Ünïcode: ../..lock ~^:?*[", "")) == "engineer/n-code-lock"
    assert branch_name(Issue("!!!", "")) == "engineer/issue"
    long = branch_name(Issue("word " * 40, "", 123456))
    assert len(long) <= 60 and long.startswith("engineer/123456-word-") and not long.endswith("-")
    subprocess.run(["git", "check-ref-format", "--branch", long], check=True, capture_output=True)


def test_commit_branch_makes_one_commit_with_the_patch(repo: Path, tmp_path: Path) -> None:
    base = git(repo, "rev-parse", "HEAD").strip()
    (repo / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    (repo / "tests").mkdir()
    (repo / "tests" / "test_add.py").write_text("from calc import add\n")
    hook = repo / ".git" / "hooks" / "pre-commit"
    hook.write_text("#!/bin/sh\ntouch hook-ran\nexit 1\n")
    hook.chmod(0o755)
    info = commit_branch(repo, "engineer/7-add", commit_message(ISSUE, "Use + in add()."))
    assert (info.branch, info.base) == ("engineer/7-add", base)
    assert git(repo, "rev-parse", "--abbrev-ref", "HEAD").strip() == "engineer/7-add"
    assert git(repo, "rev-list", "--parents", "-n", "1", "HEAD").split() == [info.sha, base]
    assert info.files == ["calc.py", "tests/test_add.py"]
    assert "+    return a + b" in info.patch and "+from calc import add" in info.patch
    assert "2 files changed" in info.stat
    assert not (repo / "hook-ran").exists()  # the repository's hooks never run
    log = git(repo, "log", "-1", "--format=%an <%ae>%n%B")
    assert log.startswith("AI Roadmap Engineer <engineer@localhost>\nFix #7: add() subtracts")
    # The patch re-applies on the base: what patch.diff is for.
    git(repo, "checkout", "-q", base)
    (tmp_path / "p.diff").write_text(info.patch)
    git(repo, "apply", "--check", str(tmp_path / "p.diff"))


def test_commit_branch_refuses_nothing_to_commit_and_an_existing_branch(repo: Path) -> None:
    with pytest.raises(GitError, match="nothing to commit"):
        commit_branch(repo, "engineer/x", "m")
    git(repo, "branch", "engineer/x")
    (repo / "new.py").write_text("x = 1\n")
    with pytest.raises(GitError, match="branch 'engineer/x' already exists"):
        commit_branch(repo, "engineer/x", "m")
    with pytest.raises(GitError, match="Name <email>"):
        commit_branch(repo, "engineer/y", "m", author="nobody")


def test_commit_message_and_pr_description(tmp_path: Path) -> None:
    message = commit_message(ISSUE, "add() used '-'; it now uses '+'.")
    assert message.splitlines()[:3] == ["Fix #7: add() subtracts instead of adding!", "",
                                        "add() used '-'; it now uses '+'."]  # fmt: skip
    text = pr_description(ISSUE, "add() used '-'; it now uses '+'.", ["calc.py"],
                          " calc.py | 2 +-", [("pytest -q", "\n3 passed in 0.02s\nmore"),
                                              ("ruff check `x`", "All checks passed!")])  # fmt: skip
    assert text.startswith("# Fix #7: add() subtracts instead of adding!\n\nFixes #7\n")
    for piece in ("## What changed", "- `calc.py`", " calc.py | 2 +-", "## Why",
                  "it now uses '+'.", "## Tests", "- `pytest -q`: 3 passed in 0.02s",
                  "- `ruff check 'x'`: All checks passed!", "needs a human review"):  # fmt: skip
        assert piece in text, piece
    assert "more" not in text
    bare = pr_description(Issue("Typo", ""), "", [], "", [])
    assert "Fixes #" not in bare and "No tests were run" in bare
    assert commit_message(Issue("x" * 100, ""), "s").splitlines()[0] == "x" * 71 + "…"


def test_write_outputs(repo: Path, tmp_path: Path) -> None:
    (repo / "calc.py").write_text("def add(a, b):\n    return a + b\n")
    info = commit_branch(repo, "engineer/7", "m")
    paths = write_outputs(tmp_path / "out" / "run", info, "# PR\n")
    assert paths["patch"].read_text() == info.patch and paths["pr"].read_text() == "# PR\n"
    assert sorted(p.name for p in paths.values()) == ["patch.diff", "pr.md"]

"""Issue input and the GitHub client, against the fake GitHub API on 127.0.0.1 (never the real one)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from m5_agents_mlops.serve.server import free_port, serve_in_thread
from m6_advanced.engineer.fake_github import FakeGitHub, fake_github_app
from m6_advanced.engineer.github import GitHubClient, parse_github_remote
from m6_advanced.engineer.issue_source import Issue, read_issue
from m6_advanced.errors import GitHubError, IssueError

TOKEN = "t0ken"
ISSUE_URL = "https://github.com/octo/calc/issues/7"
BASE_FILES = {
    "calc.py": "def add(a, b):\n    return a - b\n",
    "README.md": "calc\n",
    "old.txt": "x\n",
}


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[FakeGitHub, str]]:
    state = FakeGitHub(token=TOKEN, read_only_tokens={"read-only"})
    with serve_in_thread(fake_github_app(state)) as url:
        yield state, url


@pytest.fixture
def fake(served: tuple[FakeGitHub, str]) -> tuple[FakeGitHub, str]:
    """The served fake with one repository (octo/calc, branch main) and issue #7, fresh per test."""
    state, url = served
    state.repos.clear()
    state.requests.clear()
    state.create_repo("octo/calc", BASE_FILES)
    state.add_issue("octo/calc", 7, "add() subtracts", "add(2, 3) returns -1, expected 5.")
    return state, url


# ---- issue files -------------------------------------------------------------------------------


def test_markdown_issue_with_heading(tmp_path: Path) -> None:
    path = tmp_path / "issue.md"
    path.write_text("# add() subtracts\n\nadd(2, 3) returns -1.\n\n## Expected\n5\n")
    issue = read_issue(str(path))
    assert issue == Issue("add() subtracts", "add(2, 3) returns -1.\n\n## Expected\n5")
    assert issue.text.startswith("# add() subtracts\n\nadd(2, 3)")


def test_markdown_issue_without_heading_uses_first_line(tmp_path: Path) -> None:
    path = tmp_path / "issue.md"
    path.write_text("\n\nThe parser drops the last row\nSteps: parse 'a\\nb'\n")
    issue = read_issue(str(path))
    assert (issue.title, issue.body) == ("The parser drops the last row", "Steps: parse 'a\\nb'")


def test_json_issue_plain_and_github_shaped(tmp_path: Path) -> None:
    plain = tmp_path / "plain.json"
    plain.write_text(json.dumps({"title": "Crash on empty input", "body": "Traceback..."}))
    assert read_issue(str(plain)) == Issue("Crash on empty input", "Traceback...")
    saved = tmp_path / "gh.json"
    saved.write_text(json.dumps({"title": "Crash", "body": None, "number": 12,
                                 "html_url": "https://github.com/octo/calc/issues/12",
                                 "url": "https://api.github.com/repos/octo/calc/issues/12"}))  # fmt: skip
    issue = read_issue(str(saved))
    assert (issue.number, issue.url, issue.repo, issue.body) == (
        12, "https://github.com/octo/calc/issues/12", "octo/calc", "")  # fmt: skip


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("missing.md", None, "no such issue file"),
        ("latin.md", "# Café".encode("latin-1"), "not UTF-8"),
        ("bad.json", b'{"title": "x",', "bad JSON at line 1"),
        ("notitle.json", b'{"body": "only a body"}', 'no "title"'),
        ("list.json", b"[1, 2]", "one object"),
        ("empty.md", b"\n  \n", "the issue is empty"),
        ("issue.txt", b"# x", "Markdown (.md) or JSON (.json)"),
    ],
)
def test_bad_issue_files(tmp_path: Path, name: str, content: bytes | None, expected: str) -> None:
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(IssueError, match=re.escape(expected)) as raised:
        read_issue(str(path))
    assert name in str(raised.value)


# ---- issue URLs, through the fake API ----------------------------------------------------------


def test_issue_url_read_through_the_api(fake: tuple[FakeGitHub, str]) -> None:
    state, url = fake
    issue = read_issue(ISSUE_URL, token=TOKEN, api_url=url)
    assert issue == Issue("add() subtracts", "add(2, 3) returns -1, expected 5.", 7, ISSUE_URL,
                          "octo/calc")  # fmt: skip
    assert state.requests == ["GET /repos/octo/calc/issues/7"]


def test_issue_url_token_and_api_from_the_environment(
    fake: tuple[FakeGitHub, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GITHUB_TOKEN", TOKEN)
    monkeypatch.setenv("GITHUB_API_URL", fake[1])
    assert read_issue(ISSUE_URL).number == 7


def test_issue_url_errors(fake: tuple[FakeGitHub, str], monkeypatch: pytest.MonkeyPatch) -> None:
    _, url = fake
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with pytest.raises(IssueError, match=r"set GITHUB_TOKEN or save the issue as a \.md file"):
        read_issue(ISSUE_URL, api_url=url)
    with pytest.raises(IssueError, match="404 Not Found; check the owner/name"):
        read_issue("https://github.com/octo/calc/issues/99", token=TOKEN, api_url=url)
    with pytest.raises(IssueError, match="401 Bad credentials; the token is wrong"):
        read_issue(ISSUE_URL, token="wrong", api_url=url)
    with pytest.raises(IssueError, match="not a GitHub issue URL"):
        read_issue("https://github.com/octo/calc/pull/7", token=TOKEN, api_url=url)
    with pytest.raises(IssueError, match=r"cannot reach http://127\.0\.0\.1"):
        read_issue(ISSUE_URL, token=TOKEN, api_url=f"http://127.0.0.1:{free_port()}")


def test_parse_github_remote() -> None:
    for remote in ("https://github.com/octo/calc", "https://github.com/octo/calc.git",
                   "git@github.com:octo/calc.git", "ssh://git@github.com/octo/calc.git",
                   "https://github.com/octo/calc/"):  # fmt: skip
        assert parse_github_remote(remote) == ("octo", "calc"), remote
    assert parse_github_remote("https://github.com/octo/my.lib.git") == ("octo", "my.lib")
    for other in ("https://gitlab.com/octo/calc.git", "/home/me/calc", "https://github.com/octo"):
        assert parse_github_remote(other) is None, other


# ---- push and pull request, through the fake API -----------------------------------------------


def test_push_files_and_open_pull_request(fake: tuple[FakeGitHub, str]) -> None:
    state, url = fake
    repo = state.repos["octo/calc"]
    base_sha = repo.refs["refs/heads/main"]
    files = {"calc.py": "def add(a, b):\n    return a + b\n", "tests/test_add.py": "assert 1\n",
             "old.txt": None}  # fmt: skip
    with GitHubClient(url, TOKEN) as github:
        sha = github.push_files(
            "octo",
            "calc",
            "main",
            "engineer/7-add-subtracts",
            files,
            "Fix #7",
            expected_base=base_sha,
        )
        pr_url = github.open_pull_request("octo", "calc", "engineer/7-add-subtracts", "main",
                                          "Fix #7: add() subtracts", "Fixes #7")  # fmt: skip
    assert repo.refs["refs/heads/engineer/7-add-subtracts"] == sha
    assert repo.commits[sha]["parents"] == [base_sha]
    assert repo.files("engineer/7-add-subtracts") == {
        "calc.py": files["calc.py"], "tests/test_add.py": "assert 1\n", "README.md": "calc\n"}  # fmt: skip
    assert repo.files("main") == BASE_FILES  # the base branch is untouched
    assert pr_url == "https://github.com/octo/calc/pull/8"  # issues and PRs share numbers
    [pull] = repo.pulls
    assert (pull["head"], pull["base"], pull["title"], pull["body"]) == (
        "engineer/7-add-subtracts", "main", "Fix #7: add() subtracts", "Fixes #7")  # fmt: skip
    posts = [line for line in state.requests if line.startswith("POST")]
    assert posts == ["POST /repos/octo/calc/git/blobs"] * 2 + [
        "POST /repos/octo/calc/git/trees", "POST /repos/octo/calc/git/commits",
        "POST /repos/octo/calc/git/refs", "POST /repos/octo/calc/pulls"]  # fmt: skip


def test_existing_branch_fast_forwards_else_refuses_unless_forced(
    fake: tuple[FakeGitHub, str],
) -> None:
    state, url = fake
    repo = state.repos["octo/calc"]
    main = repo.refs["refs/heads/main"]
    repo.refs["refs/heads/engineer/7-x"] = main  # a branch still at the base: fast-forward is fine
    with GitHubClient(url, TOKEN) as github:
        first = github.push_files("octo", "calc", "main", "engineer/7-x", {"a.py": "1\n"}, "one")
        assert repo.refs["refs/heads/engineer/7-x"] == first
        # A second run builds on main again: not a fast-forward of the branch's commit.
        with pytest.raises(GitHubError, match="already exists on octo/calc with other commits"):
            github.push_files("octo", "calc", "main", "engineer/7-x", {"a.py": "2\n"}, "two")
        assert repo.refs["refs/heads/engineer/7-x"] == first  # left as it was
        forced = github.push_files("octo", "calc", "main", "engineer/7-x", {"a.py": "2\n"}, "two",
                                   force=True)  # fmt: skip
        assert repo.files("engineer/7-x")["a.py"] == "2\n" and forced != first
        url_1 = github.open_pull_request("octo", "calc", "engineer/7-x", "main", "t", "b")
        url_2 = github.open_pull_request("octo", "calc", "engineer/7-x", "main", "t", "b")
    assert url_1 == url_2 and len(repo.pulls) == 1  # the open PR is reused, not duplicated


def test_push_errors(fake: tuple[FakeGitHub, str]) -> None:
    state, url = fake
    with GitHubClient(url, "read-only") as github, pytest.raises(GitHubError, match="403"):
        github.push_files("octo", "calc", "main", "b", {"a.py": "1\n"}, "m")
    with GitHubClient(url, TOKEN) as github:
        with pytest.raises(GitHubError, match="404 Not Found"):
            github.push_files("octo", "nope", "main", "b", {"a.py": "1\n"}, "m")
        with pytest.raises(GitHubError, match="nothing to push"):
            github.push_files("octo", "calc", "main", "b", {}, "m")
        with pytest.raises(GitHubError, match=r"422 Invalid request\..*cannot delete missing"):
            github.push_files("octo", "calc", "main", "b", {"ghost.py": None}, "m")
        with pytest.raises(GitHubError, match=r"main on octo/calc is at .* it moved on"):
            github.push_files(
                "octo", "calc", "main", "b", {"a.py": "1\n"}, "m", expected_base="0" * 40
            )
        assert "refs/heads/b" not in state.repos["octo/calc"].refs
        with pytest.raises(GitHubError, match="No commits between main and main"):
            github.open_pull_request("octo", "calc", "main", "main", "t", "b")

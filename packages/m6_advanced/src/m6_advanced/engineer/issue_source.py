"""Where the engineer's task comes from: a GitHub issue URL, or an issue saved as a file.

    issue = read_issue("issue.md")                                   # offline, the usual case
    issue = read_issue("https://github.com/octo/calc/issues/7", token=os.environ["GITHUB_TOKEN"])
    prompt = issue.text                                               # what the agent reads

Three inputs, one shape (``Issue``):

- a **Markdown file**: the first ``# `` heading is the title, everything else is the body. A file
  without a heading still works (its first non-empty line becomes the title), because people
  paste issues from anywhere;
- a **JSON file**: ``{"title": ..., "body": ...}``, or the JSON GitHub itself returns for an
  issue (``gh issue view 7 --json title,body,number,url`` or the REST API's answer), so an issue
  saved from GitHub is read with its number and link;
- a **GitHub issue URL**, read through the REST API (``github.GitHubClient.get_issue``). That
  needs a token: unauthenticated calls are limited to 60 an hour and see no private repository,
  so instead of failing in mysterious ways later we ask for ``GITHUB_TOKEN`` up front, or for the
  issue saved as a file.

Every failure is an ``IssueError`` that says what to do (the CLI prints it as one line). The
issue text is untrusted input that goes into a prompt: it is read as data only, never executed,
and its size is capped so that a huge file cannot fill the model's context.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from m6_advanced.errors import GitHubError, IssueError

DEFAULT_API_URL = "https://api.github.com"
MAX_ISSUE_CHARS = 100_000
"""An issue longer than this is refused: it would not fit a small model's context anyway."""

MARKDOWN_SUFFIXES = (".md", ".markdown")
_ISSUE_URL = re.compile(
    r"https://github\.com/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+)/issues/(?P<number>\d+)/?"
)
_REPO_IN_URL = re.compile(r"(?:github\.com|/repos)/(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:/|$)")


@dataclass(frozen=True)
class Issue:
    """An issue as the engineer uses it; ``number``/``url``/``repo`` only when it came from GitHub."""

    title: str
    body: str
    number: int | None = None
    url: str | None = None
    repo: str | None = None
    """``"owner/name"`` of the repository the issue belongs to."""

    @property
    def text(self) -> str:
        """Title and body as one Markdown document: what goes into the agent's prompt."""
        return f"# {self.title}\n\n{self.body}".rstrip() + "\n"


def parse_issue_url(url: str) -> tuple[str, str, int] | None:
    """``(owner, repo, number)`` of ``https://github.com/OWNER/REPO/issues/N``, else None."""
    match = _ISSUE_URL.fullmatch(url.strip())
    if match is None:
        return None
    return match["owner"], match["repo"], int(match["number"])


def issue_from_markdown(text: str) -> Issue:
    """The first ``# `` heading is the title; without one, the first non-empty line is."""
    lines = text.splitlines()
    heading = next((i for i, line in enumerate(lines) if line.startswith("# ")), None)
    if heading is None:
        heading = next((i for i, line in enumerate(lines) if line.strip()), None)
    if heading is None:
        raise IssueError("the issue is empty: write a title line and a description")
    title = lines[heading].lstrip("#").strip()
    if not title:
        raise IssueError("the issue's title line is empty: write '# <title>' first")
    body = "\n".join(lines[:heading] + lines[heading + 1 :]).strip()
    return Issue(title=title, body=body)


def issue_from_json(data: Any) -> Issue:
    """``{"title", "body"}``, or GitHub's issue JSON (``number``, ``html_url``, ``repository_url``).

    GitHub sends ``"body": null`` for an issue with no description; that is an empty body. Its
    ``url`` field is the API address, so the link kept is ``html_url`` (the page a person opens).
    """
    if not isinstance(data, dict):
        raise IssueError('an issue JSON file holds one object: {"title": ..., "body": ...}')
    title = data.get("title")
    if not isinstance(title, str) or not title.strip():
        raise IssueError('the issue JSON has no "title" (a non-empty string)')
    body = data.get("body") or ""
    if not isinstance(body, str):
        raise IssueError('the issue JSON\'s "body" must be a string')
    number = data.get("number")
    if number is not None and (isinstance(number, bool) or not isinstance(number, int)):
        raise IssueError('the issue JSON\'s "number" must be an integer')
    url = data.get("html_url") or data.get("url")
    url = url if isinstance(url, str) else None
    repo = data.get("repo") if isinstance(data.get("repo"), str) else None
    for source in (data.get("repository_url"), url):
        if repo is None and isinstance(source, str) and (match := _REPO_IN_URL.search(source)):
            repo = f"{match['owner']}/{match['repo']}"
    return Issue(title=title.strip(), body=body.strip(), number=number, url=url, repo=repo)


def read_issue_file(path: Path) -> Issue:
    """A ``.md``/``.markdown`` or ``.json`` issue file (IssueError naming the file if it is bad)."""
    suffix = path.suffix.lower()
    if suffix not in (*MARKDOWN_SUFFIXES, ".json"):
        raise IssueError(f"{path}: an issue file is Markdown (.md) or JSON (.json)")
    if not path.is_file():
        raise IssueError(f"{path}: no such issue file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise IssueError(f"{path}: not UTF-8 text; save the issue as UTF-8") from None
    if len(text) > MAX_ISSUE_CHARS:
        raise IssueError(f"{path}: {len(text):,} characters; an issue is at most "
                         f"{MAX_ISSUE_CHARS:,} (shorten it to what the change needs)")  # fmt: skip
    try:
        if suffix != ".json":
            return issue_from_markdown(text)
        try:
            data = json.loads(text)
        except json.JSONDecodeError as error:
            raise IssueError(f"bad JSON at line {error.lineno}: {error.msg}") from None
        return issue_from_json(data)
    except IssueError as error:
        raise IssueError(f"{path}: {error}") from None


def read_issue(source: str, token: str | None = None, api_url: str | None = None) -> Issue:
    """An issue from a file path or a GitHub issue URL (the API reads the URL; it needs a token).

    ``token`` defaults to ``$GITHUB_TOKEN`` and ``api_url`` to ``$GITHUB_API_URL``, else
    ``https://api.github.com``: the variables GitHub Actions sets, and the seam the tests use to
    point the client at a fake API on 127.0.0.1.
    """
    if not source.startswith(("http://", "https://")):
        return read_issue_file(Path(source).expanduser())
    parsed = parse_issue_url(source)
    if parsed is None:
        raise IssueError(f"{source}: not a GitHub issue URL "
                         "(https://github.com/OWNER/REPO/issues/NUMBER)")  # fmt: skip
    token = token or os.environ.get("GITHUB_TOKEN")
    if not token:
        raise IssueError(f"{source}: reading an issue from GitHub needs a token; "
                         "set GITHUB_TOKEN or save the issue as a .md file")  # fmt: skip
    api_url = api_url or os.environ.get("GITHUB_API_URL") or DEFAULT_API_URL
    from m6_advanced.engineer.github import GitHubClient  # github.py imports Issue from here

    try:
        with GitHubClient(api_url, token) as client:
            return client.get_issue(*parsed)
    except GitHubError as error:
        raise IssueError(f"cannot read {source}: {error}") from None

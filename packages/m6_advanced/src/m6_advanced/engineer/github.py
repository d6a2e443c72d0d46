"""A small GitHub REST client: read an issue, push a branch, open a pull request.

    with GitHubClient("https://api.github.com", token) as github:
        sha = github.push_files("octo", "calc", "main", "engineer/7-fix-add", {"calc.py": new_text},
                                "Fix #7: add() subtracts")
        url = github.open_pull_request("octo", "calc", "engineer/7-fix-add", "main", title, body)

**Why push through the API and not ``git push``.** ``git push`` needs credentials wired into git
(a credential helper, an SSH key, a token in the remote URL that then lands in ``.git/config``)
and a network path that tests cannot fake without a real git server. The Git Data API needs only
the token, speaks plain HTTPS + JSON, and a fake of it is a hundred lines of FastAPI
(``fake_github.py``), so the whole push → pull-request path runs in the test suite on 127.0.0.1.
A commit is built the way git itself builds one, object by object:

1. ``GET  /repos/{o}/{r}/git/ref/heads/{base}``  → the base branch's commit sha;
2. ``GET  /repos/{o}/{r}/git/commits/{sha}``     → that commit's tree;
3. ``POST /repos/{o}/{r}/git/blobs``             → one blob per changed file (its new content);
4. ``POST /repos/{o}/{r}/git/trees``             → the base tree with those paths replaced
   (``"sha": null`` deletes a path);
5. ``POST /repos/{o}/{r}/git/commits``           → a commit: message, tree, parent = base;
6. ``POST /repos/{o}/{r}/git/refs``              → the new branch pointing at it.

**A branch that already exists** (the engineer ran twice on one issue): step 6 answers 422
"Reference already exists". We then move the branch with ``PATCH .../git/refs/heads/{branch}``
and ``force: false``, which GitHub accepts only as a fast-forward, so a branch a person pushed
work to is never overwritten; if that is refused, the error says so and ``force=True`` (the
caller's explicit choice) replaces the branch. Files are written with mode 100644: an
executable bit is not kept (the engineer edits source files, not scripts' permissions).

Every failure is a ``GitHubError`` that names the call and GitHub's reason, with a hint for the
usual causes (401: bad token; 403: missing permission or rate limit; 404: wrong name, or a private
repository the token cannot see: GitHub answers 404, not 403, so as not to reveal it exists).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx

from m6_advanced.engineer.issue_source import Issue, issue_from_json
from m6_advanced.errors import GitHubError, IssueError

API_VERSION = "2022-11-28"
_REMOTE = re.compile(
    r"(?:https://(?:[^@/]+@)?github\.com/|git@github\.com:|ssh://git@github\.com/)"
    r"(?P<owner>[\w.-]+)/(?P<repo>[\w.-]+?)(?:\.git)?/?"
)
HINTS = {
    401: "the token is wrong or expired (GITHUB_TOKEN)",
    403: "the token lacks a permission (contents and pull requests: write) or hit a rate limit",
    404: "check the owner/name, and that the token can see the repository",
}


def parse_github_remote(url: str) -> tuple[str, str] | None:
    """``(owner, repo)`` of a github.com remote (https or ssh form, ``.git`` or not), else None."""
    match = _REMOTE.fullmatch(url.strip())
    return (match["owner"], match["repo"]) if match else None


class GitHubClient:
    """The few REST calls the engineer needs, over one ``httpx.Client`` (close it, or use ``with``).

    ``api_url`` is ``https://api.github.com``, a GitHub Enterprise ``https://HOST/api/v3``, or a
    fake on 127.0.0.1. The token is sent as ``Authorization: Bearer``: a fine-grained token needs
    Issues: read, Contents: write and Pull requests: write on the repository.
    """

    def __init__(self, api_url: str, token: str, timeout: float = 10) -> None:
        self.api_url = api_url.rstrip("/")
        headers = {
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": API_VERSION,
            "User-Agent": "ai-roadmap-engineer",  # GitHub refuses requests without one
        }
        self._http = httpx.Client(base_url=self.api_url, headers=headers, timeout=timeout)

    def __enter__(self) -> GitHubClient:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:  # fmt: skip
        self.close()

    def close(self) -> None:
        self._http.close()

    def request(self, method: str, path: str, body: dict[str, Any] | None = None,
                params: dict[str, str] | None = None) -> Any:  # fmt: skip
        """One call; its JSON answer, or GitHubError with GitHub's message and a hint."""
        try:
            response = self._http.request(method, path, json=body, params=params)
        except httpx.HTTPError as error:  # refused, timed out, DNS: nothing reached GitHub
            raise GitHubError(
                f"cannot reach {self.api_url} ({type(error).__name__}: {error})"
            ) from None
        if response.is_success:
            try:
                return response.json() if response.content else None
            except ValueError:  # a proxy's HTML page, a wrong api_url
                raise GitHubError(f"{method} {path}: the answer is not JSON; "
                                  f"is {self.api_url} a GitHub API?") from None  # fmt: skip
        raise GitHubError(describe_failure(method, path, response))

    def get_issue(self, owner: str, repo: str, number: int) -> Issue:
        """Issue ``number`` of ``owner/repo`` (a pull request's number works too: PRs are issues)."""
        data = self.request("GET", f"/repos/{owner}/{repo}/issues/{number}")
        try:
            issue = issue_from_json(data)
        except IssueError as error:
            raise GitHubError(f"GitHub's answer for issue {number} is malformed: {error}") from None
        return Issue(issue.title, issue.body, issue.number or number, issue.url, f"{owner}/{repo}")

    def branch_sha(self, owner: str, repo: str, branch: str) -> str:
        """The commit ``branch`` points at."""
        ref = self.request("GET", f"/repos/{owner}/{repo}/git/ref/heads/{quote(branch)}")
        return ref["object"]["sha"]

    def push_files(self, owner: str, repo: str, base_branch: str, branch: str,
                   files: Mapping[str, str | None], message: str, force: bool = False,
                   expected_base: str | None = None) -> str:  # fmt: skip
        """Commit ``files`` (path → new text; None deletes) on top of ``base_branch`` as ``branch``.

        Returns the new commit's sha. ``files`` holds whole files, so if ``base_branch`` moved on
        since the working copy was made, pushing them would silently undo someone's newer change
        to those files. Pass ``expected_base`` (the sha the agent worked from) and a moved base
        is refused instead; the engineer then runs again on the new base.
        """
        if not files:
            raise GitHubError("nothing to push: no file changed")
        prefix = f"/repos/{owner}/{repo}/git"
        base_sha = self.branch_sha(owner, repo, base_branch)
        if expected_base is not None and base_sha != expected_base:
            raise GitHubError(f"{base_branch} on {owner}/{repo} is at {base_sha[:12]}, not at the "
                              f"working copy's base {expected_base[:12]}: it moved on; run the "
                              "engineer again on the new base")  # fmt: skip
        base_tree = self.request("GET", f"{prefix}/commits/{base_sha}")["tree"]["sha"]
        entries = []
        for path, text in sorted(files.items()):
            sha = None
            if text is not None:
                blob = {"content": text, "encoding": "utf-8"}
                sha = self.request("POST", f"{prefix}/blobs", blob)["sha"]
            entries.append({"path": path, "mode": "100644", "type": "blob", "sha": sha})
        tree = self.request("POST", f"{prefix}/trees", {"base_tree": base_tree, "tree": entries})
        commit = self.request("POST", f"{prefix}/commits",
                              {"message": message, "tree": tree["sha"], "parents": [base_sha]})  # fmt: skip
        self.set_branch(owner, repo, branch, commit["sha"], force)
        return commit["sha"]

    def set_branch(self, owner: str, repo: str, branch: str, sha: str, force: bool = False) -> None:
        """Create ``branch`` at ``sha``; if it exists, move it (fast-forward only unless force)."""
        prefix = f"/repos/{owner}/{repo}/git"
        try:
            self.request("POST", f"{prefix}/refs", {"ref": f"refs/heads/{branch}", "sha": sha})
            return
        except GitHubError as error:
            if "Reference already exists" not in str(error):
                raise
        try:
            self.request("PATCH", f"{prefix}/refs/heads/{quote(branch)}",
                         {"sha": sha, "force": force})  # fmt: skip
        except GitHubError as error:
            if "fast forward" not in str(error).lower():
                raise
            raise GitHubError(f"branch {branch!r} already exists on {owner}/{repo} with other "
                              "commits; it was left as it is (delete it, pick another branch "
                              "name, or push with force)") from None  # fmt: skip

    def open_pull_request(self, owner: str, repo: str, head: str, base: str, title: str,
                          body: str) -> str:  # fmt: skip
        """Open a pull request ``head`` → ``base``; its page URL (``html_url``).

        If one is already open for that branch (a second run pushed to the same branch, which
        updated it), that pull request's URL is returned instead of an error.
        """
        path = f"/repos/{owner}/{repo}/pulls"
        try:
            pull = self.request(
                "POST", path, {"title": title, "head": head, "base": base, "body": body}
            )
        except GitHubError as error:
            if "pull request already exists" not in str(error).lower():
                raise
            open_pulls = self.request("GET", path, params={"head": f"{owner}:{head}", "base": base})
            if not open_pulls:
                raise
            return open_pulls[0]["html_url"]
        return pull["html_url"]


def describe_failure(method: str, path: str, response: httpx.Response) -> str:
    """``"POST /repos/o/r/pulls: 422 Validation Failed (A pull request already exists…)"``."""
    try:
        data = response.json()
    except ValueError:
        data = {}
    data = data if isinstance(data, dict) else {}
    reason = str(data.get("message") or response.reason_phrase or "error")
    details = [str(item.get("message") or item.get("code") or item) if isinstance(item, dict)
               else str(item) for item in data.get("errors") or []]  # fmt: skip
    if details:
        reason += f" ({'; '.join(details)})"
    text = f"{method} {path}: {response.status_code} {reason}"
    hint = HINTS.get(response.status_code)
    return f"{text}; {hint}" if hint else text

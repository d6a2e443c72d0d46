"""A fake GitHub REST API (a test double): just the calls ``github.GitHubClient`` makes, in memory.

    state = FakeGitHub(token="t0ken")
    state.create_repo("octo/calc", {"calc.py": "def add(a, b):\n    return a - b\n"})
    state.add_issue("octo/calc", 7, "add() subtracts", "add(2, 3) gives -1")
    with serve_in_thread(fake_github_app(state)) as api_url:      # http://127.0.0.1:PORT
        GitHubClient(api_url, "t0ken").push_files(...)
    assert state.repos["octo/calc"].files("engineer/7-add-subtracts")["calc.py"] == ...

Why a fake server and not mocks of the client's methods: the client is tested through real HTTP
(headers, JSON bodies, status codes, URL paths with slashes in branch names), and what is
checked afterwards is the *outcome* (a branch whose tree holds the new files, a pull request with
that head and body), not which functions were called. The real API is never contacted: tests run
offline, and an engineer's test run must not open pull requests on github.com.

It models git the way GitHub's Git Data API exposes it: content-addressed blobs (sha-1 computed as
git does for blobs), trees (here flat: full path → blob sha), commits (message, tree, parents) and
refs (``refs/heads/<branch>`` → commit sha). It answers like GitHub where the client depends on
it: 401 "Bad credentials" for a wrong token, 403 for a read-only token writing, 404 "Not Found",
422 "Reference already exists", 422 "Update is not a fast forward", 422 for a second pull
request from the same branch, 400 "Problems parsing JSON". Everything else GitHub does (nested
trees, file modes, merges, pagination) is left out on purpose.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


class ApiError(Exception):
    """Becomes a GitHub-shaped error answer: ``{"message": ..., "errors": [...]}``."""

    def __init__(self, status: int, message: str, errors: list[str] | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.errors = status, message, errors or []


def object_sha(kind: str, payload: bytes) -> str:
    """Git's object id: sha-1 of ``"<kind> <size>\\0"`` + the payload (exact for blobs)."""
    return hashlib.sha1(f"{kind} {len(payload)}\0".encode() + payload).hexdigest()


@dataclass
class FakeRepo:
    """One repository's objects and refs, plus its issues and pull requests."""

    full_name: str
    blobs: dict[str, bytes] = field(default_factory=dict)
    trees: dict[str, dict[str, str]] = field(default_factory=dict)
    commits: dict[str, dict[str, Any]] = field(default_factory=dict)
    refs: dict[str, str] = field(default_factory=dict)
    issues: dict[int, dict[str, Any]] = field(default_factory=dict)
    pulls: list[dict[str, Any]] = field(default_factory=list)

    def add_blob(self, content: bytes) -> str:
        sha = object_sha("blob", content)
        self.blobs[sha] = content
        return sha

    def add_tree(self, entries: dict[str, str]) -> str:
        sha = object_sha("tree", json.dumps(entries, sort_keys=True).encode())
        self.trees[sha] = dict(entries)
        return sha

    def add_commit(self, message: str, tree: str, parents: list[str]) -> str:
        commit = {"message": message, "tree": tree, "parents": list(parents)}
        sha = object_sha("commit", json.dumps(commit, sort_keys=True).encode())
        self.commits[sha] = commit
        return sha

    def files(self, branch: str) -> dict[str, str]:
        """The text of every file on ``branch`` (what a checkout would hold)."""
        tree = self.trees[self.commits[self.refs[f"refs/heads/{branch}"]]["tree"]]
        return {path: self.blobs[sha].decode() for path, sha in tree.items()}

    def is_ancestor(self, old: str, new: str) -> bool:
        """Whether ``old`` is reachable from ``new`` through parents (a fast-forward)."""
        todo, seen = [new], set()
        while todo:
            sha = todo.pop()
            if sha == old:
                return True
            if sha not in seen:
                seen.add(sha)
                todo.extend(self.commits.get(sha, {}).get("parents", []))
        return False


@dataclass
class FakeGitHub:
    """The whole fake's state; tests set it up, serve it, then read it back."""

    token: str = "fake-token"
    read_only_tokens: set[str] = field(default_factory=set)
    repos: dict[str, FakeRepo] = field(default_factory=dict)
    requests: list[str] = field(default_factory=list)
    """``"METHOD /path"`` of every request received, in order (what the client did)."""

    def create_repo(self, full_name: str, files: dict[str, str], branch: str = "main") -> FakeRepo:
        """A repository with one commit holding ``files`` on ``branch``."""
        repo = self.repos[full_name] = FakeRepo(full_name)
        tree = repo.add_tree({path: repo.add_blob(text.encode()) for path, text in files.items()})
        repo.refs[f"refs/heads/{branch}"] = repo.add_commit("Initial commit", tree, [])
        return repo

    def add_issue(self, full_name: str, number: int, title: str, body: str | None = "") -> None:
        self.repos[full_name].issues[number] = {"number": number, "title": title, "body": body}


def need(body: dict[str, Any], key: str, kind: type | tuple[type, ...]) -> Any:
    """``body[key]`` if it has the right type, else GitHub's 422 naming the field."""
    value = body.get(key)
    if not isinstance(value, kind):
        raise ApiError(422, "Invalid request.", [f'"{key}" is missing or not a {kind}'])
    return value


def fake_github_app(state: FakeGitHub) -> FastAPI:
    """A FastAPI app answering the Git Data, Issues and Pulls calls over ``state``.

    Handlers are ``async``: they all run on the server's one event loop, so the in-memory
    state is never mutated by two requests at once.
    """
    app = FastAPI(title="fake GitHub API")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, error: ApiError) -> JSONResponse:
        content: dict[str, Any] = {"message": error.message}
        if error.errors:
            content["errors"] = [{"message": text} for text in error.errors]
        return JSONResponse(content, status_code=error.status)

    @app.middleware("http")
    async def authenticate(request: Request, call_next: Any) -> Any:
        state.requests.append(f"{request.method} {request.url.path}")
        token = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
        if token != state.token and token not in state.read_only_tokens:
            return JSONResponse({"message": "Bad credentials"}, status_code=401)
        if request.method != "GET" and token in state.read_only_tokens:
            return JSONResponse({"message": "Resource not accessible by personal access token"},
                                status_code=403)  # fmt: skip
        return await call_next(request)

    def repo_of(owner: str, name: str) -> FakeRepo:
        if f"{owner}/{name}" not in state.repos:
            raise ApiError(404, "Not Found")
        return state.repos[f"{owner}/{name}"]

    async def body_of(request: Request) -> dict[str, Any]:
        try:
            body = json.loads(await request.body())
        except ValueError:
            raise ApiError(400, "Problems parsing JSON") from None
        if not isinstance(body, dict):
            raise ApiError(400, "Problems parsing JSON")
        return body

    @app.get("/repos/{owner}/{name}/issues/{number}")
    async def get_issue(owner: str, name: str, number: int, request: Request) -> dict[str, Any]:
        repo = repo_of(owner, name)
        if number not in repo.issues:
            raise ApiError(404, "Not Found")
        api = str(request.base_url).rstrip("/")
        return {**repo.issues[number], "state": "open",
                "html_url": f"https://github.com/{owner}/{name}/issues/{number}",
                "url": f"{api}/repos/{owner}/{name}/issues/{number}",
                "repository_url": f"{api}/repos/{owner}/{name}"}  # fmt: skip

    @app.get("/repos/{owner}/{name}/git/ref/{ref:path}")
    async def get_ref(owner: str, name: str, ref: str) -> dict[str, Any]:
        repo = repo_of(owner, name)
        if f"refs/{ref}" not in repo.refs:
            raise ApiError(404, "Not Found")
        return {"ref": f"refs/{ref}", "object": {"type": "commit", "sha": repo.refs[f"refs/{ref}"]}}

    @app.get("/repos/{owner}/{name}/git/commits/{sha}")
    async def get_commit(owner: str, name: str, sha: str) -> dict[str, Any]:
        repo = repo_of(owner, name)
        if sha not in repo.commits:
            raise ApiError(404, "Not Found")
        commit = repo.commits[sha]
        return {"sha": sha, "message": commit["message"], "tree": {"sha": commit["tree"]},
                "parents": [{"sha": parent} for parent in commit["parents"]]}  # fmt: skip

    @app.post("/repos/{owner}/{name}/git/blobs", status_code=201)
    async def create_blob(owner: str, name: str, request: Request) -> dict[str, Any]:
        repo, body = repo_of(owner, name), await body_of(request)
        content = need(body, "content", str)
        if body.get("encoding", "utf-8") != "utf-8":
            raise ApiError(422, "Invalid request.", ['this fake only takes "utf-8" blobs'])
        return {"sha": repo.add_blob(content.encode())}

    @app.post("/repos/{owner}/{name}/git/trees", status_code=201)
    async def create_tree(owner: str, name: str, request: Request) -> dict[str, Any]:
        repo, body = repo_of(owner, name), await body_of(request)
        base = body.get("base_tree")
        if base is not None and base not in repo.trees:
            raise ApiError(422, "Invalid request.", [f"base_tree {base} does not exist"])
        entries = dict(repo.trees[base]) if base else {}
        for item in need(body, "tree", list):
            if not isinstance(item, dict):
                raise ApiError(422, "Invalid request.", ["a tree entry is not an object"])
            path, sha = need(item, "path", str), item.get("sha")
            if item.get("mode") != "100644" or item.get("type") != "blob":
                raise ApiError(422, "Invalid request.", [f"{path}: mode 100644, type blob only"])
            if not path or path.startswith("/") or ".." in path.split("/"):
                raise ApiError(422, "Invalid request.", [f"{path!r} is not a valid tree path"])
            if sha is None:
                if entries.pop(path, None) is None:
                    raise ApiError(422, "Invalid request.", [f"cannot delete missing {path}"])
            elif sha in repo.blobs:
                entries[path] = sha
            else:
                raise ApiError(422, "Invalid request.", [f"{path}: no blob {sha}"])
        sha = repo.add_tree(entries)
        return {"sha": sha, "tree": [{"path": p, "sha": s} for p, s in sorted(entries.items())]}

    @app.post("/repos/{owner}/{name}/git/commits", status_code=201)
    async def create_commit(owner: str, name: str, request: Request) -> dict[str, Any]:
        repo, body = repo_of(owner, name), await body_of(request)
        message, tree = need(body, "message", str), need(body, "tree", str)
        parents = need(body, "parents", list)
        if tree not in repo.trees or any(parent not in repo.commits for parent in parents):
            raise ApiError(422, "Invalid request.", ["the tree or a parent does not exist"])
        return {"sha": repo.add_commit(message, tree, parents), "tree": {"sha": tree}}

    @app.post("/repos/{owner}/{name}/git/refs", status_code=201)
    async def create_ref(owner: str, name: str, request: Request) -> dict[str, Any]:
        repo, body = repo_of(owner, name), await body_of(request)
        ref, sha = need(body, "ref", str), need(body, "sha", str)
        if not ref.startswith("refs/") or ref.count("/") < 2:
            raise ApiError(422, "Reference name is invalid")  # GitHub: fully qualified refs
        if sha not in repo.commits:
            raise ApiError(422, "Object does not exist")
        if ref in repo.refs:
            raise ApiError(422, "Reference already exists")
        repo.refs[ref] = sha
        return {"ref": ref, "object": {"type": "commit", "sha": sha}}

    @app.patch("/repos/{owner}/{name}/git/refs/{ref:path}")
    async def update_ref(owner: str, name: str, ref: str, request: Request) -> dict[str, Any]:
        repo, body = repo_of(owner, name), await body_of(request)
        sha, key = need(body, "sha", str), f"refs/{ref}"
        if key not in repo.refs:
            raise ApiError(422, "Reference does not exist")
        if sha not in repo.commits:
            raise ApiError(422, "Object does not exist")
        if not body.get("force") and not repo.is_ancestor(repo.refs[key], sha):
            raise ApiError(422, "Update is not a fast forward")
        repo.refs[key] = sha
        return {"ref": key, "object": {"type": "commit", "sha": sha}}

    @app.post("/repos/{owner}/{name}/pulls", status_code=201)
    async def create_pull(owner: str, name: str, request: Request) -> dict[str, Any]:
        repo, body = repo_of(owner, name), await body_of(request)
        title, head, base = (need(body, key, str) for key in ("title", "head", "base"))
        head = head.split(":", 1)[-1]  # "owner:branch" names a branch of this repo too
        for branch in (head, base):
            if f"refs/heads/{branch}" not in repo.refs:
                raise ApiError(422, "Validation Failed", [f"branch {branch!r} does not exist"])
        if repo.refs[f"refs/heads/{head}"] == repo.refs[f"refs/heads/{base}"]:
            raise ApiError(422, "Validation Failed", [f"No commits between {base} and {head}"])
        if any(p["head"] == head and p["base"] == base for p in repo.pulls):
            raise ApiError(422, "Validation Failed",
                           [f"A pull request already exists for {owner}:{head}."])  # fmt: skip
        number = max([*repo.issues, *(p["number"] for p in repo.pulls), 0]) + 1
        pull = {"number": number, "title": title, "body": body.get("body") or "", "head": head,
                "base": base, "state": "open",
                "html_url": f"https://github.com/{owner}/{name}/pull/{number}"}  # fmt: skip
        repo.pulls.append(pull)
        return pull

    @app.get("/repos/{owner}/{name}/pulls")
    async def list_pulls(owner: str, name: str, head: str = "", base: str = "") -> list[Any]:
        pulls = repo_of(owner, name).pulls
        head = head.split(":", 1)[-1]
        return [
            p for p in pulls if (not head or p["head"] == head) and (not base or p["base"] == base)
        ]

    return app

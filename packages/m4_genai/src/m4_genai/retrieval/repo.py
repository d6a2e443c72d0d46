"""Repository access for code questions: clone, list the files worth reading, index them.

``ask-repo`` (month 4) and the Autonomous Engineer (month 6) both start here:

- ``resolve_repo(target)``: a local folder, or a shallow ``git clone`` of a URL into a cache (a
  clear ``RepoError`` when offline, after a 3-second reachability check instead of git's long hang);
- ``repo_files(root)``: ``git ls-files`` when it is a checkout, so ``.gitignore`` is respected;
  otherwise a walk that skips ``.git``, ``.venv``, ``node_modules``, ``data``, build outputs;
  lock files, unsupported types and files over 1 MB are left out;
- ``index_repo(root, embedder)``: one cached index per repository under
  ``data/indexes/ask_repo/``, refreshed by file fingerprints: a second question costs only itself.
"""

from __future__ import annotations

import hashlib
import shutil
import socket
import subprocess
from collections.abc import Sequence
from pathlib import Path
from urllib.parse import urlparse

from m4_genai.errors import RepoError
from m4_genai.retrieval.documents import SKIP_DIRS, iter_files, supported
from m4_genai.retrieval.embedder import Embedder
from m4_genai.retrieval.index import ChunkIndex
from m4_genai.retrieval.indexing import IndexStats, index_files
from roadmap_data import data_dir

SKIP_FILES = {
    "uv.lock",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "Cargo.lock",
}
MAX_BYTES = 1_000_000


def is_git_url(target: str) -> bool:
    """``https://…``, ``ssh://…``, ``git@host:org/repo`` or anything ending in ``.git``."""
    return target.startswith(("http://", "https://", "ssh://", "git://", "git@")) or (
        target.endswith(".git") and not Path(target).exists()
    )


def _host_of(url: str) -> str:
    if url.startswith("git@"):
        return url.split("@", 1)[1].split(":", 1)[0]
    return urlparse(url).hostname or ""


def clone(url: str, into: Path, timeout: float = 3.0) -> Path:
    """``git clone --depth 1 url`` into a cache folder; a clear RepoError when offline."""
    target = into / hashlib.sha256(url.encode()).hexdigest()[:16]
    if (target / ".git").is_dir():
        return target  # cloned before: reuse (delete the folder to refresh)
    host = _host_of(url)
    try:
        socket.create_connection((host, 443 if not url.startswith("git@") else 22), timeout).close()
    except Exception as error:  # DNS failure, refused, timeout, a sandbox's guard: all "offline"
        raise RepoError(
            f"cannot clone {url}: {host or 'host'} is unreachable (offline?): {error}"
        ) from error
    if shutil.which("git") is None:
        raise RepoError("cannot clone: git is not installed")
    into.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["git", "clone", "--depth", "1", url, str(target)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if done.returncode != 0:
        shutil.rmtree(target, ignore_errors=True)
        lines = done.stderr.strip().splitlines() or ["(no message)"]
        raise RepoError(f"git clone {url} failed: {lines[-1]}")
    return target


def repo_files(root: Path, only: Sequence[str] = ()) -> list[tuple[Path, str]]:
    """``(path, path relative to root)`` of every file worth indexing in the repository.

    ``only`` keeps files under these sub-folders (paths stay relative to the repository root).
    """
    listed: list[str] | None = None
    if (root / ".git").exists() and shutil.which("git"):
        done = subprocess.run(
            [
                "git",
                "-C",
                str(root),
                "ls-files",
                "--cached",
                "--others",
                "--exclude-standard",
                "-z",
            ],
            capture_output=True,
            text=True,
        )
        if done.returncode == 0:
            listed = [name for name in done.stdout.split("\0") if name]
    if listed is None:
        listed = [p.relative_to(root).as_posix() for p in iter_files([root])]
    prefixes = tuple(p.strip("/") + "/" for p in only)
    files = []
    for name in sorted(listed):
        if prefixes and not name.startswith(prefixes):
            continue
        path = root / name
        parts = Path(name).parts
        if any(part in SKIP_DIRS or part.endswith(".egg-info") for part in parts[:-1]):
            continue
        if parts[-1] in SKIP_FILES or not supported(path) or not path.is_file():
            continue
        if path.stat().st_size > MAX_BYTES:
            continue
        files.append((path, name))
    return files


def cache_dir(root: Path, only: Sequence[str] = ()) -> Path:
    """One Chroma index per repository (and ``--only`` selection), keyed by its absolute path."""
    key = hashlib.sha256("\0".join([str(root.resolve()), *sorted(only)]).encode()).hexdigest()[:16]
    return data_dir() / "indexes" / "ask_repo" / f"{root.resolve().name}-{key}"


def resolve_repo(target: str) -> Path:
    """A local folder, or the clone of a git URL."""
    if is_git_url(target):
        return clone(target, data_dir() / "clones")
    root = Path(target).expanduser()
    if not root.is_dir():
        raise RepoError(f"{target}: not a folder (give a repository path or a git URL)")
    return root.resolve()


def index_repo(
    root: Path,
    embedder: Embedder,
    index: Path | None = None,
    progress: bool = True,
    only: Sequence[str] = (),
) -> tuple[ChunkIndex, IndexStats]:
    """Bring the repository's cached index up to date (only changed files are re-embedded).

    Code is cut at ``def``/``class`` boundaries into pieces of up to 1200 characters, without
    overlap (a function is a natural unit); the index mirrors the repository (``prune``).
    """
    files = repo_files(root, only)
    if not files:
        where = f" under {', '.join(only)}" if only else ""
        raise RepoError(f"{root}: no source or text files to index{where}")
    chunks = ChunkIndex(index or cache_dir(root, only), "repo", embedder=embedder)
    stats = index_files(
        chunks, files, chunk_size=1200, chunk_overlap=0, prune=True, progress=progress
    )
    return chunks, stats

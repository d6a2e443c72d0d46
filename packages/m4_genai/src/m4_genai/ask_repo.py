"""``ask-repo``: ask questions about a code repository and get answers citing ``file:line``.

    uv run ask-repo . "where is the data registry?"
    uv run ask-repo ~/code/myapp "how are users authenticated?" --llm openai --model gpt-4o-mini
    uv run ask-repo https://github.com/pallets/click "where are options parsed?"   # online only
    uv run ask-repo . "how are chunks embedded?" --only packages/m4_genai   # a sub-folder only
    uv run ask-repo --smoke          # index this package's own source, ask one question

How it works: list the repository's files (``git ls-files`` when it is a git checkout, so
``.gitignore`` is respected; otherwise a walk that skips ``.git``, ``.venv``, ``node_modules``,
``data``, build outputs), split code at ``def``/``class`` boundaries keeping line numbers, embed,
and retrieve with hybrid search (identifiers are exactly what BM25 is good at). The index is cached
under ``data/indexes/ask_repo/<hash of the repo path>`` and refreshed by file mtimes: a second
question about the same repository costs only the question.
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from m4_genai.cli_common import (
    add_answer_args,
    add_common_args,
    answer_metrics,
    make_model,
    print_answer,
    rag_config,
)
from m4_genai.documents import SKIP_DIRS, iter_files, supported
from m4_genai.errors import GenAIError, RepoError
from m4_genai.indexing import IndexStats, index_files
from m4_genai.llm import ChatModel, load_chat_model
from m4_genai.rag import RagAnswer, RagConfig, answer
from m4_genai.retrieval import Retriever
from m4_genai.vectorstore import VectorStore
from roadmap_data import data_dir, runs_dir
from roadmap_data.console import console, friendly_errors, save_json

SKIP_FILES = {
    "uv.lock",
    "package-lock.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "poetry.lock",
    "Cargo.lock",
}
MAX_BYTES = 1_000_000
SMOKE_QUESTION = "How is the BM25 score of a document computed?"


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
    root: Path, index: Path | None = None, progress: bool = True, only: Sequence[str] = ()
) -> tuple[VectorStore, IndexStats]:
    """Bring the repository's cached index up to date (only changed files are re-embedded)."""
    files = repo_files(root, only)
    if not files:
        where = f" under {', '.join(only)}" if only else ""
        raise RepoError(f"{root}: no source or text files to index{where}")
    store = VectorStore(index or cache_dir(root, only), "repo")
    return store, index_files(
        store, files, chunk_size=1200, chunk_overlap=0, prune=True, progress=progress
    )


def run(
    question: str,
    target: str,
    model: ChatModel,
    config: RagConfig | None = None,
    index: Path | None = None,
    progress: bool = True,
    only: Sequence[str] = (),
) -> tuple[RagAnswer, IndexStats]:
    """Index (or refresh) the repository at ``target`` and answer ``question`` about it."""
    if not question.strip():
        raise GenAIError("the question is empty")
    store, stats = index_repo(resolve_repo(target), index, progress, only)
    config = config or RagConfig()
    return answer(question, Retriever(store, mode=config.mode), model, config), stats


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ask-repo", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("repo", nargs="?", help="repository folder or git URL (cloned when online)")
    parser.add_argument("question", nargs="?", help="the question, in quotes")
    parser.add_argument(
        "--smoke",
        action="store_true",
        help="seconds-long self-test on this package's own source with the scripted model",
    )
    parser.add_argument(
        "--index", type=Path, help="index folder (default: cached per repository under data/)"
    )
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        metavar="SUBDIR",
        help="index only this sub-folder (repeatable); citations stay relative to the repo root",
    )
    add_common_args(parser, "folder for metrics.json (default data/runs/ask-repo)")
    add_answer_args(parser)
    return parser


def _metrics(question: str, result: RagAnswer, stats: IndexStats) -> dict[str, Any]:
    return {
        **answer_metrics(question, result),
        "files_indexed": stats.files_indexed,
        "files_unchanged": stats.files_unchanged,
        "total_chunks": stats.total_chunks,
        "index_seconds": round(stats.seconds, 3),
    }


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    out = Path(args.out) if args.out else runs_dir("ask-repo")
    out.mkdir(parents=True, exist_ok=True)
    if args.smoke:
        package = Path(__file__).resolve().parent
        with tempfile.TemporaryDirectory(dir=out) as scratch:
            result, stats = run(
                SMOKE_QUESTION,
                str(package),
                load_chat_model("scripted"),
                index=Path(scratch),
                progress=False,
            )
        question = SMOKE_QUESTION
    else:
        if not args.repo or not args.question:
            parser.error('give a repository and a question, e.g. ask-repo . "where is main?"')
        question = args.question
        model, config = make_model(args), rag_config(args)
        result, stats = run(question, args.repo, model, config, args.index, only=args.only)
    print_answer(question, result)
    save_json(out / "metrics.json", _metrics(question, result, stats))
    console.print(f"metrics → {out / 'metrics.json'}")
    return 0

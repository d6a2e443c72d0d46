"""Carry out one action in the working copy and say what happened, in text the model reads next.

Every action but ``search_code`` is a fresh process in the sandbox (``sandbox.py``): ``grep`` and
``run_tests`` run programs, and ``read_file``/``edit`` run ``file_tools`` there, so even our own
edit tool can only write inside the working copy. ``search_code`` asks month 4's code index
(chunks cut at ``def``/``class``, dense + BM25 fused), refreshed from the working copy before each
search so it sees the model's edits; it reads files and runs no code, so it stays in this process.
"""

from __future__ import annotations

import json
import shlex
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from m4_genai.retrieval import make_searcher
from m4_genai.retrieval.documents import supported
from m4_genai.retrieval.embedder import Embedder
from m4_genai.retrieval.index import ChunkIndex
from m4_genai.retrieval.indexing import index_files
from m4_genai.retrieval.repo import MAX_BYTES
from m5_agents_mlops.house.files import UnsafePathError, check_path
from m5_agents_mlops.house.sandbox import pytest_counts, pytest_summary
from m6_advanced.engineer.actions import Action
from m6_advanced.engineer.sandbox import CommandResult, Sandbox, Workspace

MAX_GREP_LINES = 60
PYTEST = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
"""The interpreter the sandbox runs is this one: it has pytest and our file tools."""
FILE_TOOLS = [sys.executable, "-P", "-m", "m6_advanced.engineer.file_tools"]
"""``-P``: the working copy is *not* put on ``sys.path``, so a ``json.py`` of the repository's
cannot stand in for the standard library's inside our own tool."""
SEARCH_HITS = 5


@dataclass
class Observation:
    """What an action produced: the text for the model, and facts for the trajectory."""

    text: str
    ok: bool = True
    seconds: float = 0.0
    command: list[str] = field(default_factory=list)
    """The sandboxed command line, when the action ran one."""


@dataclass
class TestRecord:
    """One ``run_tests``: the command and pytest's tally (for the PR description)."""

    __test__ = False

    command: str
    summary: str
    passed: bool


class Toolbox:
    """The actions of one working copy; ``test_runs`` keeps every test run for the PR text."""

    def __init__(
        self, workspace: Workspace, sandbox: Sandbox, embedder: Embedder | None = None
    ) -> None:
        self.workspace, self.sandbox, self.embedder = workspace, sandbox, embedder
        self.test_runs: list[TestRecord] = []
        self._index_dir: tempfile.TemporaryDirectory[str] | None = None
        self._index: ChunkIndex | None = None

    def run(self, action: Action) -> Observation:
        """Carry out ``action`` (``submit`` is the loop's business, not a tool)."""
        handler = getattr(self, f"_{action.name}", None)
        if handler is None:
            raise ValueError(f"not a tool action: {action.name}")
        return handler(**action.args)

    def close(self) -> None:
        if self._index_dir is not None:
            self._index_dir.cleanup()

    def _in_sandbox(self, argv: list[str], timeout_s: float | None = None) -> CommandResult:
        return self.sandbox.run(argv, self.workspace, timeout_s=timeout_s)

    def _read_file(self, path: str, start: int = 1, end: int | None = None) -> Observation:
        argv = [*FILE_TOOLS, "read", path, str(start), str(end)]  # fmt: skip
        return observed(self._in_sandbox(argv))

    def _edit(self, path: str, search: str, replace: str) -> Observation:
        request = json.dumps({"path": path, "search": search, "replace": replace})
        argv = [*FILE_TOOLS, "edit", request]
        return observed(self._in_sandbox(argv))

    def _grep(self, pattern: str, paths: list[str]) -> Observation:
        try:  # relative and inside, as read_file and edit insist
            paths = [path if path == "." else check_path(path) for path in paths]
        except UnsafePathError as error:
            return Observation(f"refused: {error}", False)
        argv = ["grep", "-rnE", "--binary-files=without-match", "--exclude-dir=.git",
                "--exclude-dir=__pycache__", "-e", pattern, "--", *paths]  # fmt: skip
        result = self._in_sandbox(argv)
        lines = [line.removeprefix("./") for line in result.output.splitlines()]
        if result.exit_code == 1 and not lines:
            return Observation(f"no line matches {pattern!r}", True, result.seconds, argv)
        shown = lines[:MAX_GREP_LINES]
        if len(lines) > MAX_GREP_LINES:
            shown.append(f"[... {len(lines) - MAX_GREP_LINES} more matches: narrow the pattern]")
        return Observation("\n".join(shown), result.exit_code in (0, 1), result.seconds, argv)

    def _run_tests(self, args: list[str] | None = None) -> Observation:
        argv = [*PYTEST, *(args or [])]
        result = self._in_sandbox(argv)
        summary = test_summary(result)
        shown = shlex.join(["pytest", *argv[3:]])  # as a person would type it: no "python -m"
        self.test_runs.append(TestRecord(shown, summary, result.ok))
        return observed(result, footer=summary)

    def _search_code(self, query: str) -> Observation:
        if self.embedder is None:
            return Observation("search_code is not available in this run: use grep", False)
        if self._index is None:
            self._index_dir = tempfile.TemporaryDirectory(prefix="engineer-index-")
            self._index = ChunkIndex(Path(self._index_dir.name), "repo", embedder=self.embedder)
        # The file list comes from the workspace (its own git folder, no symlinks), not from
        # ``git ls-files`` in the working copy, whose ``.git`` the sandboxed code could rewrite.
        files = [(path, name) for path, name in self.workspace.files()
                 if supported(path) and path.stat().st_size <= MAX_BYTES]  # fmt: skip
        if not files:
            return Observation("nothing to search: the working copy has no source files", False)
        stats = index_files(self._index, files, chunk_size=1200, chunk_overlap=0, prune=True,
                            progress=False)  # fmt: skip
        hits = make_searcher(self._index, "hybrid").search(query, k=SEARCH_HITS)
        parts = []
        for hit in hits:
            chunk = hit.chunk
            lines = chunk.text.splitlines()
            preview = "\n".join(lines[:8]) + ("\n    ..." if len(lines) > 8 else "")
            parts.append(f"{chunk.source}:{chunk.start_line}-{chunk.end_line}\n{preview}")
        return Observation("\n\n".join(parts) or "nothing found", True, stats.seconds)


def test_summary(result: CommandResult) -> str:
    """pytest's tally in one line: ``2 passed``, ``1 failed, 3 passed``, ``timed out``..."""
    counts = pytest_counts(result.output)
    return pytest_summary(counts, result.exit_code, result.timed_out, result.seconds)


def observed(result: CommandResult, footer: str = "") -> Observation:
    """A command's output as the model sees it: the output, then how it ended."""
    ending = "timed out (killed)" if result.timed_out else f"exit code {result.exit_code}"
    tail = f"[{ending}{'; ' + footer if footer else ''}; {result.seconds:.1f} s]"
    text = result.output.rstrip()
    return Observation(f"{text}\n{tail}" if text else tail, result.ok, result.seconds, result.argv)

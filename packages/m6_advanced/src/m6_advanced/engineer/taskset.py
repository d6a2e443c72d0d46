"""The engineer's benchmark: small SWE-bench-style tasks, each an issue, a repository and a test.

    tasks = load_tasks(split="dev")          # the bundled set (engineer/tasks/<id>/)
    check = check_task(tasks[0])             # the task is sound: hidden tests fail, then pass

A task folder is what SWE-bench calls an *instance*, shrunk to run in a second::

    t01-invoice-installments/
        task.json      {"id", "title", "kind", "split", "loop_needed"}
        issue.md       what a user reported (the only thing the engineer is told)
        repo/          the project at the commit the issue was filed against
        hidden/        test files copied over the working copy after the engineer submits
        solution.json  the reference fix: search/replace edits, applied in order

Why hidden tests, as in SWE-bench: the engineer may run the visible tests as often as it likes,
so they cannot be the judge. The judge is a test written for the issue and never shown; it is
copied over the working copy at the end, and the task is solved when every test then passes.

Why ``check_task``: a benchmark task is only fair if the hidden tests fail on the unfixed repo
and pass with the reference fix; a task where either is false measures nothing. The check runs
both, in a throwaway copy, so the bundled folders are never touched.

Why ``kind`` and ``loop_needed``: the tasks are grouped by what makes them hard, so a report can
say *where* the agent loop (read, edit, run the tests, repeat) beats a one-shot answer (issue and
files in one prompt). ``loop_needed`` says, in one sentence, why one shot cannot solve a task:
the repository is too big for the prompt, or the cause only shows when the tests run.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from m6_advanced.engineer.edit import Edit, apply_edit
from m6_advanced.errors import EditError, TaskError

KINDS = (
    "off-by-one",
    "wrong-condition",
    "missing-edge-case",
    "wrong-api-use",
    "two-file",
    "large-repo",
    "runtime-only",
    "ambiguity-by-example",
)
SPLITS = ("dev", "test")
MIN_REPO_FILES = 3
IGNORED = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc")
SKIPPED_DIRS = {"__pycache__", ".pytest_cache"}


@dataclass(frozen=True)
class Task:
    """One benchmark task, as loaded (and checked for shape) from its folder."""

    id: str
    title: str
    kind: str
    split: str
    issue: str
    root: Path
    loop_needed: str | None

    @property
    def repo_dir(self) -> Path:
        return self.root / "repo"

    @property
    def hidden_dir(self) -> Path:
        return self.root / "hidden"

    @property
    def solution(self) -> list[Edit]:
        """The reference fix (read from solution.json each time: the folder is the truth)."""
        return read_solution(self.root / "solution.json")


@dataclass(frozen=True)
class TaskCheck:
    """Whether a task is sound: its hidden tests fail before the fix and pass after it."""

    id: str
    fails_before: bool
    passes_after: bool

    @property
    def ok(self) -> bool:
        return self.fails_before and self.passes_after


def bundled_tasks_dir() -> Path:
    """The folder of tasks shipped with the package (one subfolder per task)."""
    return Path(__file__).parent / "tasks"


def files_under(folder: Path) -> list[Path]:
    """Every file under ``folder``, caches left out, in a stable order."""
    return sorted(
        path
        for path in folder.rglob("*")
        if path.is_file() and not SKIPPED_DIRS.intersection(path.relative_to(folder).parts)
    )


def read_json(path: Path) -> Any:
    if not path.is_file():
        raise TaskError(f"{path}: missing (every task folder needs {path.name})")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise TaskError(f"{path}: not valid JSON ({error})") from None


def read_solution(path: Path) -> list[Edit]:
    """solution.json as edits: a non-empty list of {"path", "search", "replace"} strings."""
    data = read_json(path)
    if not isinstance(data, list) or not data:
        raise TaskError(f"{path}: must be a non-empty list of edits")
    edits = []
    for number, item in enumerate(data):
        if not isinstance(item, dict) or set(item) != {"path", "search", "replace"}:
            raise TaskError(f"{path}: edit {number} must have exactly path, search and replace")
        for field in ("path", "search", "replace"):
            if not isinstance(item[field], str):
                raise TaskError(f"{path}: edit {number} field {field!r} must be a string")
        edits.append(Edit(item["path"], item["search"], item["replace"]))
    return edits


def check_fields(path: Path, meta: Any, folder_name: str) -> None:
    """task.json's fields and types; TaskError naming the first one that is wrong."""
    if not isinstance(meta, dict):
        raise TaskError(f"{path}: must be a JSON object")
    for field in ("id", "title", "kind", "split"):
        if not isinstance(meta.get(field), str) or not meta[field].strip():
            raise TaskError(f"{path}: field {field!r} must be a non-empty string")
    if meta["id"] != folder_name:
        raise TaskError(f"{path}: field 'id' is {meta['id']!r} but the folder is {folder_name!r}")
    if meta["kind"] not in KINDS:
        raise TaskError(f"{path}: field 'kind' is {meta['kind']!r}; one of {', '.join(KINDS)}")
    if meta["split"] not in SPLITS:
        raise TaskError(f"{path}: field 'split' is {meta['split']!r}; 'dev' or 'test'")
    if "loop_needed" not in meta:
        raise TaskError(f"{path}: field 'loop_needed' is missing (null or one sentence)")
    loop_needed = meta["loop_needed"]
    if loop_needed is not None and (not isinstance(loop_needed, str) or not loop_needed.strip()):
        raise TaskError(f"{path}: field 'loop_needed' must be null or a non-empty string")


def load_task(folder: Path) -> Task:
    """The task in ``folder``, its shape checked (TaskError naming the file and the field)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise TaskError(f"{folder}: not a task folder")
    meta_path = folder / "task.json"
    meta = read_json(meta_path)
    check_fields(meta_path, meta, folder.name)
    issue_path = folder / "issue.md"
    try:
        issue = issue_path.read_text(encoding="utf-8") if issue_path.is_file() else ""
    except UnicodeDecodeError as error:
        raise TaskError(f"{issue_path}: not UTF-8 text ({error.reason})") from None
    if not issue.strip():
        raise TaskError(f"{issue_path}: missing or empty (the issue is all the engineer is told)")
    repo = folder / "repo"
    if not repo.is_dir() or len(files_under(repo)) < MIN_REPO_FILES:
        raise TaskError(f"{repo}: needs a repository of at least {MIN_REPO_FILES} files")
    hidden = folder / "hidden"
    if not hidden.is_dir() or not any(
        path.name.startswith("test_") and path.suffix == ".py" for path in files_under(hidden)
    ):
        raise TaskError(f"{hidden}: needs at least one test file (test_*.py)")
    read_solution(folder / "solution.json")
    return Task(
        id=meta["id"],
        title=meta["title"],
        kind=meta["kind"],
        split=meta["split"],
        issue=issue,
        root=folder,
        loop_needed=meta["loop_needed"],
    )


def load_tasks(
    folder: Path | None = None, split: str | None = None, ids: Sequence[str] = ()
) -> list[Task]:
    """Every task under ``folder`` (the bundled set by default), in id order, maybe filtered.

    Every subfolder is a task (names starting with '.' or '_' aside), so a folder that lost its
    task.json is an error, not a task silently skipped.
    """
    folder = Path(folder) if folder is not None else bundled_tasks_dir()
    if split is not None and split not in SPLITS:
        raise TaskError(f"split {split!r}: 'dev' or 'test'")
    if not folder.is_dir():
        raise TaskError(f"{folder}: no such task folder")
    tasks = [
        load_task(child)
        for child in sorted(folder.iterdir())
        if child.is_dir() and not child.name.startswith((".", "_"))
    ]
    known = {task.id for task in tasks}
    unknown = [task_id for task_id in ids if task_id not in known]
    if unknown:
        raise TaskError(
            f"{folder}: no task {', '.join(unknown)} (known: {', '.join(sorted(known))})"
        )
    return [
        task
        for task in tasks
        if (split is None or task.split == split) and (not ids or task.id in ids)
    ]


def copy_repo(task: Task, workdir: Path) -> Path:
    """The task's repository copied to ``workdir`` (which must not exist yet), caches left out."""
    shutil.copytree(task.repo_dir, workdir, ignore=IGNORED)
    return workdir


def apply_hidden_tests(task: Task, workdir: Path) -> list[str]:
    """Copy the hidden test files over ``workdir``; their paths relative to it, sorted."""
    copied = []
    for source in files_under(task.hidden_dir):
        relative = source.relative_to(task.hidden_dir)
        target = workdir / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied.append(relative.as_posix())
    return copied


def apply_solution(task: Task, workdir: Path) -> str:
    """Apply the reference fix to ``workdir``; the diffs joined (TaskError if an edit misses)."""
    diffs = []
    for number, edit in enumerate(task.solution):
        try:
            diffs.append(apply_edit(workdir, edit))
        except EditError as error:
            raise TaskError(f"{task.root / 'solution.json'}: edit {number} ({error})") from None
    return "".join(diffs)


def run_pytest(workdir: Path, timeout_s: float = 60) -> bool:
    """Whether ``python -m pytest`` passes in ``workdir`` (a plain subprocess, no sandbox).

    Plugins are not auto-loaded, so whatever the host environment has installed (xdist,
    coverage) cannot change what a task's tests mean.
    """
    env = {**os.environ, "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    argv = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-x"]
    try:
        done = subprocess.run(
            argv, cwd=workdir, env=env, capture_output=True, timeout=timeout_s, check=False
        )
    except subprocess.TimeoutExpired:
        return False
    return done.returncode == 0


def check_task(task: Task, run_tests: Callable[[Path], bool] = run_pytest) -> TaskCheck:
    """Run the hidden tests on a copy of the repo before and after the reference fix."""
    with tempfile.TemporaryDirectory(prefix=f"task-{task.id}-") as temporary:
        workdir = copy_repo(task, Path(temporary) / "repo")
        apply_hidden_tests(task, workdir)
        fails_before = not run_tests(workdir)
        apply_solution(task, workdir)
        passes_after = run_tests(workdir)
    return TaskCheck(task.id, fails_before=fails_before, passes_after=passes_after)

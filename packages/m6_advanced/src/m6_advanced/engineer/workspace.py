"""The engineer's working copy: a temporary clone, so the host repository is never touched.

    with Workspace.create(Path("my-repo")) as ws:
        ...edit files under ws.path, run commands in the sandbox...
        patch = ws.diff()                     # every change since ws.base, new files included

Layout of the temporary folder (``engineer-XXXX/``):

- ``repo/``: the working copy, the only place (with ``scratch/``) a sandboxed command may write;
- ``scratch/``: ``$HOME`` and ``$TMPDIR`` for the commands (caches, pytest's temp folders);
- ``git/``: the working copy's git directory, kept *outside* it (``--separate-git-dir``).

Why git lives outside the working copy: git runs on the host, unsandboxed, to compute the
diff, and git obeys its repository's config (``core.fsmonitor``, ``core.pager``, diff drivers
can name programs to run). A ``.git/config`` the model's code could rewrite would be a way out
of the sandbox. Every git call here names ``--git-dir`` and ``--work-tree`` explicitly (never
trusting the ``.git`` file the working copy holds), ignores the user's and the system's git
config, and disables hooks: git is our tool, not the model's.

Two ways in. A source that is the top of a git checkout is cloned (``--no-hardlinks``: a
hardlinked object file would be the *same* file as the host's), so the base commit is the
source's ``HEAD``; uncommitted changes are not part of it, and ``source_dirty`` says so. Any
other folder (a task's ``repo/`` lives *inside* this repository) is copied, caches left out,
and committed as the base with a fixed author and date, so the same files give the same base.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from types import TracebackType

from m5_agents_mlops.errors import SandboxError

IDENTITY = ("engineer", "engineer@localhost")
FIXED_DATE = "2000-01-01T00:00:00Z"
SKIPPED = (".git", ".venv", "venv", "__pycache__", ".pytest_cache", "node_modules",
           ".mypy_cache", ".ruff_cache")  # fmt: skip
"""Left out when copying a plain folder: caches and environments, not the project."""
EXCLUDED = "__pycache__/\n*.py[co]\n.pytest_cache/\n"
"""Never part of a diff, whatever the project's .gitignore says (running tests creates them)."""
SAFE_CONFIG = ("core.hooksPath=/dev/null", "core.fsmonitor=false", "commit.gpgsign=false",
               "safe.directory=*", "init.defaultBranch=main", "advice.detachedHead=false",
               f"user.name={IDENTITY[0]}", f"user.email={IDENTITY[1]}")  # fmt: skip


def git_env(home: Path) -> dict[str, str]:
    """Git's environment: none of the user's config (``$HOME``, system), no prompts."""
    return {
        "PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"),
        "HOME": str(home),
        "GIT_CONFIG_NOSYSTEM": "1",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_TERMINAL_PROMPT": "0",
        "GIT_AUTHOR_DATE": FIXED_DATE,
        "GIT_COMMITTER_DATE": FIXED_DATE,
        "LC_ALL": "C",
    }


def run_git(args: list[str], home: Path, cwd: Path | None = None) -> str:
    """``git -c <safe config> args`` on the host; its stdout, or SandboxError with git's words."""
    flags = [arg for setting in SAFE_CONFIG for arg in ("-c", setting)]
    command = ["git", "--no-optional-locks", *flags, *args]  # a status must not even
    try:  # refresh the source's index: the host repository is read, never written
        done = subprocess.run(
            command, cwd=cwd, env=git_env(home), capture_output=True, timeout=300, check=False
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        raise SandboxError(f"git {args[0]} failed: {error}") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise SandboxError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
    return done.stdout.decode(errors="replace")


def checkout_top(source: Path, home: Path) -> Path | None:
    """The checkout ``source`` is the top of, with at least one commit; None for anything else."""
    try:
        top = run_git(["-C", str(source), "rev-parse", "--show-toplevel"], home).strip()
        run_git(["-C", str(source), "rev-parse", "--verify", "HEAD"], home)
    except SandboxError:
        return None
    return source if Path(top).resolve() == source else None


class Workspace:
    """A working copy in a temporary folder; ``Workspace.create`` makes one (see module doc)."""

    def __init__(self, root: Path, base: str, source: Path, source_dirty: bool) -> None:
        self.root = root
        self.path = root / "repo"
        self.scratch = root / "scratch"
        self.git_dir = root / "git"
        self.base = base
        """The base commit's sha: what ``diff`` compares against."""
        self.source = source
        self.source_dirty = source_dirty
        """The source checkout had uncommitted changes, which the clone does not include."""

    @classmethod
    def create(cls, source: Path, parent: Path | None = None) -> Workspace:
        """Clone (a git checkout) or copy (any other folder) ``source`` into a temporary folder."""
        source = Path(source).resolve()
        if not source.is_dir():
            raise SandboxError(f"cannot make a working copy of {source}: not a folder")
        root = Path(tempfile.mkdtemp(prefix="engineer-", dir=parent)).resolve()
        try:
            work, git_dir, dirty = root / "repo", root / "git", False
            (root / "scratch").mkdir()
            cloned = checkout_top(source, root) is not None
            if cloned:
                run_git(["clone", "--quiet", "--no-hardlinks", f"--separate-git-dir={git_dir}",
                         "--", str(source), str(work)], root)  # fmt: skip
                run_git([f"--git-dir={git_dir}", "remote", "remove", "origin"], root)
                dirty = bool(run_git(["-C", str(source), "status", "--porcelain"], root).strip())
            else:
                shutil.copytree(
                    source, work, symlinks=True, ignore=shutil.ignore_patterns(*SKIPPED)
                )
                run_git(["init", "--quiet", f"--separate-git-dir={git_dir}", str(work)], root)
            (git_dir / "info").mkdir(exist_ok=True)
            with (git_dir / "info" / "exclude").open("a") as exclude:
                exclude.write(EXCLUDED)
            workspace = cls(root, "", source, dirty)
            if not cloned:
                workspace.git("add", "--all")
                workspace.git("commit", "--quiet", "--no-verify", "--allow-empty", "-m",
                              f"base: a copy of {source.name}")  # fmt: skip
            workspace.base = workspace.git("rev-parse", "HEAD").strip()
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise
        return workspace

    def git(self, *args: str) -> str:
        """Run git on the working copy, safely (explicit git dir; see the module docstring)."""
        self.remove_nested_git()
        return run_git([f"--git-dir={self.git_dir}", f"--work-tree={self.path}", *args], self.root)

    def remove_nested_git(self) -> list[str]:
        """Delete every ``.git`` below the working copy's top; the paths removed.

        Sandboxed code can create ``sub/.git`` with a config of its choosing (an fsmonitor or a
        clean filter is a command). Git, run on the host, would treat ``sub`` as a nested
        repository and run git *inside* it, with that config. The top's own ``.git`` (a file
        pointing at ``git/``) is never read: every call names the git folder itself."""
        removed = []
        for folder, folders, files in os.walk(self.path):
            here = Path(folder)
            for name in (".git",) if ".git" in folders or ".git" in files else ():
                if here == self.path:
                    continue
                target = here / name
                if target.is_dir() and not target.is_symlink():
                    shutil.rmtree(target)
                else:
                    target.unlink()
                removed.append(target.relative_to(self.path).as_posix())
            folders[:] = [name for name in folders if name != ".git"]
        return removed

    def files(self) -> list[tuple[Path, str]]:
        """``(path, name)`` of every regular file git would track (``.gitignore`` respected).

        Symlinks are left out: one the command created may point anywhere on the host, and
        whoever reads these files (the code index, a prompt) runs outside the sandbox."""
        names = self.git("ls-files", "--cached", "--others", "--exclude-standard", "-z")
        paths = [(self.path / name, name) for name in sorted(set(names.split("\0"))) if name]
        return [(path, name) for path, name in paths if path.is_file() and not path.is_symlink()]

    def listing(self) -> str:
        """The files with their line counts, one per line: the map the agent starts from."""
        rows = []
        for path, name in self.files():
            lines = path.read_text(encoding="utf-8", errors="replace").count("\n")
            rows.append(f"{name} ({lines} lines)")
        return "\n".join(rows)

    def diff(self, binary: bool = False) -> str:
        """Every change since the base as a unified diff, new and deleted files included.

        ``git add --all`` first (into the workspace's own index), so files the command created
        count too. ``binary=True`` adds git's binary patches (for ``git apply``); without it a
        changed binary file is one line, ``Binary files ... differ``, which is all a model can
        use."""
        self.git("add", "--all")
        extra = ["--binary"] if binary else []
        return self.git("diff", "--cached", "--no-renames", "--no-ext-diff", *extra, self.base)

    def changed_files(self) -> list[str]:
        """Paths (relative, sorted) that differ from the base: changed, added or deleted."""
        self.git("add", "--all")
        names = self.git("diff", "--cached", "--no-renames", "--name-only", "-z", self.base)
        return sorted(name for name in names.split("\0") if name)

    def cleanup(self) -> None:
        """Delete the temporary folder (again is fine), even where a command removed write
        permission from its own folders."""
        if not self.root.exists():
            return
        for folder, _, _ in os.walk(self.root):
            if not os.path.islink(folder):
                os.chmod(folder, 0o700)
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.cleanup()

    def __repr__(self) -> str:
        return f"Workspace(path={str(self.path)!r}, base={self.base[:12]!r})"

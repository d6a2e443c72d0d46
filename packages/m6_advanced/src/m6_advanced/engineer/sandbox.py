"""Run the engineer's commands on its working copy, contained.

    with Workspace.create(repo) as ws:
        result = Sandbox(Limits(timeout_s=60)).run(["python", "-m", "pytest", "-q"], ws)
        result.ok, result.summary, result.filesystem    # False, "exit 1", "private view: ..."

Month 5's sandbox ran tests the model wrote in a folder of their own; the engineer runs
*anything* (a test suite, a script, ``grep``) in a copy of a real repository, so it adds a
private filesystem view to month 5's limits. What each thing a command could do meets:

- **it writes outside the working copy** (the host repository, ``/tmp``, ``$HOME``): with
  ``unshare`` every mount but the working copy and ``scratch/`` is read-only (``mounts``
  builds the view); with bubblewrap, ``--ro-bind / /`` plus two writable binds;
- **it reaches the network**: a network namespace with no interface (not even loopback);
- **it never ends**: a wall-clock timeout, then SIGKILL to the process group; the PID
  namespace takes down whatever escaped the group (``setsid``) with it;
- **it forks, eats memory or disk, burns CPU**: month 5's rlimits (``RLIMIT_NPROC`` inside
  the namespace, ``AS``, ``FSIZE``, ``CPU``, no core files; root dropped as month 5 explains);
- **it floods the output**: to a file, of which the head and the tail are kept.

Three mechanisms (month 5's ``isolation.detect()`` picks, once per process), and a fourth for
machines with Docker; every ``CommandResult`` says in words which one ran and what it means:

- ``unshare`` (util-linux, no privileges needed) and ``bwrap`` (bubblewrap): as above;
- ``guard``: no namespaces at all (macOS, locked-down containers). The filesystem is *not*
  private and only Python's sockets are refused (a ``sitecustomize``), and the result says so;
- ``DockerBackend``: ``docker run --network=none --read-only`` with the working copy mounted
  at ``/work``, in the image built from ``packages/m6_advanced/docker/engineer-sandbox.Dockerfile``
  (``docker build -t engineer-sandbox -f packages/m6_advanced/docker/engineer-sandbox.Dockerfile .``);
  pass ``Sandbox(isolation=DockerBackend())``. The container's Python is the image's.

**Running as root.** Month 5's ``drop_root`` (real uid ``nobody``, effective uid 0, so that
``RLIMIT_NPROC`` binds) makes every ``exec`` in the sandbox a "secure" one, as for a setuid
program, and the real uid is what ``access(2)`` checks. What that changes, and what is done:

- glibc drops ``TMPDIR`` from the environment: ``TEMP`` and ``TMP`` (which Python's
  ``tempfile`` also reads, and glibc keeps) point at ``scratch/`` too;
- pytest refuses a temporary folder not owned by ``getuid()``: ``PYTEST_ADDOPTS`` gives it
  ``--basetemp`` in ``scratch/``;
- ``access(2)`` answers for ``nobody``: the temporary folder is made traversable (0711) so git
  works inside; ``shutil.which`` still finds nothing under ``/root``;
- bash prints ``cannot set uid to 65534`` at start: noise, the command runs.
None of this happens for a normal user, who needs no ``drop_root``.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from m5_agents_mlops.errors import SandboxError
from m5_agents_mlops.house import isolation as iso
from m5_agents_mlops.house.sandbox import Limits, read_truncated, run_limited, sandbox_env
from m6_advanced.engineer import mounts
from m6_advanced.engineer.workspace import Workspace

__all__ = ["CommandResult", "DockerBackend", "Limits", "Sandbox", "SandboxError", "Workspace"]

MiB = 1024 * 1024
UNSHARE = ["unshare", "--user", "--map-root-user", "--mount", "--net", "--pid", "--fork",
           "--kill-child", "--mount-proc"]  # fmt: skip
FILESYSTEM = {
    "unshare": "private view (mount namespace): only the working copy and scratch are writable, "
    "the rest is read-only, /dev holds only null, zero, full, random, urandom and tty",
    "bwrap": "private view (bubblewrap): only the working copy and scratch are writable",
    "guard": "none: no namespaces here, the command can write wherever this user can",
    "docker": "container: read-only image, only /work (the working copy) and /scratch writable",
}
NETWORK = {
    "unshare": "none (a network namespace without interfaces)",
    "bwrap": "none (a network namespace without interfaces)",
    "guard": "Python sockets refused by a sitecustomize guard; other programs not stopped",
    "docker": "none (--network=none)",
}
GUARD = iso.SOCKET_GUARD
"""The guard mechanism's ``sitecustomize.py``: every Python the command starts imports it."""


@dataclass
class CommandResult:
    """What one command did, and under which containment."""

    argv: list[str]
    exit_code: int | None
    """None when the timeout killed it; negative: killed by that signal."""
    timed_out: bool
    seconds: float
    output: str
    """stdout and stderr interleaved, cut to the head and the tail (``characters cut``)."""
    isolation: str
    """``unshare``, ``bwrap``, ``guard`` or ``docker``."""
    filesystem: str
    network: str = ""
    process_limit: str = ""

    @property
    def ok(self) -> bool:
        """It exited 0, in time."""
        return self.exit_code == 0 and not self.timed_out

    @property
    def summary(self) -> str:
        """``exit 0``, ``exit 1``, ``killed by SIGXCPU``, ``timed out after 5 s (killed)``."""
        if self.timed_out:
            return f"timed out after {self.seconds:.0f} s (killed)"
        if self.exit_code is not None and self.exit_code < 0:
            return f"killed by {signal.Signals(-self.exit_code).name}"
        return f"exit {self.exit_code}"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "ok": self.ok, "summary": self.summary,
                "seconds": round(self.seconds, 3)}  # fmt: skip


@dataclass(frozen=True)
class DockerBackend:
    """Commands in a throwaway container (see the module docstring for the image)."""

    image: str = "engineer-sandbox"
    docker: str = "docker"

    def available(self) -> bool:
        """A Docker engine answers (not only a client installed)."""
        try:
            done = subprocess.run([self.docker, "info"], capture_output=True, timeout=20)
        except (OSError, subprocess.SubprocessError):
            return False
        return done.returncode == 0

    def command(
        self, argv: list[str], workspace: Workspace, limits: Limits, name: str
    ) -> list[str]:
        """``docker run`` with month 5's limits as Docker's flags, the working copy at ``/work``.

        Run as the working copy's owner (its files stay ours); our interpreter → the image's."""
        owner = workspace.path.stat()
        argv = ["python", *argv[1:]] if argv[:1] == [sys.executable] else argv
        return [
            self.docker, "run", "--rm", "--name", name, "--network=none", "--read-only",
            "--tmpfs", "/tmp:rw,size=64m", "--cap-drop=ALL", "--security-opt", "no-new-privileges",
            "--pids-limit", str(limits.max_processes),
            "--memory", f"{limits.memory_mb}m", "--memory-swap", f"{limits.memory_mb}m",
            "--cpus", "1", "--ulimit", f"cpu={limits.cpu_seconds}",
            "--ulimit", f"fsize={limits.file_size_mb * MiB}", "--ulimit", "core=0",
            "--user", f"{owner.st_uid}:{owner.st_gid}",
            "-v", f"{workspace.path}:/work", "-v", f"{workspace.scratch}:/scratch",
            "-e", "HOME=/scratch", "-e", "TMPDIR=/scratch", "-e", "PYTHONDONTWRITEBYTECODE=1",
            "-w", "/work", self.image, *argv,
        ]  # fmt: skip

    def kill(self, name: str) -> None:
        """Stop the container: killing the ``docker`` client alone would leave it running."""
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run([self.docker, "kill", name], capture_output=True, timeout=20)


def namespace_command(
    kind: str, processes: int, workspace: Workspace, argv: list[str], python: str = sys.executable
) -> list[str]:
    """The full command line for ``argv`` under ``kind``: the mechanism's prefix, then the
    ``mounts`` program (view, process limit, exec)."""
    work, scratch = str(workspace.path), str(workspace.scratch)
    mode = {"unshare": "mount", "bwrap": "none"}.get(kind, "guard")
    program = [python, "-I", "-c", Path(mounts.__file__).read_text(), mode, str(processes),
               work, scratch, "--", *argv]  # fmt: skip
    if kind == "unshare":
        return [*UNSHARE, *program]
    if kind == "bwrap":
        return ["bwrap", "--ro-bind", "/", "/", "--dev", "/dev", "--proc", "/proc",
                "--bind", work, work, "--bind", scratch, scratch, "--unshare-net",
                "--unshare-pid", "--die-with-parent", "--chdir", work, "--", *program]  # fmt: skip
    return program


class Sandbox:
    """Runs commands on a ``Workspace`` within ``limits`` (month 5's ``Limits``)."""

    def __init__(
        self, limits: Limits | None = None, isolation: iso.Isolation | DockerBackend | None = None
    ) -> None:
        self.limits = limits or Limits()
        self._isolation = isolation

    @property
    def isolation(self) -> iso.Isolation | DockerBackend:
        """The mechanism: the one given, or the strongest this machine has (probed once)."""
        if self._isolation is None:
            self._isolation = iso.detect()
        return self._isolation

    @property
    def kind(self) -> str:
        mechanism = self.isolation
        return "docker" if isinstance(mechanism, DockerBackend) else mechanism.kind

    def run(
        self, argv: list[str], workspace: Workspace, timeout_s: float | None = None
    ) -> CommandResult:
        """Run ``argv`` (no shell: pass ``["bash", "-c", "..."]`` for one) in the working copy."""
        if not argv or not all(isinstance(arg, str) for arg in argv):
            raise SandboxError(f"a command is a non-empty list of strings, not {argv!r}")
        if not workspace.path.is_dir():
            raise SandboxError(f"the working copy {workspace.path} is gone (cleaned up?)")
        limits, mechanism, kind = self.limits, self.isolation, self.kind
        env = sandbox_env(workspace.scratch)  # month 5's minimal environment, HOME = scratch
        env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # the venv first
        for variable in ("TMPDIR", "TEMP", "TMP"):  # TEMP, TMP: see "root" in the docstring
            env[variable] = str(workspace.scratch)
        drop, name = False, f"engineer-{uuid.uuid4().hex[:12]}"
        if isinstance(mechanism, DockerBackend):
            command = mechanism.command(argv, workspace, limits, name)
            process_limit = f"--pids-limit {limits.max_processes}"
        else:
            drop, process_limit = mechanism.drop_root, mechanism.process_limit
            budget = mechanism.process_budget(limits.max_processes)
            command = namespace_command(kind, budget, workspace, argv)
            if kind == "guard":
                env["PYTHONPATH"] = str(self._guard(workspace))
            if drop:  # the workarounds the module docstring lists under "root"
                env["PYTEST_ADDOPTS"] = f"--basetemp={workspace.scratch / 'pytest'}"
                workspace.root.chmod(0o711)
        log = workspace.root / f"{name}.log"  # outside the writable view: the command can't
        try:  # reach it except through its own stdout
            code, timed_out, seconds = run_limited(
                command, workspace.path, env, log, limits, drop, timeout_s
            )
            if timed_out and isinstance(mechanism, DockerBackend):
                mechanism.kill(name)
            output = read_truncated(log, limits.max_output_chars)
        finally:
            log.unlink(missing_ok=True)
        if code == mounts.SETUP_EXIT and mounts.SETUP_FAILED in output:
            raise SandboxError(f"the {kind} sandbox could not be set up: {output.strip()}")
        if code is not None and code > 128 and kind == "unshare":
            with contextlib.suppress(ValueError):  # "killed by SIGXCPU" from our PID 1
                if f"{mounts.KILLED_BY} {signal.Signals(code - 128).name}" in output:
                    code = -(code - 128)
        return CommandResult(
            argv=list(argv), exit_code=code, timed_out=timed_out, seconds=seconds,
            output=output, isolation=kind, filesystem=FILESYSTEM[kind],
            network=NETWORK[kind], process_limit=process_limit,
        )  # fmt: skip

    @staticmethod
    def _guard(workspace: Workspace) -> Path:
        """The folder holding the guard's ``sitecustomize.py`` (outside the working copy)."""
        folder = workspace.root / "guard"
        folder.mkdir(exist_ok=True)
        (folder / "sitecustomize.py").write_text(GUARD)
        return folder

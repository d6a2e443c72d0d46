"""Run code a model wrote against the tests it wrote, without trusting either.

    run = run_tests({"slugs.py": "...", "test_slugs.py": "..."}, Limits(timeout_s=10))
    run.passed, run.summary, run.isolation      # True, "4 passed", "unshare"

What can go wrong when you run generated code, and what stops it here:

- **it never ends** (``while True``): a wall-clock timeout, then ``SIGKILL`` to the whole process
  *group* (``start_new_session=True`` + ``os.killpg``), so children die with their parent;
- **it burns CPU, memory, disk**: ``setrlimit`` in the child before ``exec`` (CPU seconds,
  address space, largest file); the limits are inherited by everything it starts;
- **it forks without end**: ``RLIMIT_NPROC`` (see ``isolation`` for the root caveat);
- **it talks to the network**: a network namespace without interfaces (``isolation``);
- **it floods the output**: the output goes to a file (bounded by the file-size limit) and only
  its head and tail are kept;
- **it picks up our secrets by accident**: a fresh temporary folder holding only the produced
  files is the working directory, and the environment is a minimal one (no API keys, no
  ``$HOME``). The rest of the filesystem stays readable (and, as root, writable): this contains
  careless code, not an attacker; month 6's engineer adds a private filesystem view.

``TestRun.isolation`` and ``process_limit`` say which mechanisms were in force on this machine.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from m5_agents_mlops.errors import SandboxError
from m5_agents_mlops.house import isolation as iso
from m5_agents_mlops.house.files import write_files

MiB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    """What one test run may use."""

    timeout_s: float = 30.0
    """Wall-clock seconds before the whole process group is killed."""
    cpu_seconds: int = 30
    """CPU seconds per process (RLIMIT_CPU)."""
    memory_mb: int = 1024
    """Address space per process (RLIMIT_AS): a hog gets MemoryError, not the machine's RAM."""
    file_size_mb: int = 16
    """Largest file a process may write (RLIMIT_FSIZE), the captured output included."""
    max_processes: int = 32
    """Processes the run may add (RLIMIT_NPROC, on top of those its user already runs)."""
    max_output_chars: int = 8_000
    """Output kept: the head and the tail (pytest's summary is at the end)."""


@dataclass
class TestRun:
    """What happened when the tests ran."""

    __test__ = False  # a dataclass named Test*: tell pytest it is not a test class

    passed: bool
    """Every test passed (pytest exit code 0, in time)."""
    exit_code: int | None
    timed_out: bool
    seconds: float
    output: str
    isolation: str
    """``unshare``, ``bwrap`` or ``guard`` (see ``isolation``)."""
    process_limit: str
    counts: dict[str, int] = field(default_factory=dict)
    """pytest's tally: ``{"passed": 3, "failed": 1}``."""

    @property
    def summary(self) -> str:
        """One line: ``3 passed``, ``1 failed, 2 passed``, ``timed out after 5 s``..."""
        return pytest_summary(self.counts, self.exit_code, self.timed_out, self.seconds)

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "summary": self.summary, "seconds": round(self.seconds, 3)}


def run_tests(
    files: Mapping[str, str],
    limits: Limits | None = None,
    isolation: iso.Isolation | None = None,
    pytest_args: tuple[str, ...] = (),
) -> TestRun:
    """Write ``files`` (checked: ``files.check_files``) into a fresh folder and run pytest there."""
    limits = limits or Limits()
    isolation = isolation or iso.detect()
    with tempfile.TemporaryDirectory(prefix="house-sandbox-") as scratch:
        work = Path(scratch) / "project"
        work.mkdir()
        write_files(work, files)
        args = ["-q", "-p", "no:cacheprovider", "--rootdir", str(work),
                "--basetemp", str(Path(scratch) / "tmp"), *pytest_args]  # fmt: skip
        budget = isolation.process_budget(limits.max_processes)
        command = isolation.command(sys.executable, budget, args)
        log = Path(scratch) / "output.txt"
        env = sandbox_env(work)
        exit_code, timed_out, seconds = run_limited(
            command, work, env, log, limits, isolation.drop_root
        )
        output = read_truncated(log, limits.max_output_chars)
    return TestRun(
        passed=exit_code == 0 and not timed_out,
        exit_code=exit_code,
        timed_out=timed_out,
        seconds=seconds,
        output=output,
        isolation=isolation.kind,
        process_limit=isolation.process_limit,
        counts=pytest_counts(output),
    )


def sandbox_env(work: Path) -> dict[str, str]:
    """A minimal environment: nothing of ours (keys, tokens, proxies) leaks into the run."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(work),
        "LANG": "C.UTF-8",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONHASHSEED": "0",
        "PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1",  # only pytest itself: plugins could phone home
    }


def run_limited(
    command: list[str],
    cwd: Path,
    env: dict[str, str],
    log: Path,
    limits: Limits,
    drop_root: bool,
    timeout_s: float | None = None,
) -> tuple[int | None, bool, float]:
    """Start ``command`` in its own session with the rlimits, its output into ``log``.

    Returns ``(exit code, timed out, seconds)``; the exit code is ``None`` when it timed out.
    Month 6's engineer runs its sandbox through this too."""
    preexec = iso.set_limits(
        limits.cpu_seconds, limits.memory_mb * MiB, limits.file_size_mb * MiB, drop_root
    )
    start = time.perf_counter()
    with log.open("wb") as sink:
        try:
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                stdout=sink, stderr=subprocess.STDOUT, preexec_fn=preexec,
                start_new_session=True,  # its own process group: killpg reaches every child
            )  # fmt: skip
        except (OSError, subprocess.SubprocessError) as error:
            raise SandboxError(f"could not start the sandbox ({command[0]}): {error}") from error
        timed_out = False
        try:
            process.wait(timeout=timeout_s or limits.timeout_s)
        except subprocess.TimeoutExpired:
            timed_out = True
        finally:
            kill_group(process.pid)  # also ends what a finished run left running in background
            code = process.wait()
    return (None if timed_out else code), timed_out, time.perf_counter() - start


def kill_group(pgid: int) -> None:
    """SIGKILL every process of the group (already gone is fine)."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, signal.SIGKILL)


def read_truncated(path: Path, limit: int) -> str:
    """The file's text, cut to ``limit`` characters: a quarter from the head, the rest from the tail."""
    text = path.read_bytes().decode("utf-8", errors="replace")
    if len(text) <= limit:
        return text
    head, tail = limit // 4, limit - limit // 4
    cut = len(text) - head - tail
    return f"{text[:head]}\n[... {cut} characters cut ...]\n{text[-tail:]}"


_TALLY = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed|warnings?|deselected)")


def pytest_counts(output: str) -> dict[str, int]:
    """pytest's final tally (``1 failed, 2 passed in 0.1s``) as a dict; empty if none."""
    for line in reversed(output.splitlines()):
        if re.search(r"\bin [\d.]+s\b", line) and _TALLY.search(line):
            counts = {what: int(n) for n, what in _TALLY.findall(line)}
            if "error" in counts:
                counts["errors"] = counts.pop("error")
            return counts
    return {}


def pytest_summary(
    counts: dict[str, int], exit_code: int | None, timed_out: bool, seconds: float
) -> str:
    """How a pytest run ended, in one line: its tally, or why there is none."""
    if timed_out:
        return f"timed out after {seconds:.0f} s (killed)"
    tally = ", ".join(f"{n} {what}" for what, n in counts.items())
    if exit_code is not None and exit_code < 0:
        return f"killed by {signal.Signals(-exit_code).name}" + (f" ({tally})" if tally else "")
    return tally or {5: "no tests collected", 4: "pytest usage error"}.get(
        exit_code or 0, f"pytest exit code {exit_code}"
    )

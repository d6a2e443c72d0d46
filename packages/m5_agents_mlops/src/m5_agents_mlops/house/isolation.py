"""How the sandbox cuts a process off from the network and keeps its limits binding.

Three mechanisms, strongest first; ``detect()`` tries each once on this machine and caches the
first that works, and every test run reports which one it used:

- ``unshare``: ``unshare --user --map-root-user --net --pid --fork --kill-child`` puts the
  process in new Linux namespaces. The network namespace has no interfaces at all (not even a
  working loopback), so *every* connection fails; the PID namespace means that when its first
  process dies the kernel kills all the others, so nothing the tests spawned outlives the run.
  No privileges are needed: unprivileged user namespaces do it.
- ``bwrap`` (bubblewrap, where installed): the same namespaces through a small setuid helper,
  for systems that forbid unprivileged ``unshare``.
- ``guard``: no namespaces available (macOS, locked-down containers). A prelude replaces
  ``socket.socket.connect`` and friends with a refusal before pytest starts. It stops careless
  code, not hostile code (``_socket`` is still there): the result says ``guard`` so nobody
  mistakes it for isolation.

Resource limits (``setrlimit`` in the child before ``exec``) bind every process except one kind:
the kernel lets root ignore ``RLIMIT_NPROC``, so as root a fork bomb would not be stopped, and a
user namespace does not change that (its root maps back to root). ``preexec`` therefore, when
running as root, drops ``CAP_SYS_ADMIN``/``CAP_SYS_RESOURCE`` from the capability bounding set
and sets the *real* uid to an unprivileged one: the kernel then counts the sandbox's processes
against that user, and the limit holds. The effective uid stays 0 so the interpreter (often
under ``/root``) can still be read. This is containment for runaway code, not a jail for hostile
code; for that, run the whole house in a container or VM.
"""

from __future__ import annotations

import ctypes
import functools
import os
import resource
import shutil
import subprocess
import textwrap
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

Kind = Literal["unshare", "bwrap", "guard"]
SANDBOX_UID = 65534
"""``nobody``: the real uid the sandbox's processes are counted against when we run as root."""
_PR_CAPBSET_DROP, _CAP_SYS_ADMIN, _CAP_SYS_RESOURCE = 24, 21, 24

PREFIXES: dict[Kind, list[str]] = {
    "unshare": ["unshare", "--user", "--map-root-user", "--net", "--pid", "--fork", "--kill-child"],
    "bwrap": ["bwrap", "--dev-bind", "/", "/", "--unshare-net", "--unshare-pid",
              "--die-with-parent", "--"],
    "guard": [],
}  # fmt: skip

SOCKET_GUARD = """\
import socket
def _refuse(*args, **kwargs):
    raise OSError(101, "network access refused by the sandbox guard")
for _name in ("connect", "connect_ex", "sendto", "sendmsg"):
    setattr(socket.socket, _name, _refuse)
socket.getaddrinfo = socket.create_connection = _refuse
"""
"""Python that makes every socket call fail (ENETUNREACH): the "guard" used where no network
namespace can be made. Python code only: another program started from there is not stopped."""

PRELUDE = f"""\
import resource, sys
_limit, _guard = int(sys.argv[1]), sys.argv[2] == "guard"
resource.setrlimit(resource.RLIMIT_NPROC, (_limit, _limit))
if _guard:
{textwrap.indent(SOCKET_GUARD, "    ")}
import pytest
sys.exit(pytest.main(sys.argv[3:]))
"""
"""``python -c`` program run inside the isolation: set the process limit *there* (see below),
install the network guard when that is the only mechanism, then run pytest in-process.

Why the process limit is set inside: ``RLIMIT_NPROC`` counts per user and per user namespace,
and a namespace created while a low limit is in force caps its *owner's* processes outside it
too (as root, all of root's). Set after ``unshare``, it counts only the run's own processes."""


@dataclass(frozen=True)
class Isolation:
    """The mechanism chosen, and whether the sandbox drops root to make RLIMIT_NPROC apply."""

    kind: Kind
    drop_root: bool

    @property
    def prefix(self) -> list[str]:
        """What goes before ``python`` on the command line."""
        return PREFIXES[self.kind]

    @property
    def process_limit(self) -> str:
        """How the process limit is enforced, in words (``none`` is said, never hidden)."""
        if os.geteuid() != 0:
            return "rlimit"
        if self.drop_root:
            return f"rlimit (real uid {SANDBOX_UID})"
        return f"none: running as root, which RLIMIT_NPROC does not bind ({self.kind})"

    def command(self, python: str, processes: int, args: list[str]) -> list[str]:
        """The full command: pytest with ``args``, at most ``processes`` tasks, under this mechanism."""
        guard = "guard" if self.kind == "guard" else "none"
        return [*self.prefix, python, "-c", PRELUDE, str(processes), guard, *args]

    def process_budget(self, max_processes: int) -> int:
        """The RLIMIT_NPROC value that lets the run add ``max_processes`` tasks.

        In a fresh user namespace (``unshare``) only the run's own tasks count. Elsewhere the
        kernel counts every task of the real user, so those already running are added."""
        if self.kind == "unshare":
            return max_processes
        return tasks_of(SANDBOX_UID if self.drop_root else os.getuid()) + max_processes


@functools.cache
def _libc() -> ctypes.CDLL:
    # Loaded by detect() in the parent: the child between fork and exec only makes plain calls.
    return ctypes.CDLL(None, use_errno=True)


def drop_root() -> None:
    """In a child about to exec, as root: make RLIMIT_NPROC binding (see the module docstring)."""
    libc = _libc()
    for capability in (_CAP_SYS_ADMIN, _CAP_SYS_RESOURCE):
        if libc.prctl(_PR_CAPBSET_DROP, capability, 0, 0, 0) != 0:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")
    os.setresuid(SANDBOX_UID, 0, 0)


def tasks_of(uid: int) -> int:
    """How many tasks (threads included: RLIMIT_NPROC counts them) ``uid`` runs now."""
    count = 0
    for entry in os.scandir("/proc") if os.path.isdir("/proc") else ():
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/status") as status:
                fields = dict(line.split(":", 1) for line in status if ":" in line)
        except OSError:
            continue  # the process ended while we looked
        if int(fields.get("Uid", "-1 ").split()[0]) == uid:
            count += int(fields.get("Threads", "1"))
    return count


def _works(command: list[str], preexec: Callable[[], None] | None) -> bool:
    try:
        done = subprocess.run(
            command, preexec_fn=preexec, capture_output=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


@functools.cache
def detect() -> Isolation:
    """The strongest mechanism that works here (probed once per process, then cached).

    As root, a namespace *with* the process limit comes first; then one without it (bwrap, a
    setuid-style helper, refuses to run with a dropped real uid); then the guard."""
    _libc()  # load it here, in the parent: a child between fork and exec should only make calls
    can_drop = os.geteuid() == 0 and _works(["true"], drop_root)
    for drop in dict.fromkeys([can_drop, False]):  # [True, False] as root, else [False]
        for kind in ("unshare", "bwrap"):
            command = [*PREFIXES[kind], "true"]
            if shutil.which(command[0]) and _works(command, drop_root if drop else None):
                return Isolation(kind, drop)
    return Isolation("guard", can_drop)


def set_limits(
    cpu_seconds: int, memory_bytes: int, file_bytes: int, drop: bool
) -> Callable[[], None]:
    """The ``preexec_fn`` that applies the limits in the child, before ``exec`` (the process
    limit comes later, inside the namespace: see ``PRELUDE``)."""

    def apply() -> None:
        # soft < hard for CPU: SIGXCPU first (a clear signal), SIGKILL a second later.
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
        resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        resource.setrlimit(resource.RLIMIT_FSIZE, (file_bytes, file_bytes))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))  # a crash must not write a core file
        if drop:
            drop_root()

    return apply

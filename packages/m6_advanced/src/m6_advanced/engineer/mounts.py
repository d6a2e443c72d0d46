"""The program that runs *inside* the sandbox's namespaces, just before the model's command.

    python -I -c "$(cat mounts.py)" MODE NPROC WORKDIR SCRATCH -- pytest -q

``unshare --mount`` gives the process its own copy of the mount table, but a copy is not yet a
private view: every mount in it is still writable. This program turns it into one, then
starts the command, which inherits the limits and namespaces. It is plain standard library,
run as ``python -I -c`` (no ``sys.path`` from the working copy, no environment variables
read), because it runs where the model's files are.

``MODE`` ``mount`` (``unshare``) goes through six steps; the order matters:

1. bind the working copy and the scratch folder onto themselves, so each becomes a mount of
   its own that step 2 leaves writable;
2. remount every other mount point read-only. Each remount keeps the flags the mount already
   has (``nosuid``, ``nodev``...): in a user namespace they are *locked*, and a remount that
   dropped one is refused (the same trick as bubblewrap). The host's ``/tmp``, ``$HOME`` and
   the repository the working copy was cloned from all become read-only here;
3. a fresh ``/dev`` (a small tmpfs) holding only ``null``, ``zero``, ``full``, ``random``,
   ``urandom`` and ``tty``, bound from the host's through a file descriptor opened before the
   tmpfs hid them; plus a private ``/dev/shm`` (``multiprocessing`` needs one). Without this
   the disk device would be writable: the namespace's root maps to the host's root, and a
   read-only mount does not protect device nodes;
4. the dangerous corners of ``/proc`` (``sys``, ``sysrq-trigger``...) bound read-only, as
   Docker does; ``/proc`` itself is a fresh one (``unshare --mount-proc``) that shows only the
   sandbox's processes, so ``/proc/<host pid>/root`` cannot lead back to the host's view;
5. ``chdir`` into the working copy *again*: the old working directory was the path on the
   now read-only mount underneath the bind;
6. stay as the namespace's PID 1 and run the command as a child (``run_as_init`` says why);
7. in that child, drop every capability before ``exec`` (``drop_capabilities``): the view is
   only as strong as the command's inability to mount.

``MODE`` ``none`` (bubblewrap built the view and has a PID 1 of its own) and ``guard`` (no
namespaces) only share, with every mode, the setting of ``RLIMIT_NPROC`` before the command
starts: here, inside the user namespace, for the reason ``isolation.PRELUDE`` gives in month 5. A failed setup exits 125 with
``SETUP_FAILED`` in the output, and the sandbox raises: a command never runs in a half-built
view. A command that does not exist exits 127, as a shell would; one killed by a signal
ends the run with 128 + the signal and a ``KILLED_BY`` line, which the sandbox turns back
into a negative exit code, as ``subprocess`` reports it.
"""

from __future__ import annotations

import ctypes
import os
import re
import resource
import signal
import sys

SETUP_FAILED = "engineer-sandbox: setup failed:"
KILLED_BY = "engineer-sandbox: the command was killed by"
SETUP_EXIT, NOT_FOUND_EXIT = 125, 127
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT = 1, 2, 4, 8, 32
MS_NOATIME, MS_NODIRATIME, MS_BIND, MS_REC, MS_RELATIME = 1024, 2048, 4096, 16384, 1 << 21
_KEPT = MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME | MS_RELATIME
"""statvfs's ``f_flag`` bits that equal mount(2)'s flags: what a remount must keep (locked)."""
DEVICES = ("null", "zero", "full", "random", "urandom", "tty")
PROC_READ_ONLY = ("sys", "sysrq-trigger", "irq", "bus", "fs")
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS, _LINUX_CAPABILITY_VERSION_3 = 24, 38, 0x20080522

_libc = ctypes.CDLL(None, use_errno=True)


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    """mount(2) without the ``mount`` binary (which, seeing our dropped real uid, refuses)."""

    def arg(text: str | None) -> bytes | None:
        return text.encode() if text else None

    if _libc.mount(arg(source), arg(target), arg(fstype), flags, arg(data)) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"mount {target}: {os.strerror(error)}")


def mount_points(mountinfo: str) -> list[str]:
    """The mount points listed in ``/proc/self/mountinfo`` text (5th field, octal escapes undone)."""
    points = []
    for line in mountinfo.splitlines():
        fields = line.split()
        if len(fields) > 4:
            points.append(re.sub(r"\\([0-7]{3})", lambda m: chr(int(m[1], 8)), fields[4]))
    return points


def is_under(path: str, roots: tuple[str, ...]) -> bool:
    """``path`` is one of ``roots`` or inside one."""
    return any(path == root or path.startswith(root.rstrip("/") + "/") for root in roots)


def remount_read_only(point: str) -> None:
    """Make one mount read-only, keeping the flags it has (see step 2)."""
    kept = os.statvfs(point).f_flag & _KEPT
    mount(None, point, None, MS_REMOUNT | MS_BIND | MS_RDONLY | kept)


def private_dev() -> None:
    """Step 3: a /dev with only the harmless devices, and a private /dev/shm."""
    host_dev = os.open("/dev", os.O_PATH | os.O_DIRECTORY)  # still reachable once hidden
    mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=755,size=1m")
    for name in DEVICES:
        if os.path.exists(f"/proc/self/fd/{host_dev}/{name}"):
            open(f"/dev/{name}", "w").close()  # a bind mount needs a file to cover
            mount(f"/proc/self/fd/{host_dev}/{name}", f"/dev/{name}", None, MS_BIND)
    os.close(host_dev)
    os.symlink("/proc/self/fd", "/dev/fd")
    for number, name in enumerate(("stdin", "stdout", "stderr")):
        os.symlink(f"/proc/self/fd/{number}", f"/dev/{name}")
    os.mkdir("/dev/shm")
    mount("tmpfs", "/dev/shm", "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=64m")
    remount_read_only("/dev")


def private_view(work: str, scratch: str) -> None:
    """Steps 1-4: only ``work`` and ``scratch`` stay writable (see the module docstring)."""
    writable = (work, scratch)
    for path in writable:
        mount(path, path, None, MS_BIND | MS_REC)
    with open("/proc/self/mountinfo") as table:
        points = mount_points(table.read())
    for point in dict.fromkeys(points):  # a point mounted twice (over itself) is remounted once
        if not is_under(point, (*writable, "/proc")):
            remount_read_only(point)
    private_dev()
    for name in PROC_READ_ONLY:
        if os.path.exists(f"/proc/{name}"):
            mount(f"/proc/{name}", f"/proc/{name}", None, MS_BIND | MS_REC)
            remount_read_only(f"/proc/{name}")


def drop_capabilities() -> None:
    """Step 7: the command starts with no capability at all, and can never gain one.

    In its user namespace this process is root with every capability, which building the view
    needed. Kept, ``CAP_SYS_ADMIN`` would let the command simply remount ``/`` writable again.
    So: empty the bounding set (an ``exec`` as uid 0 then grants nothing), clear every set with
    ``capset``, and set ``no_new_privs`` (no setuid binary can hand any back). As a plain user
    (guard mode) the bounding set cannot be touched, and there is nothing to drop anyway."""
    with open("/proc/sys/kernel/cap_last_cap") as last:
        for capability in range(int(last.read()) + 1):
            _libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)  # EPERM for a plain user: fine
    header = (ctypes.c_uint32 * 2)(_LINUX_CAPABILITY_VERSION_3, 0)
    empty = (ctypes.c_uint32 * 6)()  # effective, permitted, inheritable: twice 32 bits each
    if _libc.capset(header, empty) != 0 or _libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        error = ctypes.get_errno()
        raise OSError(error, f"dropping capabilities: {os.strerror(error)}")


def run(command: list[str]) -> None:
    """Replace this process with ``command`` (exit 127, as a shell would, if it cannot start)."""
    try:
        drop_capabilities()
    except OSError as error:
        print(f"{SETUP_FAILED} {error}", file=sys.stderr, flush=True)
        os._exit(SETUP_EXIT)
    try:
        os.execvp(command[0], command)
    except OSError as error:
        print(f"engineer-sandbox: cannot run {command[0]!r}: {error}", file=sys.stderr, flush=True)
        os._exit(NOT_FOUND_EXIT)


def run_as_init(command: list[str]) -> None:
    """Step 6 (PID namespace): stay PID 1, run ``command`` as a child, reap, report its end.

    PID 1 is special: the kernel drops signals it has no handler for (a CPU limit's SIGXCPU, a
    test's own SIGTERM), every orphan becomes its child, and ``unshare`` cannot pass on a
    SIGKILL death (it exits 1). So this small init does what bubblewrap's does."""
    child = os.fork()
    if child == 0:
        run(command)
    while True:
        pid, status = os.wait()  # also reaps the orphans, which would count as processes
        if pid == child:
            break
    if os.WIFSIGNALED(status):
        print(f"{KILLED_BY} {signal.Signals(os.WTERMSIG(status)).name}", file=sys.stderr)
        os._exit(128 + os.WTERMSIG(status))
    os._exit(os.waitstatus_to_exitcode(status))  # the namespace ends with us


def main(args: list[str]) -> None:
    """``MODE NPROC WORKDIR SCRATCH -- COMMAND...``: build the view, set the limit, run."""
    mode, processes, work, scratch, _, *command = args
    try:
        if mode == "mount":
            private_view(work, scratch)
        os.chdir(work)  # step 5 (for every mode: harmless where nothing was mounted)
        limit = int(processes)
        resource.setrlimit(resource.RLIMIT_NPROC, (limit, limit))
    except OSError as error:
        print(f"{SETUP_FAILED} {error}", file=sys.stderr, flush=True)
        os._exit(SETUP_EXIT)
    if mode == "mount":
        run_as_init(command)
    run(command)


if __name__ == "__main__":
    main(sys.argv[1:])

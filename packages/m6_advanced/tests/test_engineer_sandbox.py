"""The engineer's working copy and sandbox: each way out is tried, and each is contained.

Mechanism-specific checks (the private filesystem view) skip, saying why, on a machine where
only the ``guard`` fallback exists; everything else runs under whatever ``detect()`` found."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from m5_agents_mlops.house import isolation as iso
from m6_advanced.engineer import mounts
from m6_advanced.engineer.sandbox import (
    DockerBackend,
    Limits,
    Sandbox,
    SandboxError,
    Workspace,
    namespace_command,
)

LIMITS = Limits(timeout_s=5, cpu_seconds=5, memory_mb=512, max_processes=16, max_output_chars=2000)
GIT = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false"]


@pytest.fixture(scope="module")
def sandbox() -> Sandbox:
    return Sandbox(LIMITS)


def needs_private_view(sandbox: Sandbox) -> None:
    if sandbox.kind == "guard":
        pytest.skip("no namespaces on this machine: the guard fallback has no private view")


def python(code: str) -> list[str]:
    return [sys.executable, "-c", code]


def make_repo(folder: Path) -> Path:
    """A git checkout with one commit and one uncommitted change."""
    folder.mkdir()
    (folder / "calc.py").write_text("def add(a, b):\n    return a - b\n")
    (folder / "README.md").write_text("calc\n")
    for args in (["init", "-q"], ["add", "."], ["commit", "-qm", "first"]):
        subprocess.run([*GIT, *args], cwd=folder, check=True, capture_output=True)
    (folder / "README.md").write_text("calc, edited but not committed\n")
    return folder


def snapshot(folder: Path) -> tuple[str, dict[str, str]]:
    """git's status (without refreshing the index) and a hash of every file, .git included."""
    status = subprocess.run(
        ["git", "--no-optional-locks", "status", "--porcelain"], cwd=folder, capture_output=True
    )
    hashes = {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }
    return status.stdout.decode(), hashes


def test_a_plain_folder_becomes_a_git_workspace(tmp_path: Path) -> None:
    source = tmp_path / "plain"
    (source / "pkg").mkdir(parents=True)
    (source / "pkg" / "mod.py").write_text("X = 1\n")
    (source / ".venv").mkdir()
    (source / ".venv" / "big").write_text("not the project")
    with Workspace.create(source, parent=tmp_path) as ws:
        assert (ws.path / "pkg" / "mod.py").is_file() and not (ws.path / ".venv").exists()
        assert ws.git("log", "--format=%s").strip() == "base: a copy of plain"
        assert not ws.source_dirty and ws.diff() == "" and ws.changed_files() == []
        (ws.path / "pkg" / "new.py").write_text("Y = 2\n")
        (ws.path / "pkg" / "mod.py").write_text("X = 3\n")
        assert ws.changed_files() == ["pkg/mod.py", "pkg/new.py"]
        assert "new file mode" in ws.diff() and "+Y = 2" in ws.diff()
        with Workspace.create(source, parent=tmp_path) as again:
            assert again.base == ws.base  # fixed author and date: same files, same base
    assert not ws.root.exists()


def test_a_checkout_is_cloned_and_the_host_repository_never_changes(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    source = make_repo(tmp_path / "host")
    before = snapshot(source)
    with Workspace.create(source, parent=tmp_path) as ws:
        assert ws.source_dirty  # the uncommitted README edit is not in the clone
        assert (ws.path / "README.md").read_text() == "calc\n"
        assert not (ws.path / ".git").is_dir()  # git's own directory lives outside the copy
        edit = "from pathlib import Path; p = Path('calc.py'); Path('new.txt').write_text('n'); "
        edit += "p.write_text(p.read_text().replace('a - b', 'a + b'))"
        result = sandbox.run(python(edit), ws)
        assert result.ok, result.output
        assert ws.changed_files() == ["calc.py", "new.txt"]
        assert "+    return a + b" in ws.diff()
    assert snapshot(source) == before


def test_writing_outside_the_working_copy_fails_and_leaves_nothing(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    needs_private_view(sandbox)
    source = make_repo(tmp_path / "host")
    before = snapshot(source)
    unique = f"engineer-escape-{uuid.uuid4().hex}"
    targets = [source / "calc.py", source / unique, Path(tempfile.gettempdir()) / unique,
               Path(os.path.expanduser("~")) / unique]  # fmt: skip
    code = "import sys\nfor t in sys.argv[1:]:\n    try:\n        open(t, 'w').write('x')\n"
    code += "        print('WROTE', t)\n    except OSError as e:\n        print('REFUSED', t, e)\n"
    code += "open('inside.txt', 'w').write('fine')\n"
    try:
        with Workspace.create(source, parent=tmp_path) as ws:
            result = sandbox.run([*python(code), *map(str, targets)], ws)
            assert result.ok and "WROTE" not in result.output, result.output
            assert result.output.count("Read-only file system") == len(targets)
            assert ws.changed_files() == ["inside.txt"]
            assert "read-only" in result.filesystem
    finally:
        leaked = [t for t in targets[1:] if t.exists()]
        for target in leaked:
            target.unlink()
    assert leaked == [] and snapshot(source) == before


def test_the_view_cannot_be_undone_from_inside(tmp_path: Path, sandbox: Sandbox) -> None:
    """Building the view needed CAP_SYS_ADMIN in the namespace; the command gets none, so it
    cannot remount ``/`` writable, unmount the private ``/dev``, or mount anything."""
    needs_private_view(sandbox)
    source = make_repo(tmp_path / "host")
    before = snapshot(source)
    code = (
        "import ctypes, os, sys\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "for name, call in [('remount', lambda: libc.mount(None, b'/', None, 32 | 4096, None)),\n"
        "                   ('umount', lambda: libc.umount2(b'/dev', 2)),\n"
        "                   ('tmpfs', lambda: libc.mount(b'x', sys.argv[1].encode(), b'tmpfs', 0, None))]:\n"
        "    print(name, call(), os.strerror(ctypes.get_errno()))\n"
        "print('CapEff', open('/proc/self/status').read().split('CapEff:')[1].split()[0])\n"
        "try:\n    open(sys.argv[1] + '/calc.py', 'w').write('x')\nexcept OSError as e:\n    print('REFUSED', e)\n"
    )  # fmt: skip
    with Workspace.create(source, parent=tmp_path) as ws:
        result = sandbox.run([*python(code), str(source)], ws)
    lines = result.output.splitlines()
    assert [line.split()[:2] for line in lines[:3]] == [["remount", "-1"], ["umount", "-1"], ["tmpfs", "-1"]], result.output  # fmt: skip
    assert all("Operation not permitted" in line for line in lines[:3])
    assert "CapEff 0000000000000000" in result.output and "REFUSED" in result.output
    assert snapshot(source) == before


@pytest.fixture
def server() -> Iterator[tuple[int, list[object]]]:
    """A TCP server on 127.0.0.1 that records every connection it accepts."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(0.2)
    accepted: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[1])
            except OSError:
                continue

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield listener.getsockname()[1], accepted
    stop.set()
    thread.join()
    listener.close()


@pytest.mark.parametrize("mechanism", ["detected", "guard"])
def test_the_network_is_unreachable(
    tmp_path: Path, server: tuple[int, list[object]], mechanism: str
) -> None:
    port, accepted = server
    isolation = iso.Isolation("guard", iso.detect().drop_root) if mechanism == "guard" else None
    code = f"import socket\ntry:\n    socket.create_connection(('127.0.0.1', {port}), timeout=2)\n"
    code += "    print('CONNECTED')\nexcept OSError as e:\n    print('NO NETWORK:', e)\n"
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        result = Sandbox(LIMITS, isolation).run(python(code), ws)
    assert "NO NETWORK" in result.output and "CONNECTED" not in result.output, result.output
    assert accepted == []
    if mechanism == "guard":
        assert result.filesystem.startswith("none") and "sitecustomize" in result.network


def test_a_fork_bomb_is_contained(tmp_path: Path, sandbox: Sandbox) -> None:
    code = "import os, sys, time\nmade = 0\nwhile True:\n    try:\n        pid = os.fork()\n"
    code += "    except OSError as e:\n        print('REFUSED AFTER', made, e, flush=True)\n"
    code += "        sys.exit(3)\n    if pid == 0:\n        time.sleep(60)\n        os._exit(0)\n"
    code += "    made += 1\n"
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        result = sandbox.run(python(code), ws)
    assert result.exit_code == 3 and not result.timed_out, result.output
    assert int(result.output.split("REFUSED AFTER")[1].split()[0]) < LIMITS.max_processes
    assert result.seconds < LIMITS.timeout_s
    assert subprocess.run(["true"]).returncode == 0  # the host can still start processes


def test_a_memory_hog_gets_memory_error(tmp_path: Path, sandbox: Sandbox) -> None:
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        result = sandbox.run(python("bytearray(4 * 1024**3)"), ws)
    assert result.exit_code == 1 and "MemoryError" in result.output
    assert result.summary == "exit 1" and not result.ok


def test_the_cpu_limit_stops_a_busy_loop(tmp_path: Path, sandbox: Sandbox) -> None:
    busy = Sandbox(dataclasses.replace(LIMITS, cpu_seconds=1), sandbox.isolation)
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        result = busy.run(python("while True:\n    pass"), ws)
    assert result.summary == "killed by SIGXCPU" and not result.timed_out, result.output


def test_an_endless_loop_is_killed_with_its_children(tmp_path: Path, sandbox: Sandbox) -> None:
    marker = f"engineer-child-{uuid.uuid4().hex}"
    code = "import subprocess, sys\nsubprocess.Popen([sys.executable, '-c', "
    code += f"'import time; time.sleep(600)', '{marker}'])\nwhile True:\n    pass\n"
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        result = sandbox.run(python(code), ws, timeout_s=1.5)
    assert result.timed_out and result.exit_code is None and not result.ok
    assert result.summary.startswith("timed out") and result.seconds < 1.5 + 3
    deadline = time.monotonic() + 3
    while any(marker in cmdline for cmdline in host_command_lines()):
        assert time.monotonic() < deadline, "the child outlived the timeout"
        time.sleep(0.05)


def host_command_lines() -> list[str]:
    lines = []
    for entry in Path("/proc").iterdir():
        try:
            lines.append((entry / "cmdline").read_bytes().decode(errors="replace"))
        except OSError:
            continue
    return lines


def test_an_output_flood_is_cut(tmp_path: Path, sandbox: Sandbox) -> None:
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        result = sandbox.run(python("print('START' + 'x' * 100_000 + 'END')"), ws)
    assert result.ok and "characters cut" in result.output
    assert len(result.output) < LIMITS.max_output_chars + 100
    assert result.output.startswith("START") and result.output.rstrip().endswith("END")


def test_python_tests_can_use_tmp_path_and_missing_commands_exit_127(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    source = tmp_path / "proj"
    source.mkdir()
    (source / "test_t.py").write_text(
        "def test_tmp(tmp_path):\n    (tmp_path / 'f').write_text('x')\n"
    )
    with Workspace.create(source, parent=tmp_path) as ws:
        result = sandbox.run(["python", "-m", "pytest", "-q", "-p", "no:cacheprovider"], ws)
        assert result.ok, result.output
        assert ws.changed_files() == []  # no temp files, caches or bytecode in the diff
        missing = sandbox.run(["no-such-command-here"], ws)
        assert missing.exit_code == 127 and "cannot run" in missing.output


def test_a_sandbox_that_cannot_be_built_raises(tmp_path: Path, sandbox: Sandbox) -> None:
    if sandbox.kind != "unshare":
        pytest.skip(f"the mount setup is unshare's ({sandbox.kind} here)")
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        ws.scratch.rmdir()  # the bind mount of scratch now fails: nothing may run half-built
        with pytest.raises(SandboxError, match="could not be set up"):
            sandbox.run(["true"], ws)
    with pytest.raises(SandboxError, match="is gone"):
        sandbox.run(["true"], ws)


def test_the_bubblewrap_command_line(tmp_path: Path) -> None:
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        command = namespace_command("bwrap", 16, ws, ["pytest", "-q"], python="/py")
    work, scratch = str(ws.path), str(ws.scratch)
    head = command[: command.index("--")]
    assert head[:3] == ["bwrap", "--ro-bind", "/"] and "--unshare-net" in head
    assert ["--bind", work, work, "--bind", scratch, scratch] == head[8:14]
    program = command[command.index("--") + 1 :]
    assert program[:3] == ["/py", "-I", "-c"]
    assert program[4:] == ["none", "16", work, scratch, "--", "pytest", "-q"]


def test_the_docker_command_line(tmp_path: Path) -> None:
    docker = DockerBackend(image="engineer-sandbox", docker="no-such-docker-binary")
    assert not docker.available()
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        command = docker.command(["pytest", "-q"], ws, LIMITS, "engineer-x")
        tools = docker.command([sys.executable, "-P", "-m", "m6_advanced.engineer.file_tools"], ws, LIMITS, "y")  # fmt: skip
    joined = " ".join(command)
    for flag in ("--network=none", "--read-only", "--pids-limit 16", "--memory 512m",
                 f"-v {ws.path}:/work", "-w /work", "--cap-drop=ALL", "--name engineer-x"):  # fmt: skip
        assert flag in joined
    assert command[-3:] == ["engineer-sandbox", "pytest", "-q"]
    assert tools[-5:] == ["engineer-sandbox", "python", "-P", "-m", "m6_advanced.engineer.file_tools"]  # fmt: skip
    dockerfile = (Path(__file__).parents[1] / "docker" / "engineer-sandbox.Dockerfile").read_text()
    assert "--package m6-advanced" in dockerfile and "uv.lock" in dockerfile


def test_mount_points_are_read_with_escapes() -> None:
    table = "27 1 254:0 / / rw - ext4 /dev/vda rw\n30 27 0:27 / /my\\040dir rw - tmpfs t rw\n"
    assert mounts.mount_points(table) == ["/", "/my dir"]
    assert mounts.is_under("/a/b", ("/a",)) and not mounts.is_under("/ab", ("/a",))


def test_git_never_runs_inside_a_nested_repository_the_command_made(
    tmp_path: Path, sandbox: Sandbox
) -> None:
    """``sub/.git`` with an fsmonitor is a command host git would run: it is deleted first."""
    marker = tmp_path / "fsmonitor-ran"
    code = (  # a minimal repository by hand: HEAD, objects/, refs/ and a config
        "import os\nfor d in ('sub/.git/objects', 'sub/.git/refs/heads'):\n    os.makedirs(d)\n"
        "open('sub/.git/HEAD', 'w').write('ref: refs/heads/main\\n')\n"
        f"open('sub/.git/config', 'w').write('[core]\\n\\tfsmonitor = touch {marker}\\n')\n"
        "open('sub/x.py', 'w').write('x = 1\\n')\n"
    )
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        assert sandbox.run(python(code), ws).ok
        assert (ws.path / "sub" / ".git").is_dir()
        assert ws.changed_files() == ["sub/x.py"]  # a plain file, not a submodule entry
        assert not (ws.path / "sub" / ".git").exists() and not marker.exists()


def test_files_leave_out_symlinks_the_command_made(tmp_path: Path, sandbox: Sandbox) -> None:
    code = "import os\nos.symlink('/etc/hostname', 'leak.py')\nopen('new.py', 'w').write('')\n"
    with Workspace.create(make_repo(tmp_path / "host"), parent=tmp_path) as ws:
        assert sandbox.run(python(code), ws).ok
        assert [name for _, name in ws.files()] == ["README.md", "calc.py", "new.py"]

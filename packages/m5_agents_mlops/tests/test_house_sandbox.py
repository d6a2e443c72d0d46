"""The house's sandbox, one defence at a time: each test runs real pytest on code written to misbehave.

An endless loop, a memory hog, a disk filler, a network call, a fork bomb, a path escape: each
runs under deliberately small limits, so the whole file takes seconds, and each asserts what
stopped it (and, for the fork bomb, that nothing outlived the run).
"""

from __future__ import annotations

import socket
import time
import uuid
from pathlib import Path

import pytest

from m5_agents_mlops.house import (
    Limits,
    UnsafePathError,
    check_files,
    check_path,
    detect,
    run_tests,
)
from m5_agents_mlops.house.isolation import Isolation

MODULE = "def double(x):\n    return 2 * x\n"
TESTS = "from calc import double\n\ndef test_two():\n    assert double(2) == 4\n\ndef test_zero():\n    assert double(0) == 0\n"
FAST = Limits(timeout_s=20)
MECHANISMS = sorted({detect().kind, "guard"})  # the strongest here, and the fallback


def test_passing_code_passes() -> None:
    run = run_tests({"calc.py": MODULE, "test_calc.py": TESTS}, FAST)
    assert run.passed and run.exit_code == 0 and not run.timed_out
    assert run.counts == {"passed": 2} and run.summary == "2 passed"
    assert run.isolation == detect().kind


def test_failing_test_is_reported_with_its_output() -> None:
    broken = MODULE.replace("2 * x", "2 + x")
    run = run_tests({"calc.py": broken, "test_calc.py": TESTS}, FAST)
    assert not run.passed and run.exit_code == 1
    assert run.counts == {"failed": 1, "passed": 1}
    assert "assert 2 == 0" in run.output and "FAILED test_calc.py::test_zero" in run.output


def test_endless_loop_is_killed_at_the_timeout() -> None:
    start = time.perf_counter()
    run = run_tests({"test_loop.py": "def test_forever():\n    while True:\n        pass\n"},
                    Limits(timeout_s=2))  # fmt: skip
    assert run.timed_out and not run.passed and run.exit_code is None
    assert 2 <= run.seconds < 10 and time.perf_counter() - start < 15
    assert run.summary.startswith("timed out after 2 s")


def test_memory_hog_gets_memory_error_not_the_machine() -> None:
    hog = "def test_hog():\n    chunks = []\n    while True:\n        chunks.append(bytearray(32 * 2**20))\n"
    run = run_tests({"test_hog.py": hog}, Limits(timeout_s=30, memory_mb=256))
    assert not run.passed and not run.timed_out  # stopped by the limit, long before the timeout
    assert "MemoryError" in run.output and run.counts == {"failed": 1}


def test_file_size_limit_stops_a_disk_filler() -> None:
    filler = "def test_fill():\n    open('big.bin', 'wb').write(b'x' * 4 * 2**20)\n"
    run = run_tests({"test_fill.py": filler}, Limits(timeout_s=30, file_size_mb=1))
    assert not run.passed and "File too large" in run.output


@pytest.mark.parametrize("kind", MECHANISMS)
def test_network_is_refused(kind: str) -> None:
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.setblocking(False)
    port = listener.getsockname()[1]
    code = (
        "import socket\n\n"
        f"def test_loopback():\n    socket.create_connection(('127.0.0.1', {port}), timeout=3)\n\n"
        "def test_external():\n    socket.create_connection(('192.0.2.1', 80), timeout=3)\n"
    )
    with listener:
        run = run_tests({"test_net.py": code}, FAST, isolation=Isolation(kind, detect().drop_root))  # type: ignore[arg-type]
        with pytest.raises(BlockingIOError):  # nobody knocked
            listener.accept()
    assert run.isolation == kind and run.counts == {"failed": 2}
    reason = "refused by the sandbox guard" if kind == "guard" else "Network is unreachable"
    assert run.output.count(reason) >= 2, run.output


@pytest.mark.parametrize(
    "path",
    [
        "../evil.py",
        "/etc/passwd",
        "a/../../b.py",
        "C:/x.py",
        ".bashrc",
        "a\\b.py",
        "a/b/c/d/e.py",
        "",
        "x y.py",
    ],
)
def test_unsafe_paths_are_refused(path: str) -> None:
    with pytest.raises(UnsafePathError):
        check_path(path)


def test_path_escape_refused_before_anything_is_written(tmp_path: Path) -> None:
    assert check_path("./pkg/mod.py") == "pkg/mod.py"
    before = set(Path("/tmp").iterdir())
    with pytest.raises(UnsafePathError, match=r"'\.\.' would leave the project folder"):
        run_tests({"ok.py": "", "../escaped.py": "x = 1\n"}, FAST)
    assert not any(p.name == "escaped.py" for p in set(Path("/tmp").iterdir()) - before)
    with pytest.raises(UnsafePathError, match="too many"):
        check_files({f"m{i}.py": "" for i in range(50)})
    with pytest.raises(UnsafePathError, match="characters"):
        check_files({"big.py": "x" * 200_000})


def _skip_without_process_limit() -> None:
    limit = detect().process_limit
    if limit.startswith("none"):
        pytest.skip(f"no process limit on this machine: {limit}")


def test_process_limit_caps_the_number_of_processes() -> None:
    _skip_without_process_limit()
    forks = (
        "import os, time\n\ndef test_forks():\n    pids = []\n    for _ in range(40):\n"
        "        try:\n            pid = os.fork()\n        except OSError:\n            continue\n"
        "        if pid == 0:\n            time.sleep(2)\n            os._exit(0)\n"
        "        pids.append(pid)\n    for pid in pids:\n        os.waitpid(pid, 0)\n"
        "    print('STARTED', len(pids))\n    assert len(pids) == 40\n"
    )
    run = run_tests({"test_forks.py": forks}, Limits(timeout_s=30, max_processes=8))
    started = [
        int(line.split()[1]) for line in run.output.splitlines() if line.startswith("STARTED")
    ]
    assert started and 1 <= started[0] < 8, run.output
    assert not run.passed


def _live_processes_with(marker: str) -> int:
    count = 0
    for entry in Path("/proc").iterdir():
        try:
            count += marker in (entry / "cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
    return count


def test_fork_bomb_is_contained_and_cleaned_up() -> None:
    _skip_without_process_limit()
    bomb = "import os\n\ndef test_bomb():\n    while True:\n        try:\n            os.fork()\n        except OSError:\n            pass\n"
    marker = f"m{uuid.uuid4().hex}"  # a -k keyword: it tags every process of this run
    run = run_tests({"test_bomb.py": bomb}, Limits(timeout_s=2, max_processes=16),
                    pytest_args=("-k", f"test_bomb or {marker}"))  # fmt: skip
    assert run.timed_out and not run.passed
    deadline = time.monotonic() + 10
    while _live_processes_with(marker) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _live_processes_with(marker) == 0

"""Run code a model wrote, with asserts after it, in a fresh Python process that cannot reach out.

Never ``exec`` model output in your own process: a loop would hang you, a stray ``os.remove`` or
``sys.exit`` would be yours. Here every program runs in a new interpreter:

- ``python -I``: isolated mode, so no ``PYTHON*`` variable, user site-packages or current folder
  changes what it imports; it starts in an empty temporary folder, with an empty environment;
- a *prelude* runs first and installs an audit hook (``sys.addaudithook``, which cannot be
  removed afterwards) that refuses every socket operation and every new process, and sets
  resource limits: address space, CPU seconds, and the size of any file written (output included);
- a wall-clock timeout kills the whole process group;
- only the last ``OUTPUT_CHARS`` characters of its output are kept.

This guards against accidents (a model's infinite loop, a stray download), not against an
attacker: code that means harm belongs in a container or a VM (month 6's ``Environment``).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

OUTPUT_CHARS = 2000
MEMORY_BYTES = 1 << 30
"""Address-space limit of the child (1 GiB: a short function needs a few tens of MB)."""
FILE_BYTES = 1 << 20
"""Largest file (or captured output) the child may write: a print loop dies at 1 MiB."""

PRELUDE = f"""\
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, ({MEMORY_BYTES}, {MEMORY_BYTES}))
resource.setrlimit(resource.RLIMIT_FSIZE, ({FILE_BYTES}, {FILE_BYTES}))
def _refuse(event, args, blocked=("socket.", "subprocess.", "os.system", "os.exec",
            "os.posix_spawn", "os.spawn", "os.fork", "os.forkpty", "pty.", "os.kill")):
    if event.startswith(blocked):
        raise PermissionError(f"the code runner blocks {{event}}: no network, no new processes")
sys.addaudithook(_refuse)
del _refuse, resource
# ---- the code under test starts here ----
"""


@dataclass(frozen=True)
class CodeRun:
    """How one program ended."""

    passed: bool
    """Exit status 0 within the time limit: every assert held."""
    timed_out: bool
    returncode: int | None
    """None when it was killed for running out of time."""
    output: str
    """The tail of stdout and stderr together (a traceback names the failing assert)."""
    seconds: float


def run_python(code: str, tests: str = "", timeout_s: float = 10.0) -> CodeRun:
    """Run ``code`` then ``tests`` (asserts) in a fresh, isolated interpreter; see the module doc."""
    program = f"{PRELUDE}{code}\n\n# ---- the tests ----\n{tests}\n"
    with tempfile.TemporaryDirectory(prefix="code-run-") as scratch:
        folder = Path(scratch) / "work"  # the child's folder holds only its program
        folder.mkdir()
        (folder / "program.py").write_text(program, encoding="utf-8")
        with open(Path(scratch) / "output.txt", "wb") as sink:
            # A file rather than a pipe: output cannot fill our memory, and RLIMIT_FSIZE caps it.
            start = time.perf_counter()
            process = subprocess.Popen(
                [sys.executable, "-I", "program.py"],
                cwd=folder,
                env={"LC_ALL": "C.UTF-8"},
                stdin=subprocess.DEVNULL,
                stdout=sink,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so a kill takes everything
            )
            try:
                returncode: int | None = process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
                returncode = None
            seconds = time.perf_counter() - start
        output = (Path(scratch) / "output.txt").read_bytes()[-4 * OUTPUT_CHARS :]
    text = output.decode("utf-8", errors="replace")[-OUTPUT_CHARS:]
    return CodeRun(returncode == 0, returncode is None, returncode, text, seconds)

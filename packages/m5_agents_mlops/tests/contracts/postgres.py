"""A throw-away PostgreSQL server for tests: a fresh cluster in a temporary folder, on a free
loopback port, removed afterwards. What CI needs is only the server binaries
(``apt-get install postgresql``); no running service, no password, nothing left behind.

As root (containers, CI), PostgreSQL refuses to run, so the cluster belongs to the ``postgres``
system user (created by the Debian package) and every server command runs through ``runuser``.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

SERVER_TOOLS = ("initdb", "pg_ctl", "postgres")
# Durability off: a test database that is thrown away needs no fsync, and this saves seconds.
FAST_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"


class PostgresUnavailable(RuntimeError):
    """The server cannot be started here; the message says why (the fixture skips with it)."""


def find_bindir() -> Path | None:
    """The folder holding initdb, pg_ctl and postgres: from PATH, else the newest
    ``/usr/lib/postgresql/<version>/bin`` (Debian keeps them off PATH)."""
    on_path = shutil.which("initdb")
    candidates = [Path(on_path).resolve().parent] if on_path else []
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
        reverse=True,
    )
    for folder in [*candidates, *versions]:
        if all((folder / tool).is_file() for tool in SERVER_TOOLS):
            return folder
    return None


def free_port() -> int:
    """A loopback port nobody listens on right now (the caller retries if it loses a race)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner() -> tuple[list[str], tuple[int, int] | None]:
    """The command prefix that runs server tools as a non-root user, and that user's ids."""
    if os.geteuid() != 0:
        return [], None
    runuser = shutil.which("runuser")
    try:
        owner = pwd.getpwnam("postgres")
    except KeyError:
        owner = None
    if runuser is None or owner is None:
        raise PostgresUnavailable("running as root without a 'postgres' user and runuser")
    return [runuser, "-u", "postgres", "--"], (owner.pw_uid, owner.pw_gid)


def _run(command: list[str], cwd: Path) -> None:
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise PostgresUnavailable(
            f"{Path(command[0]).name if command else '?'} failed: {done.stderr[-500:]}"
        )


@contextlib.contextmanager
def running_postgres(database: str = "contractqa") -> Iterator[str]:
    """Start a private server, create ``database``, yield its URL; stop and delete on exit."""
    bindir = find_bindir()
    if bindir is None:
        raise PostgresUnavailable("PostgreSQL server binaries not found")
    prefix, owner = _as_owner()
    # A short path under /tmp: the Unix socket's path must fit in 107 bytes.
    base = Path(tempfile.mkdtemp(prefix="cqa-pg-"))
    data = base / "data"
    started = False
    try:
        if owner is not None:
            os.chown(base, *owner)
        _run(
            [*prefix, str(bindir / "initdb"), "-D", str(data), "-U", "postgres",
             "--auth=trust", "--no-sync", "--no-locale", "-E", "UTF8"],
            cwd=base,
        )  # fmt: skip
        for _attempt in range(3):  # another process may grab the port between check and bind
            port = free_port()
            options = f"-p {port} -k {base} -c listen_addresses=127.0.0.1 {FAST_SETTINGS}"
            start = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(base / "log"),
                     "-o", options, "-w", "-t", "30", "start"]  # fmt: skip
            if subprocess.run(start, cwd=base, capture_output=True, timeout=60).returncode == 0:
                started = True
                break
        if not started:
            log = (
                (base / "log").read_text(errors="replace")[-500:] if (base / "log").exists() else ""
            )
            raise PostgresUnavailable(f"pg_ctl start failed: {log}")
        import psycopg

        admin = f"host=127.0.0.1 port={port} user=postgres dbname=postgres"
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        yield f"postgresql://postgres@127.0.0.1:{port}/{database}"
    finally:
        if started:
            stop = [*prefix, str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]
            subprocess.run(stop, cwd=base, capture_output=True, timeout=60)
        shutil.rmtree(base, ignore_errors=True)

"""Test helpers that ship with the code (injected through parameters, never by patching internals).

- ``block_network``: a pytest-friendly guard that makes any non-loopback connection fail loudly.
- ``FakeHTTP``: an ``opener`` for ``store.materialise`` (and ``download-data``'s ``main``) that
  serves bytes from a dict, as a web server would, or fails the way a network does, so the online
  download path and its errors are tested without the internet.
- ``installed_entries_only``: the registry (and chat-model catalogue) cut down to what this
  environment has installed, for tests of ``roadmap-doctor``'s verdicts.
- ``fake_parts``: installed "part wheels" holding a few bytes each (package folders on
  ``sys.path``), so joining a 1 GB model is tested with a file of a hundred bytes.
- ``run_console_script``, ``check_smoke_run``: a console script in a fresh process with its own
  data directory, optionally with the socket guard installed first (the workspace's smoke tests).
"""

from __future__ import annotations

import email.message
import hashlib
import io
import ipaddress
import os
import socket
import subprocess
import sys
import urllib.error
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from roadmap_data.sources import PartsSource


class NetworkBlockedError(OSError):
    """A test tried to reach the network.

    An OSError, like the errors a machine without a network raises (DNS failure, unreachable
    host), so code under test takes the path it takes offline: urllib wraps it in URLError, and a
    command line reports it as one line, while its name still says that a test guard did it.
    """


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):  # AF_UNIX paths and the like stay on this machine
        return True
    host = address[0]
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:  # a host name: resolving it would already be network access
        return False


def guarded_connect(original: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``socket.connect``/``connect_ex`` so only loopback addresses get through."""

    def connect(self: socket.socket, address: Any, *args: Any) -> Any:
        if not _is_loopback(address):
            raise NetworkBlockedError(f"network access in a test: connect({address!r})")
        return original(self, address, *args)

    return connect


def block_network_in_this_process() -> None:
    """The same guard without pytest, for a subprocess under test (see tests/test_console_scripts.py)."""
    socket.socket.connect = guarded_connect(socket.socket.connect)  # type: ignore[method-assign]
    socket.socket.connect_ex = guarded_connect(socket.socket.connect_ex)  # type: ignore[method-assign]


def block_network(monkeypatch: Any) -> None:
    """Install the loopback-only guard on ``socket.socket`` (and name resolution) for one test."""
    monkeypatch.setattr(socket.socket, "connect", guarded_connect(socket.socket.connect))
    monkeypatch.setattr(socket.socket, "connect_ex", guarded_connect(socket.socket.connect_ex))
    original_getaddrinfo = socket.getaddrinfo

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in (None, "localhost") and not _is_loopback((host, 0)):
            raise NetworkBlockedError(f"network access in a test: getaddrinfo({host!r})")
        return original_getaddrinfo(host, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


class _Response(io.BytesIO):
    def __init__(self, payload: bytes, fail_after: BaseException | None) -> None:
        super().__init__(payload)
        self.headers = {"Content-Length": str(len(payload))}
        self.fail_after = fail_after

    def read(self, size: int | None = -1) -> bytes:
        chunk = super().read(size)
        if not chunk and self.fail_after is not None:  # the connection drops before the end
            raise self.fail_after
        return chunk


Page = bytes | BaseException | tuple[bytes, BaseException]
"""What ``FakeHTTP`` serves for a URL: the body; an error raised on opening (``URLError``,
``TimeoutError``...); or (a truncated body, the error raised once it has been read)."""


class FakeHTTP:
    """``opener(url)`` serving ``pages[url]``; a missing URL raises HTTPError 404. Records requests."""

    def __init__(self, pages: dict[str, Page]) -> None:
        self.pages = pages
        self.requested: list[str] = []

    def __call__(self, url: str) -> _Response:
        self.requested.append(url)
        if url not in self.pages:
            raise urllib.error.HTTPError(url, 404, "Not Found", email.message.Message(), None)
        page = self.pages[url]
        if isinstance(page, BaseException):
            raise page
        body, fail_after = page if isinstance(page, tuple) else (page, None)
        return _Response(body, fail_after)


def fake_parts(
    monkeypatch: Any,
    folder: Path,
    chunks: Sequence[bytes],
    *,
    installed: Sequence[bool] | None = None,
    size: int | None = None,
    sha256: str | None = None,
) -> PartsSource:
    """Part packages ``fake-parts-<id>-part1..N`` under ``folder`` (put on ``sys.path``), laid
    out like the real ones: ``<module>/data/partNN.bin``. ``installed[i] = False`` leaves part
    ``i`` out; ``size``/``sha256`` default to those of the chunks joined (pass others to pin a
    file the parts do not make)."""
    prefix = f"fake-parts-{uuid.uuid4().hex[:8]}-part"
    joined = b"".join(chunks)
    source = PartsSource.numbered(
        prefix,
        len(chunks),
        size=len(joined) if size is None else size,
        sha256=hashlib.sha256(joined).hexdigest() if sha256 is None else sha256,
        group=f"{prefix}s",
    )
    keep = installed if installed is not None else [True] * len(chunks)
    for module, path, chunk, present in zip(
        source.modules, source.paths, chunks, keep, strict=True
    ):
        if present:
            (folder / module / path).parent.mkdir(parents=True)
            (folder / module / "__init__.py").write_text("")
            (folder / module / path).write_bytes(chunk)
    monkeypatch.syspath_prepend(str(folder))  # also invalidates importlib's finder caches
    return source


def installed_entries_only(monkeypatch: Any) -> None:
    """Drop the registry entries whose package is not installed (roadmap-data alone lacks the
    models), and the chat-model cards that name a dropped entry."""
    from roadmap_data import models, registry  # here: the socket guard must not load pandas

    for name, entry in list(registry.REGISTRY.items()):
        if entry.source is None or not entry.source.is_installed():
            monkeypatch.delitem(registry.REGISTRY, name)
    kept = tuple(card for card in models.CHAT_MODELS if card.name in registry.REGISTRY)
    monkeypatch.setattr(models, "CHAT_MODELS", kept)


# Runs a console script's entry point in a fresh interpreter with the loopback-only socket guard
# installed first, so a smoke run that reaches for the network fails as loudly as a test would.
GUARDED = (
    "import sys; from importlib.metadata import entry_points; "
    "from roadmap_data.testing import block_network_in_this_process as guard; guard(); "
    "name = sys.argv[1]; sys.argv = sys.argv[1:]; "
    "sys.exit(entry_points(group='console_scripts', name=name)[name].load()())"
)


def run_console_script(
    name: str, *args: str, data: Path, guarded: bool = False, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    """Run console script ``name`` with ``args`` in a subprocess whose data directory (and
    working folder) is ``data``; ``guarded``: no network but loopback."""
    env = {**os.environ, "AI_ROADMAP_DATA": str(data), "MPLBACKEND": "Agg", "HF_HUB_OFFLINE": "1"}
    binary = Path(sys.executable).parent / name
    command = [sys.executable, "-c", GUARDED, name] if guarded else [str(binary)]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, cwd=data, timeout=timeout
    )


def check_smoke_run(name: str, data: Path, writes_metrics: bool = True) -> None:
    """``name --smoke`` exits 0 with only loopback reachable and, if ``writes_metrics``, leaves a
    metrics.json under ``<data>/runs/`` (the contract every console script keeps)."""
    result = run_console_script(name, "--smoke", data=data, guarded=True)
    assert result.returncode == 0, f"{name} --smoke failed:\n{result.stdout}\n{result.stderr}"
    if writes_metrics:
        metrics = list((data / "runs").rglob("metrics.json"))
        assert metrics, f"{name} --smoke wrote no metrics.json under {data / 'runs'}"

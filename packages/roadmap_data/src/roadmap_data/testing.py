"""Test helpers that ship with the code (injected through parameters, never by patching internals).

- ``block_network``: a pytest-friendly guard that makes any non-loopback connection fail loudly.
- ``FakeHTTP``: an ``opener`` for ``store.materialise`` that serves bytes from a dict, as a web
  server would, so the online download path is tested without the internet.
"""

from __future__ import annotations

import io
import ipaddress
import socket
from collections.abc import Callable
from typing import Any


class NetworkBlockedError(RuntimeError):
    """A test tried to reach the network."""


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
    def __init__(self, payload: bytes) -> None:
        super().__init__(payload)
        self.headers = {"Content-Length": str(len(payload))}


class FakeHTTP:
    """``opener(url)`` serving ``pages[url]``; a missing URL raises like a 404. Records requests."""

    def __init__(self, pages: dict[str, bytes]) -> None:
        self.pages = pages
        self.requested: list[str] = []

    def __call__(self, url: str) -> _Response:
        self.requested.append(url)
        if url not in self.pages:
            raise OSError(f"HTTP Error 404: Not Found ({url})")
        return _Response(self.pages[url])

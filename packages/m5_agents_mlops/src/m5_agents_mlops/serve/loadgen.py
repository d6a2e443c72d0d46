"""A small closed-loop HTTP load generator: N clients, each with one keep-alive connection,
sending its next request as soon as the last answer arrived (what ``wrk`` does, plus checking
every answer).

Why not httpx: on a 2-core machine the client shares the cores with the server, and a full HTTP
library spends more CPU per request than the server's own framework would, which would measure
the client. Here a request is pre-encoded bytes and an answer is read by its Content-Length.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np


def encode_post(host: str, port: int, path: str, body: bytes) -> bytes:
    """One HTTP/1.1 POST with a JSON body, ready to write to the socket."""
    head = (f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")  # fmt: skip
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[int, bytes]:
    """Status code and body of one response (the server sends Content-Length for JSON)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    length = 0
    for line in lines[1:]:
        name, _, value = line.partition(":")
        if name.strip().lower() == "content-length":
            length = int(value)
    return status, await reader.readexactly(length)


@dataclass
class LoadResult:
    """What ``clients`` concurrent clients saw over ``seconds``."""

    clients: int
    requests: int
    errors: int
    seconds: float
    latencies_ms: np.ndarray

    @property
    def requests_per_s(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    def row(self) -> dict[str, float]:
        p50, p99 = np.percentile(self.latencies_ms, [50, 99]) if self.requests else (0.0, 0.0)
        return {"clients": self.clients, "requests": self.requests, "errors": self.errors,
                "requests_per_s": round(self.requests_per_s, 1), "p50_ms": round(float(p50), 2),
                "p99_ms": round(float(p99), 2)}  # fmt: skip


async def _client(
    host: str, port: int, requests: Sequence[bytes], first: int, stop_at: float,
    check: Callable[[int, int, bytes], bool], latencies: list[float], errors: list[int],
) -> None:  # fmt: skip
    reader, writer = await asyncio.open_connection(host, port)
    i = first
    try:
        while time.perf_counter() < stop_at:
            which = i % len(requests)
            start = time.perf_counter()
            writer.write(requests[which])
            status, body = await read_response(reader)
            latencies.append((time.perf_counter() - start) * 1000)
            if not check(which, status, body):
                errors.append(which)
            i += 1
    finally:
        writer.close()


def run_load(
    host: str,
    port: int,
    requests: Sequence[bytes],
    clients: int,
    seconds: float,
    check: Callable[[int, int, bytes], bool],
) -> LoadResult:
    """``clients`` connections sending ``requests`` round-robin for ``seconds``; each answer is
    passed to ``check(request index, status, body)``, and a False counts as an error."""
    latencies: list[float] = []
    errors: list[int] = []

    async def main() -> float:
        start = time.perf_counter()
        stop_at = start + seconds
        await asyncio.gather(*(
            _client(host, port, requests, c * 7, stop_at, check, latencies, errors)
            for c in range(clients)
        ))  # fmt: skip
        return time.perf_counter() - start

    elapsed = asyncio.run(main())
    return LoadResult(clients, len(latencies), len(errors), elapsed, np.asarray(latencies))

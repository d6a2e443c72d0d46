"""Running the app: uvicorn in the foreground (``serve``) or in a thread (smoke runs, tests, bench).

One uvicorn worker per process: the models live in that process's memory, and PyTorch, llama.cpp
and scikit-learn already use native threads. Scale out with more processes behind a load balancer
(``uvicorn --workers N`` or more containers), each loading its own copy of the models.
"""

from __future__ import annotations

import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

import uvicorn
from fastapi import FastAPI

from m5_agents_mlops.errors import AgentError

GRACEFUL_SHUTDOWN_S = 10
"""On SIGTERM, how long in-flight requests get to finish before connections are closed."""


def uvicorn_config(app: FastAPI, host: str, port: int) -> uvicorn.Config:
    """Our logs are JSON lines written by the app (``telemetry.py``): uvicorn's access log off."""
    return uvicorn.Config(
        app, host=host, port=port, log_config=None, access_log=False, lifespan="on",
        timeout_graceful_shutdown=GRACEFUL_SHUTDOWN_S, server_header=False,
    )  # fmt: skip


class DrainingServer(uvicorn.Server):
    """On SIGTERM, first turn ``/readyz`` to 503 and keep serving for ``drain_s`` seconds, then
    stop as uvicorn does (no new connections, in-flight requests finish, lifespan shutdown).

    Why: an orchestrator (Kubernetes, a load balancer) polls readiness every few seconds; a
    process that closes its port at once gets the requests sent before the balancer noticed.
    Ctrl-C (SIGINT) stops at once: a person at a terminal is not a load balancer.
    """

    def __init__(self, config: uvicorn.Config, app: FastAPI, drain_s: float) -> None:
        super().__init__(config)
        self.app, self.drain_s = app, drain_s

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        if sig != signal.SIGTERM or not self.app.state.ready or self.drain_s <= 0:
            return super().handle_exit(sig, frame)
        self.app.state.ready = False
        threading.Timer(self.drain_s, super().handle_exit, (sig, frame)).start()


def run_forever(app: FastAPI, host: str, port: int, drain_s: float = 0.0) -> None:
    """Serve until SIGINT/SIGTERM; uvicorn then drains requests and runs the lifespan's shutdown."""
    server = DrainingServer(uvicorn_config(app, host, port), app, drain_s)
    server.run()
    if not server.started:  # the lifespan failed (a model could not load): say so, exit non-zero
        raise AgentError("the server did not start (see the log above)")


@contextmanager
def serve_in_thread(app: FastAPI, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Run ``app`` on ``host`` (port 0: a free one) in a daemon thread; yield its base URL."""
    server = uvicorn.Server(uvicorn_config(app, host, port))
    thread = threading.Thread(target=server.run, name="uvicorn", daemon=True)
    thread.start()
    deadline = time.monotonic() + 120  # the lifespan loads models first
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise AgentError("the server did not start (see the log above)")
        time.sleep(0.02)
    bound = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://{host}:{bound}"
    finally:
        server.should_exit = True
        thread.join(timeout=GRACEFUL_SHUTDOWN_S + 5)


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on now (for tests and benchmarks that start ``serve``)."""
    with socket.socket() as sock:
        sock.bind((host, 0))
        return sock.getsockname()[1]

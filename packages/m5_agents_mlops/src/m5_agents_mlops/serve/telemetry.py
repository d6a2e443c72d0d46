"""What a production team watches: Prometheus metrics, one JSON log line per request, request ids.

Every series the app exports is created here, on a registry of the app's own (two apps in one
test process never share counters), and ``SERIES`` names them all: the Grafana dashboard in
``deploy/grafana`` may only query these names, and a test holds it to that.

Labels stay low-cardinality on purpose: ``route`` is the path *template* (``/v1/predict/mnist``),
never the raw URL, so a scanner probing a thousand random paths adds one ``route="unmatched"``
series, not a thousand.
"""

from __future__ import annotations

import json
import logging
import sys
import time
import uuid
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

LATENCY_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
"""Seconds: MNIST answers in milliseconds, a chat completion in seconds; one scale covers both."""
BATCH_BUCKETS = (1, 2, 4, 8, 16, 32, 64, 128)
REQUEST_ID_HEADER = "X-Request-ID"

logger = logging.getLogger("m5_agents_mlops.serve")


class Metrics:
    """The app's series. ``model`` labels are the served model names (``mnist``, ``titanic``...)."""

    def __init__(self, registry: CollectorRegistry | None = None) -> None:
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "serve_http_requests_total", "HTTP requests answered.",
            ["route", "method", "status"], registry=r,
        )  # fmt: skip
        self.request_seconds = Histogram(
            "serve_http_request_duration_seconds", "Time to answer an HTTP request.",
            ["route", "method", "status"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.in_progress = Gauge(
            "serve_http_requests_in_progress", "Requests being answered now.", registry=r
        )  # no route label: the route is known only once routing has run
        self.model_seconds = Histogram(
            "serve_model_inference_seconds", "Time inside the model (one call, a whole batch).",
            ["model"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.batch_size = Histogram(
            "serve_model_batch_size", "Inputs per model call (micro-batching groups requests).",
            ["model"], buckets=BATCH_BUCKETS, registry=r,
        )  # fmt: skip
        self.tokens = Counter(
            "serve_llm_tokens_generated_total", "Tokens the chat model generated.", ["model"],
            registry=r,
        )  # fmt: skip
        self.prompt_tokens = Counter(
            "serve_llm_prompt_tokens_total", "Prompt tokens the chat model read.", ["model"],
            registry=r,
        )  # fmt: skip
        self.time_to_first_token = Histogram(
            "serve_llm_time_to_first_token_seconds", "From request to the first streamed token.",
            ["model"], buckets=LATENCY_BUCKETS, registry=r,
        )  # fmt: skip
        self.model_loaded = Gauge(
            "serve_model_loaded", "1 when the model is loaded and serving.", ["model"], registry=r
        )

    def observe_model(self, model: str, seconds: float, batch: int = 1) -> None:
        """One model call of ``batch`` inputs took ``seconds``."""
        self.model_seconds.labels(model=model).observe(seconds)
        self.batch_size.labels(model=model).observe(batch)


SERIES = (
    "serve_http_requests_total",
    "serve_http_request_duration_seconds",
    "serve_http_requests_in_progress",
    "serve_model_inference_seconds",
    "serve_model_batch_size",
    "serve_llm_tokens_generated_total",
    "serve_llm_prompt_tokens_total",
    "serve_llm_time_to_first_token_seconds",
    "serve_model_loaded",
)
"""Every metric family the app exports (histograms add ``_bucket``, ``_sum`` and ``_count``)."""


def route_template(scope: Scope) -> str:
    """The path template of the route that answered (the router records it in the scope once it
    has matched), or ``unmatched`` for a 404: bounded label values."""
    route = scope.get("route")
    return str(getattr(route, "path_format", None) or getattr(route, "path", "unmatched"))


class JsonFormatter(logging.Formatter):
    """One JSON object per line: what log shippers (Loki, CloudWatch, ELK) parse without rules."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_logging(level: str = "info") -> None:
    """Send this package's logs and uvicorn's to stderr as JSON lines (uvicorn's access log is
    switched off: the middleware below writes a richer line per request)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    for name in (logger.name, "uvicorn", "uvicorn.error"):
        each = logging.getLogger(name)
        each.handlers[:] = [handler]
        each.setLevel(level.upper())
        each.propagate = False


def log(level: int, message: str, **fields: Any) -> None:
    """``log(logging.INFO, "model loaded", model="mnist", seconds=0.4)`` → one JSON line."""
    logger.log(level, message, extra={"fields": fields})


def request_id(headers: dict[bytes, bytes]) -> str:
    """The caller's ``X-Request-ID`` if it sent a sane one (so ids follow a request across
    services), else a new one."""
    given = headers.get(REQUEST_ID_HEADER.lower().encode(), b"").decode("latin-1")
    if 0 < len(given) <= 128 and given.isascii() and given.isprintable():
        return given
    return uuid.uuid4().hex


class Telemetry:
    """ASGI middleware: count, time and log every request; echo its id in the response headers.

    Written against raw ASGI rather than Starlette's ``BaseHTTPMiddleware``, which runs each
    request in an extra task with memory streams: under 32 concurrent clients that cost more than
    a small route itself (``scripts/bench_serving.py`` showed it as a long latency tail). Raw ASGI
    also times a streamed response to its last byte, not to its first.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app, self.metrics = app, metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = request_id(dict(scope["headers"]))
        scope.setdefault("state", {})["request_id"] = rid  # request.state.request_id in routes
        start, status = time.perf_counter(), 500  # 500: what the client sees if the app raises
        header = (REQUEST_ID_HEADER.encode(), rid.encode())
        started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, started
            if message["type"] == "http.response.start":
                status, started = message["status"], True
                message["headers"] = [*message.get("headers", []), header]
            await send(message)

        self.metrics.in_progress.inc()
        try:
            await self.app(scope, receive, send_with_id)
        except Exception:  # a bug: log it with its request id, answer JSON (if still possible)
            logger.exception("unhandled error", extra={"fields": {"request_id": rid}})
            status = 500
            if not started:
                body = {"detail": "internal server error", "request_id": rid}
                await JSONResponse(body, 500, headers={REQUEST_ID_HEADER: rid})(
                    scope, receive, send
                )
        finally:
            self.metrics.in_progress.dec()
            self._record(scope, status, time.perf_counter() - start, rid)

    def _record(self, scope: Scope, status: int, seconds: float, rid: str) -> None:
        route = route_template(scope)  # known only after routing
        labels = {"route": route, "method": scope["method"], "status": str(status)}
        self.metrics.requests.labels(**labels).inc()
        self.metrics.request_seconds.labels(**labels).observe(seconds)
        level = logging.ERROR if status >= 500 else logging.INFO
        log(level, "request", request_id=rid, method=scope["method"], route=route,
            path=scope["path"], status=status, ms=round(seconds * 1000, 2))  # fmt: skip

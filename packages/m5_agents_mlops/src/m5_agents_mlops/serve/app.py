"""The FastAPI application: lifespan, health, metrics, limits and error mapping around the routes.

    app = create_app(ServeConfig())          # production: models load in the lifespan
    app = create_app(services=Services(...))  # tests: models built by hand, nothing read from disk

Start-up (lifespan) loads every model once, before uvicorn accepts a connection, then starts the
MNIST micro-batcher. Shutdown (SIGTERM, Ctrl-C) first stops accepting and lets in-flight requests
finish (uvicorn's graceful shutdown), then ``/readyz`` turns 503 and the batcher stops.
"""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from starlette.concurrency import run_in_threadpool

from m2_classical_ml.errors import InvalidInputError
from m3_deep_learning.errors import BadImageError
from m4_genai.errors import LLMError
from m5_agents_mlops.serve import openai_api, routes
from m5_agents_mlops.serve.batching import BatcherClosed, MicroBatcher
from m5_agents_mlops.serve.config import ServeConfig
from m5_agents_mlops.serve.limits import BodyLimit
from m5_agents_mlops.serve.loading import load_services
from m5_agents_mlops.serve.schemas import Readiness
from m5_agents_mlops.serve.services import Services
from m5_agents_mlops.serve.telemetry import Metrics, Telemetry, log
from roadmap_data.errors import RoadmapError

BAD_INPUT = (BadImageError, InvalidInputError)
"""The months' own input errors: the client's fault, so 422 with the message."""
ERROR_RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {"description": "The body cannot be parsed at all (not UTF-8 JSON, broken multipart)."},
    413: {"description": "The body is over the size limit (--max-body-mb)."},
    503: {"description": "The model is not loaded (the detail says how to load it), or the "
                         "server is shutting down."},
}  # fmt: skip
"""Answers every model route may give besides its own, documented so clients (and the
schemathesis run in the tests) know them."""


def start_batcher(services: Services, config: ServeConfig, metrics: Metrics) -> None:
    """Put a MicroBatcher in front of the MNIST model (when batching is on and it is loaded)."""
    if services.mnist is None or not config.batching:
        return
    services.mnist_batcher = MicroBatcher(
        services.mnist.predict, config.max_batch, config.max_wait_ms / 1000,
        on_batch=lambda rows, seconds: metrics.observe_model("mnist", seconds, rows),
    )  # fmt: skip
    services.mnist_batcher.start()


def create_app(
    config: ServeConfig | None = None,
    services: Services | None = None,
    metrics: Metrics | None = None,
) -> FastAPI:
    """The app; ``services`` given: serve those (tests), else load ``config``'s in the lifespan."""
    config = config or ServeConfig()
    metrics = metrics or Metrics()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        loaded = services or await run_in_threadpool(load_services, config)
        start_batcher(loaded, config, metrics)
        for name, ready in loaded.loaded().items():
            metrics.model_loaded.labels(model=name).set(int(ready))
        app.state.services, app.state.ready = loaded, True
        # Everything loaded so far (modules, model weights, tokenizers: millions of objects)
        # lives as long as the process: move it out of the garbage collector's sight, so a full
        # collection under load no longer walks them and stalls the event loop (the p99 tail).
        gc.freeze()
        log(logging.INFO, "ready", models=loaded.loaded())
        yield
        app.state.ready = False  # uvicorn has stopped accepting and drained in-flight requests
        if loaded.mnist_batcher is not None:
            await loaded.mnist_batcher.close()
        log(logging.INFO, "stopped")

    app = FastAPI(
        title="ai-roadmap serve",
        version="0.1.0",
        summary="Months 2–4 models behind one API, with an OpenAI-compatible chat endpoint.",
        lifespan=lifespan,
    )
    app.state.metrics, app.state.ready = metrics, False
    app.state.services = services or Services()
    # The last middleware added runs first: telemetry wraps the body limit, so 413s are counted.
    app.add_middleware(BodyLimit, max_bytes=int(config.max_body_mb * 1024 * 1024))
    app.add_middleware(Telemetry, metrics=metrics)
    app.include_router(routes.router, responses=ERROR_RESPONSES)
    app.include_router(openai_api.router, responses=ERROR_RESPONSES)
    add_operations_routes(app)
    add_error_handlers(app)
    return app


def add_operations_routes(app: FastAPI) -> None:
    """What an orchestrator and Prometheus call: liveness, readiness, metrics."""

    @app.get("/healthz", tags=["operations"])
    async def healthz() -> dict[str, str]:
        """Alive: the process answers (a liveness probe restarts the container otherwise)."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"], response_model=Readiness,
             responses={503: {"model": Readiness}})  # fmt: skip
    async def readyz(request: Request) -> JSONResponse:
        """Ready: started, at least one model loaded, not draining for a shutdown (a load
        balancer sends traffic only then)."""
        services: Services = request.app.state.services
        ready = bool(request.app.state.ready) and any(services.loaded().values())
        body = Readiness(ready=ready, models=services.loaded(), missing=services.missing,
                         sources=services.sources)  # fmt: skip
        return JSONResponse(body.model_dump(), status_code=200 if ready else 503)

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    async def prometheus_metrics(request: Request) -> PlainTextResponse:
        """Every series of ``telemetry.Metrics``, in Prometheus' text format."""
        text = generate_latest(request.app.state.metrics.registry)
        return PlainTextResponse(text, media_type=CONTENT_TYPE_LATEST)


def add_error_handlers(app: FastAPI) -> None:
    """Known failures → a status and a reason; only a bug in this code gives a 500."""

    @app.exception_handler(RoadmapError)
    async def roadmap_error(request: Request, error: RoadmapError) -> JSONResponse:
        if isinstance(error, BAD_INPUT):
            return JSONResponse({"detail": str(error)}, status_code=422)
        status = 503 if isinstance(error, BatcherClosed | LLMError) else 500
        log(logging.ERROR, "model error", error=str(error), kind=type(error).__name__)
        return JSONResponse({"detail": str(error)}, status_code=status)

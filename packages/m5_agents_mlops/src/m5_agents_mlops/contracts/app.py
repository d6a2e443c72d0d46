"""The Contract-QA application: the API, the web page, health, metrics and error mapping.

    app = create_app(build_context(config))   # `uv run contract-qa`: models, database, index
    app = create_app(context)                 # tests: a context made with a scripted model

Errors: each of our exception types carries its HTTP ``status`` (401 bad token, 404 not yours,
409 e-mail taken, 413/415/422 bad upload, 429 too many logins), so one handler maps them all to
``{"detail": reason}``; a body that fails validation is FastAPI's 422. Only a bug is a 500, and
then the answer is still JSON with a request id to find the log line (``serve.telemetry``).
"""

from __future__ import annotations

import logging
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response
from fastapi.staticfiles import StaticFiles
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from m4_genai.errors import LLMError
from m5_agents_mlops.contracts import routes_admin, routes_auth, routes_documents, routes_questions
from m5_agents_mlops.contracts.context import AppContext
from m5_agents_mlops.serve.limits import BodyLimit
from m5_agents_mlops.serve.telemetry import Metrics, Telemetry, log
from roadmap_data.errors import RoadmapError

STATIC = Path(str(resources.files("m5_agents_mlops.contracts") / "static"))
"""The web page, built from ``packages/m5_agents_mlops/frontend`` by Vite and committed."""
MULTIPART_SLACK = 64 * 1024
"""Room in the body limit for the multipart framing around an upload of the maximum size."""


def create_app(context: AppContext, metrics: Metrics | None = None) -> FastAPI:
    app = FastAPI(
        title="Contract-QA",
        version="0.1.0",
        summary="Upload contracts, ask questions, get answers that cite the clauses.",
    )
    app.state.context, app.state.metrics = context, metrics or Metrics()
    app.add_middleware(BodyLimit, max_bytes=context.library.max_upload_bytes + MULTIPART_SLACK)
    app.add_middleware(Telemetry, metrics=app.state.metrics)
    app.middleware("http")(security_headers)
    for module in (routes_auth, routes_documents, routes_questions, routes_admin):
        app.include_router(module.router)
    add_operations_routes(app)
    add_error_handlers(app)
    add_web_page(app)
    return app


async def security_headers(request: Request, call_next: Any) -> Response:
    """Headers every answer carries: no MIME sniffing, no framing (clickjacking), no referrer
    leaking document ids to other sites."""
    response = await call_next(request)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    return response


def add_operations_routes(app: FastAPI) -> None:
    @app.get("/healthz", tags=["operations"])
    def healthz() -> dict[str, str]:
        """Alive: the process answers."""
        return {"status": "ok"}

    @app.get("/readyz", tags=["operations"])
    def readyz(request: Request) -> JSONResponse:
        """Ready: the database answers a query."""
        from sqlalchemy import text

        try:
            with request.app.state.context.sessions() as session:
                session.execute(text("SELECT 1"))
        except Exception as error:  # any driver error means: do not send traffic here
            log(logging.ERROR, "database unreachable", error=str(error)[:300])
            return JSONResponse({"ready": False, "detail": "database unreachable"}, status_code=503)
        return JSONResponse({"ready": True})

    @app.get("/metrics", tags=["operations"], response_class=PlainTextResponse)
    def prometheus_metrics(request: Request) -> PlainTextResponse:
        """Request counts and latencies, model timings (Prometheus text format)."""
        text = generate_latest(request.app.state.metrics.registry)
        return PlainTextResponse(text, media_type=CONTENT_TYPE_LATEST)


def add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RoadmapError)
    async def known_error(request: Request, error: RoadmapError) -> JSONResponse:
        status = getattr(error, "status", None)
        if status is None:  # not the client's doing: the reason goes to the log, not to them
            request_id = getattr(request.state, "request_id", None)
            log(logging.ERROR, "unexpected error", error=str(error), kind=type(error).__name__,
                request_id=request_id)  # fmt: skip
            status = 503 if isinstance(error, LLMError) else 500
            detail = "the model is unavailable" if status == 503 else "internal server error"
            return JSONResponse({"detail": detail, "request_id": request_id}, status_code=status)
        headers = {}
        if status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        if getattr(error, "retry_after_s", None) is not None:
            headers["Retry-After"] = str(error.retry_after_s)
        return JSONResponse({"detail": str(error)}, status_code=status, headers=headers)


def add_web_page(app: FastAPI) -> None:
    """The built single-page app: assets under /assets, index.html for every other page."""
    index = STATIC / "index.html"
    if (STATIC / "assets").is_dir():
        app.mount("/assets", StaticFiles(directory=STATIC / "assets"), name="assets")

    @app.get("/", include_in_schema=False)
    def web_page() -> FileResponse:
        return FileResponse(index, headers={"Cache-Control": "no-cache"})

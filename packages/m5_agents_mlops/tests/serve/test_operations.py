"""What operations rely on: health and readiness, metrics, request ids, JSON logs, start-up rules,
and a graceful stop of the real ``serve`` process."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from m5_agents_mlops.cli.serve import main as serve_main
from m5_agents_mlops.serve.app import create_app
from m5_agents_mlops.serve.config import ServeConfig, from_environment
from m5_agents_mlops.serve.demo import PASSENGER, sample_digits
from m5_agents_mlops.serve.loading import load_services
from m5_agents_mlops.serve.server import free_port
from m5_agents_mlops.serve.services import Services
from m5_agents_mlops.serve.telemetry import SERIES, JsonFormatter
from roadmap_data.errors import ConfigError, RoadmapError


def test_health_readiness_and_request_ids(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200 and all(ready.json()["models"].values())
    assert ready.json()["sources"]["mnist"].endswith("best.pt")
    echoed = client.get("/healthz", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["X-Request-ID"] == "abc-123"
    fresh = client.get("/healthz", headers={"X-Request-ID": "x" * 500}).headers["X-Request-ID"]
    assert len(fresh) == 32  # an unreasonable id is replaced, not echoed


def test_metrics_export_every_series_with_route_templates(client: TestClient) -> None:
    images, _ = sample_digits(2)
    client.post("/v1/predict/mnist", json={"images": images.tolist()})
    client.post("/v1/predict/titanic", json={**PASSENGER, "age": -1})  # a 422
    client.get("/no/such/page")
    client.post("/v1/chat/completions", json={"model": client.get("/v1/models").json()["data"][0]["id"],
                                              "messages": [{"role": "user", "content": "hi"}],
                                              "stream": True})  # fmt: skip
    text = client.get("/metrics").text
    for series in SERIES:
        assert f"# TYPE {series} " in text or f"# TYPE {series.removesuffix('_total')} " in text
    assert 'route="/v1/predict/mnist",status="200"' in text
    assert 'route="/v1/predict/titanic",status="422"' in text
    assert 'route="unmatched"' in text and "/no/such/page" not in text  # bounded labels
    assert 'serve_model_batch_size_count{model="mnist"}' in text
    assert "serve_llm_time_to_first_token_seconds_count{model=" in text
    assert 'serve_model_loaded{model="rag"} 1.0' in text


def test_log_lines_are_json_with_the_request_fields() -> None:
    record = logging.LogRecord("m5", logging.INFO, __file__, 1, "request", None, None)
    record.fields = {"request_id": "r1", "status": 200, "ms": 1.5}
    line = json.loads(JsonFormatter().format(record))
    assert line["message"] == "request" and line["request_id"] == "r1" and line["status"] == 200


def test_settings_from_the_environment_and_their_errors() -> None:
    values = from_environment({"SERVE_PORT": "9000", "SERVE_BATCHING": "false",
                               "SERVE_MNIST": "models:/mnist@champion", "OTHER": "x"})  # fmt: skip
    assert values == {"port": 9000, "batching": False, "mnist": "models:/mnist@champion"}
    with pytest.raises(ConfigError, match="SERVE_PORT"):
        from_environment({"SERVE_PORT": "eighty"})
    with pytest.raises(ConfigError, match=r"unknown setting.*SERVE_MNSIT"):
        from_environment({"SERVE_MNSIT": "best.pt"})  # a typo must not start without the model
    with pytest.raises(ConfigError, match="SERVE_BATCHING='flase'"):
        from_environment({"SERVE_BATCHING": "flase"})
    with pytest.raises(ConfigError, match="log_level"):
        ServeConfig(log_level="loud")


def test_a_model_named_explicitly_must_load(tmp_path: Path) -> None:
    with pytest.raises(RoadmapError, match="no such file"):
        load_services(
            ServeConfig(mnist=str(tmp_path / "missing.pt"), embedder=False, llm="scripted")
        )


def test_defaults_that_are_absent_are_switched_off_with_the_command(
    tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("AI_ROADMAP_DATA", str(tmp_path))
    services = load_services(ServeConfig(embedder=False, llm="scripted"))
    assert services.mnist is None and "uv run train-mnist" in services.missing["mnist"]
    assert "uv run titanic" in services.missing["titanic"]
    assert "embedder" in services.missing["rag"]
    assert services.chat is not None


def wait_ready(url: str, process: subprocess.Popen[Any], seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read() if process.stderr else ""
        try:
            if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("serve did not become ready")


@pytest.mark.slow
def test_serve_stops_gracefully_on_sigterm(demo_models: dict[str, Any]) -> None:
    """The real process: JSON logs, a request answered, SIGTERM → drained and shut down."""
    port = free_port()
    command = [sys.executable, "-m", "m5_agents_mlops.cli.serve", "--port", str(port),
               "--mnist", demo_models["mnist"], "--no-embedder", "--llm", "scripted",
               "--drain-s", "1.5"]  # fmt: skip
    env = {**os.environ, "SERVE_MAX_WAIT_MS": "1"}
    process = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = f"http://127.0.0.1:{port}"
        wait_ready(url, process)
        images, _ = sample_digits(3)
        answered = httpx.post(f"{url}/v1/predict/mnist", json={"images": images.tolist()})
        assert answered.status_code == 200 and len(answered.json()["predictions"]) == 3
        process.send_signal(signal.SIGTERM)
        time.sleep(0.3)  # draining: still answering, but no longer ready
        assert httpx.get(f"{url}/readyz").status_code == 503
        assert (
            httpx.post(f"{url}/v1/predict/mnist", json={"images": images.tolist()}).status_code
            == 200
        )
        # uvicorn drains, runs the lifespan's shutdown, then re-raises the signal so a
        # supervisor sees how the process ended: -SIGTERM here, exit code 143 in a container.
        assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    finally:
        process.kill()
    lines = [
        json.loads(line) for line in process.stderr.read().splitlines() if line.startswith("{")
    ]
    messages = [line["message"] for line in lines]
    assert "ready" in messages and "stopped" in messages  # the lifespan shutdown ran
    assert any(line.get("route") == "/v1/predict/mnist" for line in lines)


def test_serve_refuses_to_start_when_a_named_model_is_missing(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    code = serve_main(["--port", str(free_port()), "--titanic", str(tmp_path / "nope.skops"),
                       "--no-embedder", "--llm", "scripted"])  # fmt: skip
    assert code == 2  # the start-up error, in one line, and no server left running
    assert "nope.skops" in capsys.readouterr().err


def test_a_bug_is_a_json_500_with_the_request_id_and_a_logged_traceback(caplog) -> None:  # type: ignore[no-untyped-def]
    app = create_app(services=Services())

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    with TestClient(app, raise_server_exceptions=False) as client, caplog.at_level(logging.ERROR):
        response = client.get("/boom", headers={"X-Request-ID": "req-42"})
    assert response.status_code == 500
    assert response.json() == {"detail": "internal server error", "request_id": "req-42"}
    assert response.headers["X-Request-ID"] == "req-42"
    [record] = [r for r in caplog.records if r.getMessage() == "unhandled error"]
    assert record.fields["request_id"] == "req-42" and "a bug" in str(record.exc_info[1])

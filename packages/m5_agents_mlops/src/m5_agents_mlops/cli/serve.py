"""``serve``: months 2–4's models behind one HTTP API, the way a team ships them.

    uv run serve                                   # http://127.0.0.1:8000/docs
    uv run serve --mnist models:/mnist@champion    # a model from the MLflow registry
    uv run serve --llm openai --base-url http://localhost:11434/v1 --model qwen2.5:0.5b
    uv run serve --smoke                           # tiny models, one checked request per route

Routes: POST /v1/predict/mnist (JSON arrays or PNG/JPEG uploads), /v1/predict/titanic,
/v1/embed, /v1/rag/ask, and the OpenAI-compatible /v1/chat/completions (streaming, tools) and
/v1/models, so the `openai` client and LangChain's ChatOpenAI talk to it unchanged
(base_url="http://127.0.0.1:8000/v1"). Operations: /healthz, /readyz, /metrics (Prometheus).
Each setting is also read from SERVE_<NAME> (SERVE_PORT=9000); flags win. Models left unset
load from data/ when they are there; the log says how to make the missing ones.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from m5_agents_mlops.serve.config import ServeConfig, from_environment
from roadmap_data.console import console, friendly_errors, print_table
from roadmap_data.runkit import RunParser, save_metrics

if TYPE_CHECKING:
    from m5_agents_mlops.serve.demo import SmokeReport

FLAGS = ["host", "port", "mnist", "titanic", "mlflow_uri", "embedder", "index", "chroma_url", "llm",
         "model", "base_url", "llm_threads", "max_tokens", "chat_timeout_s", "batching", "max_batch",
         "max_wait_ms", "threads", "max_body_mb", "drain_s", "log_level"]  # fmt: skip


def run_smoke(config: ServeConfig) -> SmokeReport:
    """Tiny models in a temporary folder, the app on a free port, every route called once."""
    from m5_agents_mlops.serve.app import create_app
    from m5_agents_mlops.serve.demo import build_demo_models, exercise
    from m5_agents_mlops.serve.server import serve_in_thread

    with tempfile.TemporaryDirectory(prefix="serve-smoke-") as scratch:
        console.print("[dim]training tiny models and a three-section index (seconds)…[/dim]")
        demo = build_demo_models(Path(scratch))
        config = config.replace(**demo)
        with serve_in_thread(create_app(config), config.host, config.port) as base_url:
            return exercise(base_url, Path(demo["mnist"]))


@friendly_errors
def main(argv: list[str] | None = None) -> int:
    parser = RunParser("serve", __doc__, ServeConfig, flags=FLAGS,
                       preset_help="cpu (default); --smoke: tiny models, each route once")  # fmt: skip
    args = parser.parse_args(argv)
    config = parser.config(args, **{k: v for k, v in from_environment().items()
                                     if getattr(args, k, None) is None})  # fmt: skip
    # Imported now, not at the top: torch, the months' models and MLflow cost seconds that
    # `serve --help` should not pay.
    from m5_agents_mlops.serve.app import create_app
    from m5_agents_mlops.serve.loading import load_services
    from m5_agents_mlops.serve.server import run_forever
    from m5_agents_mlops.serve.telemetry import configure_logging

    configure_logging(config.log_level)
    if not args.smoke:
        # Loaded before uvicorn starts, so a model that cannot load is one clear line, exit 2.
        app = create_app(config, services=load_services(config))
        run_forever(app, config.host, config.port, config.drain_s)
        return 0
    report = run_smoke(config)
    rows = [(r["route"], r["status"], r["ms"], r["check"]) for r in report.rows]
    print_table("serve --smoke", ["request", "status", "ms", "checked"], rows)
    console.print(f"metrics → {save_metrics(report, config, config.out)}")
    return 0


if __name__ == "__main__":  # `python -m m5_agents_mlops.cli.serve`
    raise SystemExit(main())

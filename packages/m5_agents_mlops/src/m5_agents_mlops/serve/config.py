"""Settings of ``uv run serve``: where each model comes from, limits, batching, the chat model.

Every field is a flag (``serve --help``) and has a ``SERVE_<FIELD>`` environment variable, the way
a container is configured (``SERVE_MNIST=models:/mnist@champion``); a flag beats the variable.
A model left at None is loaded from its default place if it is there, and is otherwise switched
off with a line saying how to make it; a model named explicitly must load, or start-up fails.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, ClassVar

from m4_genai.llm.factory import Kind
from roadmap_data.runkit import RunConfig, require, require_at_least
from roadmap_data.runkit.config import conform, type_hints

ENV_PREFIX = "SERVE_"
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")


@dataclass(frozen=True, kw_only=True)
class ServeConfig(RunConfig):
    """One ``serve`` process."""

    PRESETS: ClassVar = {
        # --smoke: tiny models trained on the spot, one request per route, then stop.
        "tiny": {"llm": "scripted", "port": 0},
        "cpu": {},
        "full": {},
    }

    host: str = "127.0.0.1"
    """Interface to listen on (0.0.0.0 inside a container)."""
    port: int = 8000
    """TCP port (0: any free port)."""
    mnist: str | None = None
    """MNIST model: a train-mnist checkpoint, or models:/NAME@ALIAS or models:/NAME/VERSION from the MLflow registry (None: data/runs/train-mnist/best.pt if it exists)."""
    titanic: str | None = None
    """Titanic model: a titanic model.skops, or a models:/ URI (None: data/runs/titanic/model.skops if it exists)."""
    mlflow_uri: str | None = None
    """MLflow tracking/registry URI for models:/ URIs (None: $MLFLOW_TRACKING_URI, else data/mlruns)."""
    embedder: bool = True
    """Serve /v1/embed with the MiniLM sentence embedder (it ships with the package)."""
    index: Path | None = None
    """RAG index folder made by `rag index` (None: data/indexes/rag if it exists)."""
    chroma_url: str | None = None
    """Read the RAG vectors from a Chroma server instead of the index folder."""
    llm: Kind | None = None
    """Chat model behind /v1/chat/completions and /v1/rag/ask: local (llama.cpp), openai (a server), scripted; None: $AI_ROADMAP_LLM, else local."""
    model: str | None = None
    """local: a catalogue model (default: the best installed); openai: the server's model name."""
    base_url: str | None = None
    """openai: the upstream server's URL (e.g. http://localhost:11434/v1)."""
    llm_threads: int = 1
    """local: llama.cpp threads (1 leaves a core for the web server)."""
    max_tokens: int = 512
    """Default completion length when a request gives none."""
    chat_timeout_s: float = 120.0
    """Seconds a chat request may wait for the model, and then generate (503 or a cut answer beyond)."""
    batching: bool = True
    """Micro-batch concurrent MNIST requests into one model call."""
    max_batch: int = 64
    """Most digits in one model call (also the most one request may send)."""
    max_wait_ms: float = 0.0
    """How long the first request of a batch waits for others (0: none; batches still form from the requests that queue while the model runs: measured best, see the README)."""
    threads: int = 1
    """PyTorch threads for MNIST and the embedder (one uvicorn worker: the loop needs a core)."""
    max_body_mb: float = 8.0
    """Largest request body accepted (413 beyond it)."""
    drain_s: float = 3.0
    """On SIGTERM, seconds to keep serving with /readyz at 503 before stopping (so a load balancer stops sending first)."""
    log_level: str = "info"
    """debug, info, warning or error (JSON lines on stderr)."""

    def validate(self) -> None:
        require(0 <= self.port <= 65535, "port must be in 0..65535")
        require_at_least(1, max_batch=self.max_batch, threads=self.threads,
                         llm_threads=self.llm_threads, max_tokens=self.max_tokens)  # fmt: skip
        require_at_least(0, max_wait_ms=self.max_wait_ms)
        require_at_least(1, chat_timeout_s=self.chat_timeout_s)
        require(self.max_body_mb > 0, "max_body_mb must be > 0")
        require_at_least(0, drain_s=self.drain_s)
        levels = ("debug", "info", "warning", "error")
        require(self.log_level in levels, f"log_level must be one of {', '.join(levels)}")


def from_environment(
    environ: dict[str, str] | None = None,
    config_class: type[RunConfig] = ServeConfig,
    prefix: str = ENV_PREFIX,
) -> dict[str, Any]:
    """``<prefix><FIELD>`` variables (``SERVE_PORT``) as typed values of ``config_class``'s fields;
    a bad value names its variable, and an unknown ``<prefix>`` name (a typo) is refused."""
    environ = dict(os.environ if environ is None else environ)
    hints = type_hints(config_class)
    names = {prefix + field.name.upper() for field in fields(config_class) if field.init}
    unknown = sorted(key for key in environ if key.startswith(prefix) and key not in names)
    require(
        not unknown, f"unknown setting(s) {', '.join(unknown)}; known: {', '.join(sorted(names))}"
    )
    values: dict[str, Any] = {}
    for field in fields(config_class):
        raw = environ.get(prefix + field.name.upper())
        if raw is None or not field.init:
            continue
        hint = hints[field.name]
        text: Any = raw
        if "bool" in str(hint):
            word = raw.strip().lower()
            require(word in TRUE + FALSE, f"{prefix}{field.name.upper()}={raw!r}: use "
                    f"{'/'.join(TRUE)} or {'/'.join(FALSE)}")  # fmt: skip
            text = word in TRUE
        elif "int" in str(hint) and "str" not in str(hint):
            text = _number(raw, int, prefix + field.name.upper())
        elif "float" in str(hint):
            text = _number(raw, float, prefix + field.name.upper())
        elif "Path" in str(hint):
            text = Path(raw)
        ok, value = conform(text, hint)
        require(ok, f"{prefix}{field.name.upper()}={raw!r} is not a valid {field.name}")
        values[field.name] = value
    return values


def _number(raw: str, kind: type, variable: str) -> Any:
    try:
        return kind(raw)
    except ValueError:
        require(False, f"{variable}={raw!r} is not a number")

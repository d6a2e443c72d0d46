"""Settings of ``uv run contract-qa``: where the data lives, limits, the chat model.

Every field is a flag (``contract-qa --help``) and a ``CONTRACT_QA_<FIELD>`` environment variable
(``CONTRACT_QA_DATABASE_URL=postgresql://...``); ``DATABASE_URL`` is read too, the name every
hosting platform uses. Defaults run the whole product on one machine: an SQLite file and an
embedded Chroma index under ``data/contract-qa/``. Scaling out is configuration: PostgreSQL by
``database_url`` and a Chroma server by ``chroma_url``, shared by several API processes.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from m4_genai.llm.factory import Kind
from m5_agents_mlops.serve.config import from_environment
from roadmap_data.paths import data_dir
from roadmap_data.runkit import RunConfig, require, require_at_least

ENV_PREFIX = "CONTRACT_QA_"


@dataclass(frozen=True, kw_only=True)
class ContractQAConfig(RunConfig):
    """One Contract-QA server."""

    PRESETS: ClassVar = {
        "tiny": {"llm": "scripted", "port": 0},  # --smoke: scripted answers, any free port
        "cpu": {},
        "full": {},
    }

    host: str = "127.0.0.1"
    """Interface to listen on (0.0.0.0 inside a container)."""
    port: int = 8010
    """TCP port (0: any free port)."""
    home: Path | None = None
    """Folder for the database file, the index and the secret key (None: <data dir>/contract-qa)."""
    database_url: str | None = None
    """SQLAlchemy URL, e.g. postgresql://user@host/db (None: $DATABASE_URL, else an SQLite file in home)."""
    chroma_url: str | None = None
    """Keep the clause vectors on a Chroma server instead of the embedded index in home."""
    llm: Kind | None = None
    """Chat model that writes the answers: local (llama.cpp), openai (a server), scripted; None: $AI_ROADMAP_LLM, else local."""
    model: str | None = None
    """local: a catalogue model (default: the best installed); openai: the server's model name."""
    base_url: str | None = None
    """openai: the upstream server's URL."""
    llm_threads: int = 1
    """local: llama.cpp threads."""
    max_upload_mb: float = 10.0
    """Largest contract file accepted (413 beyond it)."""
    access_minutes: float = 15.0
    """Lifetime of an access token (a JWT); the web page renews it with its refresh token."""
    refresh_days: float = 14.0
    """Lifetime of a refresh token (each use replaces it; logging out revokes it)."""
    admins: str = ""
    """Comma-separated e-mail addresses allowed to read /admin/traces."""
    log_level: str = "info"
    """debug, info, warning or error (JSON lines on stderr)."""

    def validate(self) -> None:
        require(0 <= self.port <= 65535, "port must be in 0..65535")
        require(self.max_upload_mb > 0, "max_upload_mb must be > 0")
        require(self.access_minutes > 0 and self.refresh_days > 0, "token lifetimes must be > 0")
        require_at_least(1, llm_threads=self.llm_threads)
        levels = ("debug", "info", "warning", "error")
        require(self.log_level in levels, f"log_level must be one of {', '.join(levels)}")

    @property
    def folder(self) -> Path:
        """Where this server keeps its files."""
        return self.home or data_dir() / "contract-qa"

    @property
    def url(self) -> str:
        """The database URL in effect."""
        if self.database_url:
            return self.database_url
        if os.environ.get("DATABASE_URL"):
            return os.environ["DATABASE_URL"]
        return f"sqlite:///{self.folder / 'contract-qa.sqlite'}"

    @property
    def admin_emails(self) -> frozenset[str]:
        return frozenset(e.strip().lower() for e in self.admins.split(",") if e.strip())

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)


def settings_from_environment(environ: dict[str, str] | None = None) -> dict[str, Any]:
    """``CONTRACT_QA_<FIELD>`` variables as typed values (a typo in a name is an error)."""
    return from_environment(environ, ContractQAConfig, ENV_PREFIX)

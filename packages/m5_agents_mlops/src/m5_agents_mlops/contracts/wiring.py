"""Build a running Contract-QA from its settings: database (migrated), index, models, auth.

``build_context`` is what ``uv run contract-qa`` calls before the server starts, so a database
that cannot be reached or a model that cannot load is one clear line, not a server that starts
and then fails every request. Tests pass their own ``model`` (a scripted one) and ``embedder``.
"""

from __future__ import annotations

import threading
from typing import Any

from m4_genai.llm import ChatModel, load_chat_model
from m4_genai.retrieval.embedder import Embedder, default_embedder
from m5_agents_mlops.contracts.answering import CONTRACT_RAG, Answerer, OneAtATime
from m5_agents_mlops.contracts.auth import AuthSettings, load_or_create_secret
from m5_agents_mlops.contracts.clause_index import ClauseIndex
from m5_agents_mlops.contracts.context import AppContext
from m5_agents_mlops.contracts.db import make_engine, session_factory
from m5_agents_mlops.contracts.library import Library
from m5_agents_mlops.contracts.migrations import migrate
from m5_agents_mlops.contracts.ratelimit import LoginLimiter
from m5_agents_mlops.contracts.settings import ContractQAConfig
from m5_agents_mlops.contracts.tracing import DatabaseExporter, Tracing


def load_model(config: ContractQAConfig) -> ChatModel:
    """The chat model the settings name (``llm``, ``model``, ``base_url``, ``llm_threads``)."""
    options: dict[str, Any] = {"model": config.model, "base_url": config.base_url}
    if config.llm in (None, "local"):
        options["threads"] = config.llm_threads
    return load_chat_model(config.llm, **options)


def build_context(
    config: ContractQAConfig,
    *,
    model: ChatModel | None = None,
    embedder: Embedder | None = None,
    limiter: LoginLimiter | None = None,
) -> AppContext:
    """Everything the app serves, ready: the schema is migrated and the models are loaded."""
    config.folder.mkdir(parents=True, exist_ok=True)
    engine = make_engine(config.url)
    migrate(engine)  # idempotent; several processes starting at once take turns
    sessions = session_factory(engine)
    embedder = embedder or default_embedder()
    index = ClauseIndex(config.folder / "index", embedder, config.chroma_url, CONTRACT_RAG.mode)
    library = Library(sessions, index, config.max_upload_bytes)
    library.reconcile_all()  # index entries a crash left without their row (library.py)
    tracing = Tracing(DatabaseExporter(sessions))
    auth = AuthSettings(
        load_or_create_secret(config.folder / "secret.key"),
        access_ttl_s=round(config.access_minutes * 60),
        refresh_ttl_s=round(config.refresh_days * 24 * 3600),
    )
    lock = threading.Lock()
    answerer = Answerer(library, OneAtATime(model or load_model(config), lock), tracing)
    return AppContext(
        config, sessions, library, answerer, auth, limiter or LoginLimiter(), tracing,
        embed=embedder.embed, model_lock=lock,
    )  # fmt: skip

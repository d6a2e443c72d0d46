"""Start-up: turn a ``ServeConfig`` into loaded models, once, before the first request.

Rule: a model you asked for by name must load (a typo in a path should stop the deploy, not
surface as 503s later); a model left at its default loads if its file is there and is otherwise
switched off with the command that makes it. ``models:/`` URIs are read from the MLflow registry.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import torch

from m4_genai.llm import ChatModel, load_chat_model
from m4_genai.llm.factory import resolve_kind
from m4_genai.rag import RagConfig
from m4_genai.retrieval import ChunkIndex, Searcher, default_embedder, make_searcher
from m5_agents_mlops.serve.config import ServeConfig
from m5_agents_mlops.serve.predictors import MnistPredictor, TitanicPredictor
from m5_agents_mlops.serve.services import Services
from m5_agents_mlops.serve.telemetry import log
from roadmap_data import data_dir, runs_dir
from roadmap_data.errors import RoadmapError

RAG_COLLECTION = "documents"
"""The collection ``uv run rag index`` writes (month 4's command line)."""


class RagService:
    """A searcher over an index, answered by the server's chat model (month 4's chain)."""

    def __init__(self, searcher: Searcher, config: RagConfig, source: str) -> None:
        self.searcher, self.config, self.source = searcher, config, source


def model_file(given: str, filename: str, config: ServeConfig) -> tuple[Path, int | None]:
    """A local file for ``given`` and its registry version: itself (None), or the registered
    version's artefact ``filename`` (downloaded once into <data dir>/mlflow-cache)."""
    if not given.startswith("models:/"):
        return Path(given), None
    from roadmap_data.runkit.registry import resolve_model  # imports MLflow: only if used

    # None: $MLFLOW_TRACKING_URI, else data/mlruns, where `--mlflow` training runs register.
    found = resolve_model(given, filename, config.mlflow_uri)
    return found.path, found.version


def _load_model(
    services: Services,
    name: str,
    given: str | None,
    default: Path,
    hint: str,
    make: Callable[[Path, str], Any],
    filename: str,
    config: ServeConfig,
) -> None:
    """Load one file-backed model into ``services`` by the rule in the module docstring."""
    if given is None and not default.is_file():
        services.missing[name] = f"no model at {default}: {hint}"
        return
    source = given or str(default)
    path, version = model_file(source, filename, config)
    if not path.is_file():
        raise RoadmapError(f"--{name} {source}: no such file")
    setattr(services, name, make(path, source))
    # An alias moves: record which version it pointed to when this server loaded it.
    services.sources[name] = source if version is None else f"{source} (version {version})"


def load_chat(config: ServeConfig) -> ChatModel:
    """The chat model the config names, loaded now (a local GGUF is read at start-up)."""
    kind = resolve_kind(config.llm)
    options: dict[str, Any] = {"model": config.model, "max_tokens": config.max_tokens}
    if kind == "local":
        options["threads"] = config.llm_threads
    if kind == "openai":
        options["base_url"] = config.base_url
    if kind == "scripted":
        options = {}
    model = load_chat_model(kind, **options)
    if kind == "local":
        _ = model.loaded  # type: ignore[attr-defined]  # read the weights now, not at request 1
    return model


def load_services(config: ServeConfig) -> Services:
    """Every model of ``config``, loaded; see the module docstring for what may be missing."""
    start = time.perf_counter()
    torch.set_num_threads(config.threads)  # one uvicorn worker: leave a core for the event loop
    services = Services(chat_timeout_s=config.chat_timeout_s)
    _load_model(
        services, "mnist", config.mnist, runs_dir("train-mnist") / "best.pt",
        "train one with `uv run train-mnist`, or pass --mnist FILE|models:/mnist@champion",
        lambda path, source: MnistPredictor(path, source), "best.pt", config,
    )  # fmt: skip
    _load_model(
        services, "titanic", config.titanic, runs_dir("titanic") / "model.skops",
        "train one with `uv run titanic`, or pass --titanic FILE|models:/titanic@champion",
        lambda path, source: TitanicPredictor(path, source), "model.skops", config,
    )  # fmt: skip
    if config.embedder:
        services.embedder = default_embedder()
        services.embedder.embed(["warm-up"])  # load the weights now
        services.sources["embedder"] = services.embedder.name
    else:
        services.missing["embedder"] = "switched off (--no-embedder)"
    try:
        services.chat = load_chat(config)
        services.chat_name = services.chat.name
        services.sources["chat"] = f"{resolve_kind(config.llm)}:{services.chat.name}"
    except RoadmapError as error:
        if config.llm is not None or config.model is not None:
            raise  # asked for by name: a broken deploy must not look healthy
        services.missing["chat"] = str(error)
    _load_rag(services, config)
    for name, loaded in services.loaded().items():
        log(logging.INFO if loaded else logging.WARNING, "model", model=name, loaded=loaded,
            source=services.sources.get(name), missing=services.missing.get(name))  # fmt: skip
    log(logging.INFO, "models loaded", seconds=round(time.perf_counter() - start, 2))
    return services


def _load_rag(services: Services, config: ServeConfig) -> None:
    """RAG needs an index, the embedder that built it and the chat model."""
    folder = config.index or data_dir() / "indexes" / "rag"
    needs = [name for name in ("embedder", "chat") if getattr(services, name) is None]
    if needs:
        services.missing["rag"] = f"needs the {' and '.join(needs)} model(s)"
        if config.index is not None:
            raise RoadmapError(f"--index {folder}: {services.missing['rag']}")
        return
    if config.index is None and config.chroma_url is None and not folder.is_dir():
        services.missing["rag"] = f"no index at {folder}: build one with `uv run rag index DOCS`"
        return
    index = ChunkIndex(folder, RAG_COLLECTION, embedder=services.embedder,
                       chroma_url=config.chroma_url)  # fmt: skip
    if index.count() == 0:
        reason = f"the index at {folder} is empty: `uv run rag index DOCS` fills it"
        if config.index is not None:
            raise RoadmapError(f"--index: {reason}")
        services.missing["rag"] = reason
        return
    rag_config = RagConfig(max_new_tokens=min(config.max_tokens, 400))
    services.rag = RagService(make_searcher(index, rag_config.mode), rag_config, str(folder))
    services.sources["rag"] = str(folder)

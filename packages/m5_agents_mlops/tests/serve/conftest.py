"""One set of tiny real models for every serve test, built once per session (≈ 10 s)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from m5_agents_mlops.serve.app import create_app
from m5_agents_mlops.serve.config import ServeConfig
from m5_agents_mlops.serve.demo import build_demo_models


@pytest.fixture(scope="session")
def demo_models(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """ServeConfig fields of a tiny MNIST CNN, a Titanic pipeline and a three-section index."""
    return build_demo_models(tmp_path_factory.mktemp("serve-models"))


@pytest.fixture(scope="session")
def demo_config(demo_models: dict[str, Any]) -> ServeConfig:
    return ServeConfig(**demo_models, llm="scripted", max_wait_ms=5.0)


@pytest.fixture(scope="session")
def app(demo_config: ServeConfig) -> FastAPI:
    return create_app(demo_config)


@pytest.fixture(scope="session")
def client(app: FastAPI) -> Iterator[TestClient]:
    """The full app with every model loaded (the lifespan runs once)."""
    with TestClient(app) as test_client:
        yield test_client


@pytest.fixture(scope="session")
def checkpoint(demo_models: dict[str, Any]) -> Path:
    return Path(demo_models["mnist"])

"""Fixtures shared by the Contract-QA tests: a real PostgreSQL server, started on demand, and a
running Contract-QA server on loopback."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest


def _load_helper(stem: str = "postgres") -> ModuleType:
    # pytest runs with --import-mode=importlib and this folder is not a package, so the helpers
    # beside this file are loaded by path rather than by `import postgres`.
    name = f"m5_contracts_tests_{stem}"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name(f"{stem}.py"))
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


postgres = _load_helper()
api_support = _load_helper("api_support")
api_scenarios = _load_helper("api_scenarios")  # imports api_support: loaded after it
api_idor = _load_helper("api_idor")  # imports both
# Imported by name (`from m5_contracts_tests_... import`) in the test modules that use them.
_load_helper("db_support")
_load_helper("facts_support")


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """``postgresql://postgres@127.0.0.1:PORT/contractqa`` of a throw-away server (one per test
    process). Skipped, with the reason, only where the server binaries are absent: where they
    exist, a server that will not start is a failure, not something to hide."""
    if postgres.find_bindir() is None:
        pytest.skip("PostgreSQL server binaries not found (apt-get install postgresql)")
    with postgres.running_postgres() as url:
        yield url


@pytest.fixture
def contract_qa_url(make_contract_qa: Any) -> Iterator[str]:
    """Base URL of a real Contract-QA server (API + built UI) on a free loopback port: an app of
    ``make_contract_qa`` (its own SQLite file and index, the extractive stand-in model, so the
    answers are deterministic, the real MiniLM, so retrieval is the product's own, and
    ``admin@example.com`` as admin) served by uvicorn."""
    from m5_agents_mlops.contracts.app import create_app
    from m5_agents_mlops.serve.server import serve_in_thread

    app = make_contract_qa()
    with serve_in_thread(create_app(app.ctx), host="127.0.0.1", port=0) as url:
        yield url


@pytest.fixture(scope="session")
def embedder() -> Any:
    """The real MiniLM embedder, loaded once per test process and shared by every app; it
    remembers vectors, so a sample contract uploaded by several tests is embedded once."""
    from m4_genai.retrieval.embedder import default_embedder

    shared = api_support.CachedEmbedder(default_embedder())
    shared.embed(["load the weights now"])  # the seconds show in the setup, not in one test
    return shared


@pytest.fixture
def make_session(tmp_path: Path) -> Iterator[Any]:
    """``make_session() -> Session`` on a fresh SQLite file with the models' tables, for the
    auth and token tests; the engine is disposed at the end of the test."""
    from m5_agents_mlops.contracts.db import Base, make_engine, session_factory

    engine = make_engine(f"sqlite:///{tmp_path / 'auth.sqlite'}")
    Base.metadata.create_all(engine)  # test_db proves the migrations build the same schema
    yield session_factory(engine)
    engine.dispose()


@pytest.fixture
def session(make_session: Any) -> Iterator[Any]:
    """One open session from ``make_session``, closed after the test."""
    with make_session() as session:
        yield session


@pytest.fixture(scope="session")
def support() -> ModuleType:
    """``api_support``: the helpers and small contracts the API tests share."""
    return api_support


@pytest.fixture(scope="session")
def scenarios() -> ModuleType:
    """``api_scenarios``: the whole flow, run on both SQLite and PostgreSQL."""
    return api_scenarios


@pytest.fixture(scope="session")
def idor() -> ModuleType:
    """``api_idor``: the IDOR matrix, run on both SQLite and PostgreSQL."""
    return api_idor


@pytest.fixture(scope="module")
def make_contract_qa(tmp_path_factory: pytest.TempPathFactory, embedder: Any) -> Iterator[Any]:
    """``make(model=None, database_url=None, limiter=None, **config) -> ContractQA``: a fresh
    app (its own SQLite file and index unless ``database_url`` names another database) with the
    extractive stand-in model unless ``model`` is given, and ``admin@example.com`` as admin.
    Module-scoped, so a module may share one app between its tests; apps close at its end.

    Passwords are hashed with argon2id at test strength (1 pass, 1 MiB): the production
    parameters cost half a second per sign-up or login on a busy 2-core runner, and the API
    tests make dozens. ``test_auth.py`` covers the real parameters."""
    from argon2 import PasswordHasher
    from fastapi.testclient import TestClient

    from m4_genai.llm.scripted import ExtractiveChatModel
    from m5_agents_mlops.contracts import auth
    from m5_agents_mlops.contracts.app import create_app
    from m5_agents_mlops.contracts.settings import ContractQAConfig
    from m5_agents_mlops.contracts.wiring import build_context

    fast = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    patch = pytest.MonkeyPatch()
    for function in (auth.signup, auth.login):  # the routes call them with the default hasher
        patch.setitem(function.__kwdefaults__, "hasher", fast)
    made: list[Any] = []

    def make(
        *, model: Any = None, database_url: str | None = None, limiter: Any = None, **config: Any
    ) -> Any:
        home = tmp_path_factory.mktemp("contract-qa")
        # Spelled out, so that a $DATABASE_URL in the environment cannot redirect the rows.
        url = database_url or f"sqlite:///{home / 'contract-qa.sqlite'}"
        settings = ContractQAConfig(home=home, database_url=url, admins=api_support.ADMIN, **config)
        context = build_context(
            settings, model=model or ExtractiveChatModel(), embedder=embedder, limiter=limiter
        )
        app = api_support.ContractQA(context, TestClient(create_app(context)))
        made.append(app)
        return app

    yield make
    patch.undo()
    for app in made:
        app.client.close()
        app.ctx.tracing.shutdown()
        bind = app.ctx.sessions.kw.get("bind")
        if bind is not None:
            bind.dispose()  # close the pool: PostgreSQL databases can then be dropped


@pytest.fixture
def contract_qa(make_contract_qa: Any) -> Any:
    """A fresh app on SQLite with the extractive model (see ``make_contract_qa``)."""
    return make_contract_qa()

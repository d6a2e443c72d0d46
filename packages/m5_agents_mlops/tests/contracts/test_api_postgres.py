"""The API on a real PostgreSQL server: the whole flow and the IDOR matrix, as on SQLite.

Each test gets a database of its own on the session's throw-away server (``postgres_url``), built
by the same Alembic migrations; it is dropped afterwards. Skipped, with the reason, only where the
server binaries are absent (CI: ``apt-get install postgresql``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest

# Loaded by conftest.py before this module (this folder is not a package).
from m5_contracts_tests_api_idor import IdorMatrix  # type: ignore[import-not-found]


@pytest.fixture(scope="module")
def new_database(postgres_url: str) -> Iterator[Callable[[], str]]:
    """``make() -> url`` of a fresh, empty database on the test server."""
    import psycopg

    created: list[str] = []

    def make() -> str:
        name = f"api_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(postgres_url, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        created.append(name)
        return f"{postgres_url.rsplit('/', 1)[0]}/{name}"

    yield make
    with psycopg.connect(postgres_url, autocommit=True) as connection:
        for name in created:  # FORCE: closes what a failed test may have left connected
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_whole_flow_on_postgres(
    new_database: Callable[[], str], make_contract_qa: Any, scenarios: ModuleType
) -> None:
    app = make_contract_qa(database_url=new_database())
    assert app.ctx.sessions.kw["bind"].dialect.name == "postgresql"
    scenarios.core_flow(app)


@pytest.fixture(scope="module")
def world(new_database: Callable[[], str], make_contract_qa: Any, idor: ModuleType) -> Any:
    """A and B on one app whose database is PostgreSQL, for ``TestIdorOnPostgres``."""
    # new_database comes first, so it is torn down last: the app's pool is closed before the drop.
    return idor.make_world(make_contract_qa(database_url=new_database()))


class TestIdorOnPostgres(IdorMatrix):
    """The IDOR matrix of ``test_api_security.py``, on PostgreSQL (the tests: ``api_idor``)."""

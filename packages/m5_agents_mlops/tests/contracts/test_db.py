"""Contract-QA's database: the migrations build exactly the models, and the constraints hold."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

# Loaded by conftest.py before this module (this folder is not a package).
from m5_contracts_tests_db_support import migrate_concurrently  # type: ignore[import-not-found]
from sqlalchemy import Engine, delete, exc, func, inspect, select
from sqlalchemy.orm import Session

from m5_agents_mlops.contracts.db import (
    Base,
    Clause,
    Document,
    RefreshToken,
    User,
    default_database_url,
    make_engine,
    normalise_url,
    session_factory,
)
from m5_agents_mlops.contracts.migrations import current_revision, downgrade, migrate

TABLES = {
    "users",
    "refresh_tokens",
    "login_attempts",
    "documents",
    "document_files",
    "clauses",
    "spans",
}


def schema_diff(engine: Engine) -> list[object]:
    """Alembic autogenerate's differences between the live schema and the models."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return list(compare_metadata(context, Base.metadata))


@pytest.fixture
def url(tmp_path: Path) -> str:
    return default_database_url(tmp_path)


@pytest.fixture
def engine(url: str) -> Iterator[Engine]:
    migrate(url)
    engine = make_engine(url)
    yield engine
    engine.dispose()


def test_migrations_build_exactly_the_models_and_round_trip(url: str) -> None:
    migrate(url)
    engine = make_engine(url)
    try:
        assert schema_diff(engine) == []
        with engine.connect() as connection:
            assert current_revision(connection) == "0001"
        downgrade(url, "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        # The comparison has teeth: with the tables gone it reports each one as missing.
        added = {diff[1].name for diff in schema_diff(engine) if diff[0] == "add_table"}
        assert added == TABLES
        migrate(url)
        migrate(url)  # idempotent: already at head
        assert schema_diff(engine) == []
        assert set(inspect(engine).get_table_names()) >= TABLES
    finally:
        engine.dispose()


def test_concurrent_migrations_serialise(url: str) -> None:
    # Several uvicorn workers start at once and each migrates: the lock makes that safe.
    assert migrate_concurrently(url) == []
    engine = make_engine(url)
    try:
        assert schema_diff(engine) == []
    finally:
        engine.dispose()


def test_sqlite_file_is_under_the_data_dir_with_wal_and_foreign_keys(
    tmp_path: Path, engine: Engine
) -> None:
    assert default_database_url(tmp_path).endswith("contract-qa/contract-qa.sqlite")
    assert (tmp_path / "contract-qa" / "contract-qa.sqlite").is_file()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000


def test_postgres_urls_use_psycopg_3() -> None:
    assert normalise_url("postgresql://u@h:5/d") == "postgresql+psycopg://u@h:5/d"
    assert normalise_url("postgres://u@h/d") == "postgresql+psycopg://u@h/d"
    assert normalise_url("sqlite:///x.db") == "sqlite:///x.db"
    engine = make_engine("postgresql://u@127.0.0.1:1/d")  # no connection is made yet
    assert (engine.dialect.name, engine.dialect.driver) == ("postgresql", "psycopg")


def test_in_memory_sqlite_is_one_shared_database() -> None:
    engine = make_engine("sqlite://")
    migrate(engine)  # the engine itself: a URL would open a second, empty in-memory database
    assert schema_diff(engine) == []
    with session_factory(engine)() as session:
        session.add(User(email="a@example.com", password_hash="h"))
        session.commit()
    seen: list[int] = []
    worker = threading.Thread(
        target=lambda: seen.append(
            session_factory(engine)().scalar(select(func.count()).select_from(User)) or 0
        )
    )
    worker.start()
    worker.join()
    assert seen == [1]


def _user(session: Session, email: str = "a@example.com") -> User:
    user = User(email=email, password_hash="h")
    session.add(user)
    session.commit()
    return user


def _document(session: Session, user: User, sha: str = "0" * 64, clauses: int = 2) -> Document:
    document = Document(
        user_id=user.id, filename="nda.pdf", kind="pdf", size=10, sha256=sha, pages=1,
        clauses_count=clauses,
    )  # fmt: skip
    document.clauses = [
        Clause(position=i, number=str(i + 1), heading=None, page=1, text=f"clause {i}")
        for i in range(clauses)
    ]
    session.add(document)
    session.commit()
    return document


def test_unique_constraints(engine: Engine) -> None:
    make = session_factory(engine)
    with make() as session:
        alice, bob = _user(session), _user(session, "b@example.com")
        _document(session, alice, sha="a" * 64)
        _document(session, bob, sha="a" * 64)  # the same file for another user is fine
        with pytest.raises(exc.IntegrityError):
            _document(session, alice, sha="a" * 64)  # but not twice for one user
        session.rollback()
        with pytest.raises(exc.IntegrityError):
            _user(session, "a@example.com")
        session.rollback()
        expires = datetime.now(UTC) + timedelta(days=1)
        for family in ("f1", "f2"):
            session.add(RefreshToken(user_id=alice.id, family_id=family, token_hash="t" * 64,
                                     expires_at=expires))  # fmt: skip
        with pytest.raises(exc.IntegrityError):
            session.commit()


def test_deleting_a_user_cascades_in_the_database(engine: Engine) -> None:
    make = session_factory(engine)
    with make() as session:
        alice, bob = _user(session), _user(session, "b@example.com")
        _document(session, alice, sha="a" * 64, clauses=3)
        kept = _document(session, bob, sha="b" * 64, clauses=2)
        expires = datetime.now(UTC) + timedelta(days=1)
        session.add(RefreshToken(user_id=alice.id, family_id="f", token_hash="t" * 64,
                                 expires_at=expires))  # fmt: skip
        session.commit()
        # A Core DELETE: no ORM cascade involved, only the database's ON DELETE CASCADE.
        session.execute(delete(User).where(User.id == alice.id))
        session.commit()
        assert session.scalar(select(func.count()).select_from(Document)) == 1
        assert session.scalar(select(func.count()).select_from(Clause)) == 2
        assert session.scalar(select(func.count()).select_from(RefreshToken)) == 0
        session.delete(kept)  # and an ORM delete of a document takes its clauses along
        session.commit()
        assert session.scalar(select(func.count()).select_from(Clause)) == 0


def test_datetimes_come_back_aware_in_utc(engine: Engine) -> None:
    make = session_factory(engine)
    paris = datetime(2025, 3, 1, 12, 30, tzinfo=timezone(timedelta(hours=1)))
    with make() as session:
        user = User(email="a@example.com", password_hash="h", created_at=paris)
        session.add(user)
        session.commit()
        user_id = user.id
    with make() as session:
        stored = session.get(User, user_id)
        assert stored is not None
        assert stored.created_at == paris and stored.created_at.tzinfo == UTC
        assert stored.created_at.hour == 11
        with pytest.raises(exc.StatementError, match="naive datetime"):
            session.add(User(email="n@example.com", password_hash="h",
                             created_at=datetime(2025, 1, 1)))  # fmt: skip
            session.commit()

"""The same migrations and auth flows on a real PostgreSQL server (a throw-away cluster).

Skipped, with the reason, only where the server binaries are absent (CI: apt-get install
postgresql). Everything else here also runs on SQLite in test_db / test_auth / test_tokens: this
file proves the one schema and the one code path work on both.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from argon2 import PasswordHasher

# Loaded by conftest.py before this module (this folder is not a package).
from m5_contracts_tests_db_support import migrate_concurrently  # type: ignore[import-not-found]
from sqlalchemy import delete, exc, func, inspect, select

from m5_agents_mlops.contracts import auth
from m5_agents_mlops.contracts.db import (
    Base,
    Clause,
    Document,
    RefreshToken,
    User,
    make_engine,
    session_factory,
)
from m5_agents_mlops.contracts.migrations import downgrade, migrate

FAST = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
PASSWORD = "correct horse 42"


def test_migrations_and_auth_round_trip_on_postgres(postgres_url: str) -> None:
    # Migrate from three "workers" at once: the advisory lock serialises them.
    assert migrate_concurrently(postgres_url) == []
    engine = make_engine(postgres_url)
    try:
        assert engine.dialect.driver == "psycopg"
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        downgrade(postgres_url, "base")
        assert set(inspect(engine).get_table_names()) == {"alembic_version"}
        migrate(postgres_url)

        settings = auth.AuthSettings(secret=secrets.token_urlsafe(48))
        make = session_factory(engine)
        with make() as session:
            user = auth.signup(session, "Alice@Example.com", PASSWORD, hasher=FAST)
            with pytest.raises(auth.EmailTaken):
                auth.signup(session, "alice@example.com", PASSWORD, hasher=FAST)
            limiter = auth.LoginLimiter(max_per_account=2)
            for _ in range(2):
                with pytest.raises(auth.InvalidCredentials):
                    auth.login(session, limiter, "alice@example.com", "nope nope 1", "::1",
                               hasher=FAST)  # fmt: skip
            with pytest.raises(auth.RateLimited) as caught:
                auth.login(session, limiter, "alice@example.com", PASSWORD, "::1", hasher=FAST)
            assert 1 <= caught.value.retry_after_s <= 300
            assert auth.login(session, auth.LoginLimiter(max_per_account=3), "alice@example.com",
                              PASSWORD, "::1", hasher=FAST).id == user.id  # fmt: skip

            pair = auth.issue_tokens(session, user, settings)
            assert auth.decode_access(pair.access_token, settings).user_id == user.id
            fresh = auth.rotate(session, pair.refresh_token, settings)
            with pytest.raises(auth.AuthError, match="reused"):
                auth.rotate(session, pair.refresh_token, settings)
            with pytest.raises(auth.AuthError, match="revoked"):
                auth.rotate(session, fresh.refresh_token, settings)
            row = session.scalar(select(RefreshToken).where(RefreshToken.replaced_by.is_not(None)))
            assert row is not None and row.expires_at.tzinfo == UTC
            assert row.expires_at - datetime.now(UTC) > timedelta(days=13)

            document = Document(user_id=user.id, filename="a.txt", kind="txt", size=1,
                                sha256="a" * 64, clauses_count=1)  # fmt: skip
            document.clauses = [Clause(position=0, text="1. Term")]
            session.add(document)
            session.commit()
            session.add(Document(user_id=user.id, filename="b.txt", kind="txt", size=1,
                                 sha256="a" * 64, clauses_count=0))  # fmt: skip
            with pytest.raises(exc.IntegrityError):
                session.commit()
            session.rollback()
            session.execute(delete(User).where(User.id == user.id))
            session.commit()
            for table in (Document, Clause, RefreshToken):
                assert session.scalar(select(func.count()).select_from(table)) == 0
    finally:
        engine.dispose()

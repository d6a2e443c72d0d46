"""Alembic migrations shipped inside the package, run from code: ``migrate(url)``.

No ``alembic.ini``: the configuration is built here, pointing at this folder, so an installed
wheel can upgrade its own database (``contract-qa`` does it at start-up). Several API processes
may start at once, so the upgrade is serialised: PostgreSQL takes a transaction-scoped advisory
lock, SQLite a ``BEGIN IMMEDIATE`` write lock. Both run the DDL inside that one transaction, so a
failed migration leaves the schema as it was and the process that waited finds it at ``head``.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, text

from m5_agents_mlops.contracts.db import make_engine, normalise_url

HERE = Path(__file__).resolve().parent
# Any fixed 64-bit number: every Contract-QA process agrees on it, nothing else uses it.
_PG_LOCK_KEY = 0x43514D4947  # "CQMIG"


def alembic_config(url: str | None = None) -> Config:
    """An Alembic Config for these migrations (for ``command.*`` calls and autogenerate)."""
    config = Config()
    # ConfigParser treats % as interpolation: escape it so odd paths and passwords survive.
    config.set_main_option("script_location", str(HERE).replace("%", "%%"))
    if url is not None:
        config.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return config


def _locked(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _PG_LOCK_KEY})
    elif connection.dialect.name == "sqlite":
        # pysqlite would otherwise run DDL in autocommit, one statement at a time.
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _run(target: str | Engine, revision: str, upgrade: bool) -> None:
    engine = make_engine(target) if isinstance(target, str) else target
    try:
        with engine.connect() as connection:
            _locked(connection)
            config = alembic_config(engine.url.render_as_string(hide_password=False))
            config.attributes["connection"] = connection
            if upgrade:
                command.upgrade(config, revision)
            else:
                command.downgrade(config, revision)
            connection.commit()
    finally:
        if isinstance(target, str):  # an engine we made is ours to close; the caller's is not
            engine.dispose()


def migrate(target: str | Engine, revision: str = "head") -> None:
    """Upgrade the database (a URL, or the app's own engine) to ``revision``. Idempotent.

    Pass the engine for an in-memory SQLite database: a URL would open a second, empty one.
    """
    _run(target, revision, upgrade=True)


def downgrade(target: str | Engine, revision: str = "base") -> None:
    """Undo migrations down to ``revision`` (``base``: drop every table they created)."""
    _run(target, revision, upgrade=False)


def current_revision(connection: Connection) -> str | None:
    """The revision the database is at (None for an empty database)."""
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()

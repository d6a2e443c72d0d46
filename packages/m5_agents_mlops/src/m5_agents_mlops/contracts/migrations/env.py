"""Alembic's entry point: how the migrations reach the database.

``migrate()`` (in ``__init__.py``) hands over an open connection through
``config.attributes["connection"]``, so the migrations run on exactly the engine the app uses
(same SQLite pragmas, same psycopg driver). Offline mode (``--sql``) prints the DDL instead, for
a DBA who wants to review it before it runs.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from m5_agents_mlops.contracts.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        # SQLite cannot ALTER most things: "batch" mode rebuilds the table instead.
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


def run_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            _run(connection)
    finally:
        engine.dispose()


def run_offline() -> None:
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
else:
    run_online()
